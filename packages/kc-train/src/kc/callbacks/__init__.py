"""`kc.callbacks`: hooks into `fit`, `evaluate` and `predict` (the Keras 3 set)."""

from kc.callbacks._backup_and_restore import BackupAndRestore as BackupAndRestore
from kc.callbacks._callback import Callback as Callback
from kc.callbacks._callback_list import CallbackList as CallbackList
from kc.callbacks._csv_logger import CSVLogger as CSVLogger
from kc.callbacks._early_stopping import EarlyStopping as EarlyStopping
from kc.callbacks._history import History as History
from kc.callbacks._learning_rate import LearningRateScheduler as LearningRateScheduler
from kc.callbacks._learning_rate import ReduceLROnPlateau as ReduceLROnPlateau
from kc.callbacks._model_checkpoint import ModelCheckpoint as ModelCheckpoint
from kc.callbacks._progbar_logger import ProgbarLogger as ProgbarLogger
from kc.callbacks._remote_monitor import RemoteMonitor as RemoteMonitor
from kc.callbacks._simple import LambdaCallback as LambdaCallback
from kc.callbacks._simple import TerminateOnNaN as TerminateOnNaN
from kc.callbacks._swap_ema import SwapEMAWeights as SwapEMAWeights
from kc.callbacks._tensorboard import TensorBoard as TensorBoard

__all__ = [
    "BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History",
    "LambdaCallback", "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger",
    "ReduceLROnPlateau", "RemoteMonitor", "SwapEMAWeights", "TensorBoard", "TerminateOnNaN",
]
