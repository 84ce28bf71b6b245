"""kc.train: the fit/evaluate/predict loops and one Trainer per backend.

`Model.fit`, `evaluate`, `predict` and the ``*_on_batch`` methods (kc-layers)
call the functions here as ``fn(model, ...)``; `get_trainer(model)` gives the
model's backend Trainer (jax, torch, tensorflow; numpy evaluates and
predicts only).

Example:
    >>> model.compile(optimizer="adam", loss="mse")
    >>> history = model.fit(x, y, epochs=3, verbose=0)   # calls kc.train.fit(model, ...)
"""

from kc.train._backends import get_trainer as get_trainer
from kc.train._loop import evaluate as evaluate
from kc.train._loop import fit as fit
from kc.train._loop import predict as predict
from kc.train._loop_batch import predict_on_batch as predict_on_batch
from kc.train._loop_batch import test_on_batch as test_on_batch
from kc.train._loop_batch import train_on_batch as train_on_batch

