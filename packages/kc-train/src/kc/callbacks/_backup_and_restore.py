"""`BackupAndRestore`: resume an interrupted `fit` where it stopped."""

from __future__ import annotations

import json
import os
import shutil

from kc.callbacks._callback import Callback
from kc.callbacks._model_checkpoint import _BatchCounter, _check_save_freq


def _write_json_atomically(path: str, data: dict) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class BackupAndRestore(_BatchCounter, Callback):
    """Backs up the training state so that a new `fit` call resumes an interrupted one.

    At the end of each epoch (or every `save_freq` batches) it writes, in
    `backup_dir`, `latest.weights.h5` (the model's weights and optimizer state,
    through `model.save_weights`) and `training_metadata.json` (epoch and batch
    reached). When `fit` starts with these files present it loads them and
    continues from that epoch. kc goes further than Keras: after a mid-epoch
    backup it also skips the batches already trained in that epoch, so with
    `shuffle=False` the resumed run ends with the same weights as an
    uninterrupted one. The directory is deleted when `fit` completes.

    Args:
        backup_dir: the directory holding the backup (made if missing).
        save_freq: `"epoch"`, or an int: back up every that many batches.
        double_checkpoint: keep the previous backup too (`*.bkp`), used when
            the latest one cannot be read.
        delete_checkpoint: delete `backup_dir` when `fit` completes.

    Example:
        >>> backup = kc.callbacks.BackupAndRestore(backup_dir="/tmp/backup")
        >>> model.fit(x, y, epochs=10, callbacks=[backup])  # interrupted...
        >>> model.fit(x, y, epochs=10, callbacks=[backup])  # ...goes on from there
    """

    _kc_raw_batch_logs = True  # never reads batch logs

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__()
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        self.backup_dir = os.fspath(backup_dir)
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._training_metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._prev_weights_path = self._weights_path + ".bkp"
        self._prev_training_metadata_path = self._training_metadata_path + ".bkp"
        if save_freq != 0:
            _check_save_freq(save_freq, "BackupAndRestore")
        # Steps of the current epoch trained so far (batch index + 1 of the last batch).
        self._steps_in_epoch = 0

    def on_train_begin(self, logs=None):
        model = self.model
        if not getattr(model, "built", False):
            raise ValueError(
                "To use the BackupAndRestore callback, your model must be built before you call "
                f"`fit()`. Model {getattr(model, 'name', model)!r} is unbuilt. Build it "
                "beforehand by calling it on a batch of data.")
        try:
            self._load_model(self._weights_path, self._training_metadata_path)
        except (OSError, ValueError, KeyError) as e:
            if not (self.double_checkpoint and os.path.exists(self._prev_weights_path)):
                raise
            try:
                self._load_model(self._prev_weights_path, self._prev_training_metadata_path)
            except (OSError, ValueError, KeyError) as e2:
                raise ValueError(
                    f"BackupAndRestore: neither the latest backup in {self.backup_dir!r} nor the "
                    f"previous one could be loaded (latest: {e}; previous: {e2}).") from e2

    def _load_model(self, weights_path: str, metadata_path: str) -> None:
        model = self.model
        if os.path.exists(weights_path):
            optimizer = getattr(model, "optimizer", None)
            if optimizer is not None and not getattr(optimizer, "built", True):
                optimizer.build(model.trainable_variables)
            model.load_weights(weights_path)
        if os.path.exists(metadata_path):
            with open(metadata_path) as f:
                metadata = json.load(f)
            epoch = metadata["epoch"]
            # kc: resume inside the epoch (the loop skips the batches already trained).
            steps_done = int(metadata.get("steps_done_in_epoch", 0))
            steps = (self.params or {}).get("steps")
            if steps and steps_done >= steps:  # the backup came at the epoch's last batch
                epoch, steps_done = epoch + 1, 0
            self._current_epoch = epoch
            model._initial_epoch = epoch
            model._kc_initial_step = steps_done

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        self._steps_in_epoch = 0
        if self.save_freq == "epoch":
            self._save_model()

    def on_train_batch_end(self, batch, logs=None):
        self._steps_in_epoch = batch + 1
        if self._should_save_on_batch(batch):
            self._save_model()

    def _save_model(self) -> None:
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            if os.path.exists(self._weights_path):
                shutil.copyfile(self._weights_path, self._prev_weights_path)
            if os.path.exists(self._training_metadata_path):
                shutil.copyfile(self._training_metadata_path, self._prev_training_metadata_path)
        self.model.save_weights(self._weights_path, overwrite=True)
        _write_json_atomically(self._training_metadata_path, {
            "epoch": self._current_epoch, "batch": self._last_batch_seen,
            "steps_done_in_epoch": self._steps_in_epoch})

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
