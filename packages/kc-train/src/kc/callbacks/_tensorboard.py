"""`TensorBoard`: write training logs as TensorBoard event files (through tensorboardX)."""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np

from kc.callbacks._callback import Callback
from kc.callbacks._logs import pythonify_logs


def _summary_writer_class():
    """tensorboardX's SummaryWriter, imported without pulling torch into a non-torch process."""
    block_torch = "torch" not in sys.modules and "tensorboardX" not in sys.modules
    if block_torch:
        sys.modules["torch"] = None  # tensorboardX tries `import torch`; make it fail fast
    try:
        from tensorboardX import SummaryWriter
    except ImportError as e:
        raise ImportError(
            "The TensorBoard callback writes event files with the `tensorboardX` package, which "
            "is not installed. Install the optional extra: pip install 'kc-train[tensorboard]' "
            "(or pip install tensorboardX).") from e
    finally:
        if block_torch and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return SummaryWriter


def _check_profile_batch(profile_batch):
    bad = ValueError(
        "TensorBoard: profile_batch must be a non-negative integer or a pair of positive "
        "integers (a range of batches to profile), or a string 'start,stop'. Found: "
        f"{profile_batch!r}")
    value = profile_batch
    if isinstance(value, str):
        try:
            value = [int(v) for v in value.split(",")]
        except ValueError:
            raise bad from None
    if isinstance(value, (list, tuple)):
        if len(value) != 2 or not all(isinstance(v, int) and v > 0 for v in value) or \
                value[0] > value[1]:
            raise bad
        return tuple(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise bad
    return (value, value)


def _as_image(values: np.ndarray):
    """A weight as an HWC image in [0, 1], or None if its shape has no image form."""
    w = np.asarray(values, dtype=np.float64)
    if w.ndim == 1:
        w = w[None, :]
    elif w.ndim == 4:  # a conv kernel (h, w, in, out): one tile per output channel
        w = w.reshape(w.shape[0], -1)
    elif w.ndim != 2:
        return None
    if w.shape[0] > w.shape[1]:
        w = w.T
    low, high = w.min(), w.max()
    w = (w - low) / (high - low) if high > low else np.zeros_like(w)
    return w[:, :, None]


class TensorBoard(Callback):
    """Writes scalars, weight histograms and images for TensorBoard.

    Runs go to `log_dir/train` and `log_dir/validation` as in Keras: epoch
    scalars `epoch_<metric>` (plus `epoch_learning_rate`, and
    `epoch_steps_per_second` with `write_steps_per_second`), batch scalars
    `batch_<metric>` when `update_freq` is `"batch"` or an int, and
    `evaluation_<metric>_vs_iterations` after each validation. Files are written
    with the `tensorboardX` library (the optional extra `kc-train[tensorboard]`).

    kc differs from Keras 3: `write_graph` writes the model's config as the
    text summary `keras` (no op graph: kc has no TensorFlow graph to show);
    `profile_batch` and the embeddings arguments are accepted and checked but
    do not profile or write projector data; weights are tagged by their path
    (`sequential/dense/kernel/histogram`), which keeps same-named weights apart.

    Args:
        log_dir: the root directory of the event files.
        histogram_freq: every that many epochs, write weight histograms (0: never).
        write_graph: write the model's config as text.
        write_images: with histograms, also write weights as images.
        write_steps_per_second: log training steps per second.
        update_freq: `"epoch"`, `"batch"` or an int (every that many batches).
        profile_batch: accepted for compatibility (no profiling).
        embeddings_freq: accepted for compatibility (no projector data).
        embeddings_metadata: accepted for compatibility.

    Example:
        >>> tb = kc.callbacks.TensorBoard(log_dir="./logs", histogram_freq=1)
        >>> model.fit(x, y, validation_split=0.2, callbacks=[tb])
        >>> # then: tensorboard --logdir ./logs
    """

    _kc_raw_batch_logs = True  # batch logs are converted only when written

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        self._writer_class = _summary_writer_class()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (not isinstance(update_freq, int) or update_freq < 1):
            raise ValueError("TensorBoard: update_freq must be 'epoch', 'batch' or an int >= 1, "
                             f"got {update_freq!r}.")
        self.update_freq = update_freq
        self.profile_batch = profile_batch
        self._start_batch, self._stop_batch = _check_profile_batch(profile_batch)
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._writers = {}
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0
        self._train_accumulated_time = 0.0
        self._batch_start_time = 0.0
        self._epoch_start_time = 0.0

    # Writers --------------------------------------------------------------------------------
    def _writer(self, directory: str):
        writer = self._writers.get(directory)
        if writer is None:
            writer = self._writers[directory] = self._writer_class(logdir=directory)
        return writer

    @property
    def _train_writer(self):
        return self._writer(self._train_dir)

    @property
    def _val_writer(self):
        return self._writer(self._val_dir)

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def set_model(self, model):
        super().set_model(model)
        if self.write_graph:
            self._write_keras_model_summary()

    def _write_keras_model_summary(self) -> None:
        model = self._model
        get_config = getattr(model, "get_config", None)
        if get_config is None:
            return
        try:
            text = json.dumps(get_config(), default=str)
        except (NotImplementedError, TypeError, ValueError):
            return  # a subclassed model without a config: nothing to show
        self._train_writer.add_text("keras", text, 0)

    # Hooks ----------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0

    def on_train_end(self, logs=None):
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start_time = time.time()
        self._train_accumulated_time = 0.0
        self._previous_epoch_iterations = self._global_train_batch

    def on_train_batch_begin(self, batch, logs=None):
        self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        self._global_train_batch += 1
        now = time.time()
        self._train_accumulated_time += now - self._batch_start_time
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        writer, step = self._train_writer, self._global_train_batch
        if self.write_steps_per_second and now > self._batch_start_time:
            writer.add_scalar("batch_steps_per_second", 1.0 / (now - self._batch_start_time),
                              step)
        for name, value in pythonify_logs(logs).items():
            if isinstance(value, (int, float)):
                writer.add_scalar("batch_" + name, value, step)

    def on_test_end(self, logs=None):
        if self._model is None:
            return
        optimizer = getattr(self.model, "optimizer", None)
        iterations = getattr(optimizer, "iterations", None)
        if iterations is None:
            return
        step = int(np.asarray(iterations.numpy() if hasattr(iterations, "numpy") else iterations))
        writer = self._val_writer
        for name, value in (logs or {}).items():
            if isinstance(value, (int, float)):
                writer.add_scalar(f"evaluation_{name}_vs_iterations", value, step)

    def on_epoch_end(self, epoch, logs=None):
        self._log_epoch_metrics(epoch, logs or {})
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        for writer in self._writers.values():
            writer.flush()

    def _log_epoch_metrics(self, epoch, logs) -> None:
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        optimizer = getattr(self._model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "learning_rate") and \
                "learning_rate" not in train:
            try:
                train["learning_rate"] = float(np.asarray(
                    getattr(optimizer.learning_rate, "numpy", lambda: optimizer.learning_rate)()))
            except (TypeError, ValueError):
                pass
        if self.write_steps_per_second:
            steps = self._global_train_batch - self._previous_epoch_iterations
            elapsed = self._train_accumulated_time or (time.time() - self._epoch_start_time)
            train["steps_per_second"] = steps / elapsed if elapsed > 0 else 0.0
        for directory, values in ((self._train_dir, train), (self._val_dir, val)):
            if values:
                writer = self._writer(directory)
                for name, value in values.items():
                    if isinstance(value, (int, float)):
                        writer.add_scalar("epoch_" + name, value, epoch)

    def _log_weights(self, epoch) -> None:
        writer = self._train_writer
        for weight in self.model.weights:
            name = getattr(weight, "path", None) or weight.name
            name = name.replace(":", "_")
            values = np.asarray(weight.numpy())
            if values.size == 0 or not np.issubdtype(values.dtype, np.number):
                continue
            writer.add_histogram(f"{name}/histogram", values.astype(np.float64), epoch)
            if self.write_images:
                image = _as_image(values)
                if image is not None:
                    writer.add_image(f"{name}/image", image, epoch, dataformats="HWC")
