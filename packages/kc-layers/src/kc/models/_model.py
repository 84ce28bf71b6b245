"""`Model`: a layer with training, evaluation, saving and a summary.

``Model(inputs, outputs)`` builds a functional model; subclassing `Model`
and writing ``call`` gives a subclassed model (``super().__init__(inputs,
outputs)`` inside a subclass gives a functional subclass). Training and
saving live in the packages above (kc-train, kc-io): `fit`, `evaluate`,
`predict`, `save` import them when called.

Example:
    >>> inputs = kc.Input((8,))
    >>> model = kc.Model(inputs, kc.layers.Dense(2)(inputs))
    >>> model.count_params()
    18
"""

from __future__ import annotations

import json

from kc._lazy import require
from kc.layers import Layer
from kc.layers import _tracking
from kc.ops import KerasTensor
from kc.tree import flatten

_FUNCTIONAL_SUBCLASSES: dict = {}


def _is_functional_args(args, kwargs) -> bool:
    if "inputs" in kwargs and "outputs" in kwargs:
        return True
    if len(args) >= 2 and any(isinstance(t, KerasTensor) for t in flatten(args[0])):
        return True
    return len(args) == 1 and "outputs" in kwargs


def _upward(module: str, distribution: str, name: str):
    """``module.name`` from a package above kc-layers, imported on first use."""
    fn = getattr(require(module, distribution), name, None)
    if fn is None:
        raise ImportError(
            f"Model.{name} is provided by {module} ({distribution}); the installed {distribution} "
            f"does not provide {name} (yet)."
        )
    return fn


def _train(name: str):
    return _upward("kc.train", "kc-train", name)


_TRAIN_MODULES: dict = {}


def _train_module(module: str):
    """A kc-train module (``kc.train._hooks``, ``kc.train._backends``), cached after first use."""
    mod = _TRAIN_MODULES.get(module)
    if mod is None:
        mod = _TRAIN_MODULES[module] = require(module, "kc-train")
    return mod


def _hooks():
    return _TRAIN_MODULES.get("kc.train._hooks") or _train_module("kc.train._hooks")


def _trainer(model):
    """The model's backend Trainer (kc-train), made on first use and cached on the model."""
    return _train_module("kc.train._backends").get_trainer(model)


def _saving(name: str):
    return _upward("kc.saving", "kc-io", name)


class Model(Layer):
    """A `Layer` that can be compiled, trained, evaluated, saved and summarized.

    Three ways to make one:

    * ``kc.Sequential([...])`` — a stack of layers;
    * ``kc.Model(inputs, outputs)`` — the functional API;
    * a subclass of `Model` with layers made in ``__init__`` and a ``call``.

    Args (subclassed form): ``trainable``, ``dtype``, ``name`` as for `Layer`.
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and _is_functional_args(args, kwargs):
            from kc.models._functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        from kc.models._functional import Functional

        if _is_functional_args(args, kwargs) and not isinstance(self, Functional):
            # A subclass calling super().__init__(inputs, outputs): make it functional.
            cls = type(self)
            combined = _FUNCTIONAL_SUBCLASSES.get(cls)
            if combined is None:
                combined = type(cls.__name__, (cls, Functional), {"__module__": cls.__module__})
                _FUNCTIONAL_SUBCLASSES[cls] = combined
            self.__class__ = combined
            Functional.__init__(self, *args, **kwargs)
            return
        if args:
            raise TypeError(
                f"{type(self).__name__}: Model() takes inputs and outputs (functional API) or "
                f"keyword arguments trainable/dtype/name; got positional arguments {args!r}."
            )
        allowed = {"trainable", "dtype", "name", "autocast"}
        unknown = set(kwargs) - allowed
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unrecognized keyword arguments {sorted(unknown)}; "
                f"a subclassed Model accepts {sorted(allowed)}."
            )
        Layer.__init__(self, **kwargs)
        self._init_model_state()

    def _init_model_state(self) -> None:
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self._compile_config = None
        self._run_eagerly = False
        self.steps_per_execution = 1
        self.jit_compile = "auto"
        self._kc_trainer_state = None  # filled by kc-train
        # Compiled containers (kc-train); set without attribute tracking so that they are
        # listed once in `metrics` and not among the model's own variables (as Keras).
        for name in ("_loss_tracker", "_compile_loss", "_compile_metrics", "train_function",
                     "test_function", "predict_function"):
            self._kc_plain_setattr(name, None)

    # Layers -----------------------------------------------------------------------
    @property
    def layers(self) -> list:
        """The model's layers (direct sublayers)."""
        return list(self._kc_layers)

    def get_layer(self, name: str | None = None, index: int | None = None):
        """A layer by name or by index in `layers`."""
        if index is not None and name is not None:
            raise ValueError(
                f"Model '{self.name}': get_layer takes a name or an index, not both "
                f"(got name={name!r}, index={index!r})."
            )
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Model '{self.name}': get_layer index {index} is out of range; the model "
                    f"has {len(layers)} layers."
                )
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"Model '{self.name}' has no layer named {name!r}; its layers are "
                f"{[layer.name for layer in layers]}."
            )
        raise ValueError("get_layer: provide a layer name or an index.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None) -> None:
        """Print a table of the layers, output shapes and parameter counts."""
        from kc.models._summary import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable,
                      layer_range=layer_range)

    # Compile (stored here; the training loop lives in kc-train) -----------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Configure the model for training: optimizer, loss(es), metrics.

        String names are resolved now ("adam", "mse", ...): an unknown name
        raises here, not at `fit`. The containers that apply losses and
        metrics to (multi-)outputs are built by kc-train.
        """
        from kc._lazy import require as _require

        optimizers = _require("kc.optimizers", "kc-layers")
        losses = _require("kc.losses", "kc-layers")
        self.optimizer = optimizers.get(optimizer)
        self.loss = _map_structure_strings(loss, losses.get)
        if metrics is not None:
            _map_structure_strings(metrics, _check_metric_name)
        if weighted_metrics is not None:
            _map_structure_strings(weighted_metrics, _check_metric_name)
        if jit_compile == "auto":
            jit_compile = not run_eagerly and _auto_jit_compile()
        # Plain attributes: metric objects in these specs belong to CompileMetrics, and must
        # not also be tracked as the model's own metrics.
        self._kc_plain_setattr("_compile_config", {  # a .keras file's compile_config
            "optimizer": self.optimizer, "loss": loss, "loss_weights": loss_weights,
            "metrics": metrics, "weighted_metrics": weighted_metrics,
            "run_eagerly": run_eagerly, "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        })
        self._kc_plain_setattr("compiled_loss_weights", loss_weights)
        self._kc_plain_setattr("compiled_metrics_spec", metrics)
        self._kc_plain_setattr("compiled_weighted_metrics_spec", weighted_metrics)
        self._run_eagerly = bool(run_eagerly)
        self.steps_per_execution = steps_per_execution
        self.jit_compile = jit_compile
        self.auto_scale_loss = auto_scale_loss
        self._kc_make_compiled_containers(loss, loss_weights, metrics, weighted_metrics)
        self._kc_trainer_state = None
        for name in ("train_function", "test_function", "predict_function"):
            self._kc_plain_setattr(name, None)
        self.stop_training = False
        self.compiled = True

    def _kc_make_compiled_containers(self, loss, loss_weights, metrics, weighted_metrics):
        """The loss tracker, `CompileLoss` and `CompileMetrics` (the latter two from kc-train,
        when it is installed: without it the model can still be compiled and saved)."""
        from kc import metrics as metrics_module

        self._kc_plain_setattr("_loss_tracker", metrics_module.Mean(name="loss"))
        compile_loss = compile_metrics = None
        try:
            containers = _train_module("kc.train._compile")
        except ImportError:
            from kc import _lazy

            if _lazy._installed("kc-train"):
                raise  # installed but broken: say so
            containers = None  # kc-layers alone: compile still records the configuration
        if containers is not None:
            output_names = containers.output_names_of(self)
            if loss is not None:
                compile_loss = containers.CompileLoss(
                    loss, loss_weights=loss_weights, output_names=output_names)
            if metrics is not None or weighted_metrics is not None:
                compile_metrics = containers.CompileMetrics(
                    metrics, weighted_metrics, output_names=output_names)
        self._kc_plain_setattr("_compile_loss", compile_loss)
        self._kc_plain_setattr("_compile_metrics", compile_metrics)

    @property
    def run_eagerly(self) -> bool:
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value: bool) -> None:
        self._run_eagerly = bool(value)

    def get_compile_config(self):
        if not self.compiled or self._compile_config is None:
            return {}  # Keras writes an empty compile config for uncompiled models
        from kc.serialization import serialize_keras_object

        return serialize_keras_object(self._compile_config)

    def compile_from_config(self, config) -> None:
        from kc.serialization import deserialize_keras_object

        config = deserialize_keras_object(config)
        self.compile(**config)

    # Training hooks (defaults in kc-train; override them as in Keras 3) ------------------
    def train_step(self, *args):
        """One training step on a batch; returns the logs.

        torch/tensorflow: ``train_step(data) -> logs``; jax: ``train_step(state, data) ->
        (logs, state)`` (Keras 3's per-backend patterns). Override it to customize `fit`.
        """
        return _trainer(self).train_step(*args)

    def test_step(self, *args):
        """One evaluation step on a batch (same per-backend forms as `train_step`)."""
        return _trainer(self).test_step(*args)

    def predict_step(self, *args):
        """One prediction step on a batch; returns the model outputs."""
        return _trainer(self).predict_step(*args)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss: compiled losses of ``y_pred`` against ``y`` plus `losses`.

        Example:
            >>> y_pred = model(x)
            >>> loss = model.compute_loss(x, y, y_pred)
        """
        return _hooks().compute_loss(self, x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                     training=training)

    def stateless_compute_loss(self, trainable_variables, non_trainable_variables,
                               metrics_variables, x=None, y=None, y_pred=None,
                               sample_weight=None, training=True):
        """`compute_loss` with given variable values, changing no state.

        Returns ``(loss, (trainable_variables, non_trainable_variables, metrics_variables))``.
        """
        return _hooks().stateless_compute_loss(
            self, trainable_variables, non_trainable_variables, metrics_variables, x=x, y=y,
            y_pred=y_pred, sample_weight=sample_weight, training=training)

    def compute_loss_and_updates(self, trainable_variables, non_trainable_variables,
                                 metrics_variables, x, y, sample_weight, training=False,
                                 optimizer_variables=None):
        """(jax) ``(loss, (unscaled_loss, y_pred, non_trainable_variables,
        metrics_variables))`` of a stateless forward pass, as Keras 3's JAX trainer;
        differentiable with ``jax.value_and_grad(..., has_aux=True)``."""
        trainer = _trainer(self)
        fn = getattr(trainer, "compute_loss_and_updates", None)
        if fn is None:
            from kc import config

            raise NotImplementedError(
                f"Model.compute_loss_and_updates is part of the jax trainer; the active backend "
                f"is {config.backend()!r} (use compute_loss)."
            )
        return fn(trainable_variables, non_trainable_variables, metrics_variables, x, y,
                  sample_weight, training=training, optimizer_variables=optimizer_variables)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with a batch; return `get_metrics_result()`."""
        return _hooks().compute_metrics(self, x, y, y_pred, sample_weight=sample_weight)

    def get_metrics_result(self):
        """``{name: value}`` of every metric in `metrics` (dict results flattened)."""
        return _hooks().get_metrics_result(self)

    @property
    def metrics(self) -> list:
        """The loss tracker, the compiled metrics, the per-output loss trackers, then the
        metrics tracked on the model and its layers."""
        out = []
        if self.compiled:
            for metric in (self._loss_tracker, self._compile_metrics):
                if metric is not None:
                    out.append(metric)
            if self._compile_loss is not None:
                out.extend(self._compile_loss.metrics)
        for metric in self._kc_layer_metrics():
            if not any(metric is m for m in out):
                out.append(metric)
        return out

    def _kc_layer_metrics(self) -> list:
        """The metrics tracked on the model and its layers, in walk order.

        Read on every training step (`get_metrics_result`): the walk over the layers is
        cached while the layers' tracking version (``kc.layers._tracking.VERSION``, bumped
        whenever a layer, variable or metric is tracked or untracked anywhere) is unchanged.
        """
        version = _tracking.VERSION
        cache = self.__dict__.get("_kc_layer_metrics_cache")
        if cache is not None and cache[0] == version:
            return cache[1]
        out = []
        for layer in self._kc_flat_layers():
            for metric in layer._kc_metrics:
                if not any(metric is m for m in out):
                    out.append(metric)
        self.__dict__["_kc_layer_metrics_cache"] = (version, out)
        return out

    @property
    def metrics_names(self) -> list:
        return [m.name for m in self.metrics]

    @property
    def metrics_variables(self) -> list:
        """The state variables of every metric in `metrics`."""
        out = []
        for metric in self.metrics:
            out.extend(metric.variables)
        return out

    def reset_metrics(self) -> None:
        """Reset the state of every metric in `metrics`."""
        for metric in self.metrics:
            metric.reset_state()

    @property
    def compiled_loss(self):
        """The `CompileLoss` made by `compile` (None without a loss)."""
        return self._compile_loss

    @property
    def compiled_metrics(self):
        """The `CompileMetrics` made by `compile` (None without metrics)."""
        return self._compile_metrics

    def make_train_function(self, force: bool = False):
        """Make (or return the cached) function that runs training steps; sets
        `train_function`."""
        return _trainer(self).make_train_function(force)

    def make_test_function(self, force: bool = False):
        return _trainer(self).make_test_function(force)

    def make_predict_function(self, force: bool = False):
        return _trainer(self).make_predict_function(force)

    # Upward calls: kc-train -----------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train the model for ``epochs`` epochs; returns the `History` (kc-train).

        Example:
            >>> model.compile(optimizer="adam", loss="mse")
            >>> history = model.fit(x, y, batch_size=32, epochs=3, validation_split=0.2)
        """
        return _train("fit")(
            self, x=x, y=y, batch_size=batch_size, epochs=epochs, verbose=verbose,
            callbacks=callbacks, validation_split=validation_split,
            validation_data=validation_data, shuffle=shuffle, class_weight=class_weight,
            sample_weight=sample_weight, initial_epoch=initial_epoch,
            steps_per_epoch=steps_per_epoch, validation_steps=validation_steps,
            validation_batch_size=validation_batch_size, validation_freq=validation_freq)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """The loss and metrics on data: a scalar, a list or (``return_dict``) a dict."""
        return _train("evaluate")(
            self, x=x, y=y, batch_size=batch_size, verbose=verbose, sample_weight=sample_weight,
            steps=steps, callbacks=callbacks, return_dict=return_dict, **kwargs)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs on data, batch by batch, as NumPy arrays."""
        return _train("predict")(self, x, batch_size=batch_size, verbose=verbose, steps=steps,
                                 callbacks=callbacks)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict=False):
        """One training step on one batch; the loss and metrics after it."""
        return _train("train_on_batch")(self, x, y=y, sample_weight=sample_weight,
                                        class_weight=class_weight, return_dict=return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """The loss and metrics on one batch."""
        return _train("test_on_batch")(self, x, y=y, sample_weight=sample_weight,
                                       return_dict=return_dict)

    def predict_on_batch(self, x):
        """The model's outputs on one batch, as NumPy arrays."""
        return _train("predict_on_batch")(self, x)

    # Upward calls: kc-io ---------------------------------------------------------------
    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Save the model as a .keras archive (implemented by kc-io)."""
        return _saving("save_model")(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Save the weights to a .weights.h5 file (implemented by kc-io)."""
        return _saving("save_weights")(self, filepath, overwrite=overwrite,
                                      max_shard_size=max_shard_size)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Load weights from a .weights.h5 or .keras file (implemented by kc-io)."""
        return _saving("load_weights")(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs) -> str:
        """The model's architecture as a JSON string (see `kc.models.model_from_json`)."""
        from kc.serialization import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    # Config ------------------------------------------------------------------------------
    def get_config(self) -> dict:
        return Layer.get_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from kc.models._functional import Functional, functional_from_config

        if "layers" in config and "input_layers" in config and "output_layers" in config:
            if cls is Model or cls is Functional:
                return functional_from_config(Functional, config, custom_objects)
            if issubclass(cls, Functional):
                return functional_from_config(cls, config, custom_objects)
        return super().from_config(config)


def _map_structure_strings(value, fn):
    if value is None:
        return None
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {k: _map_structure_strings(v, fn) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_map_structure_strings(v, fn) for v in value)
    return value


def _check_metric_name(name):
    if name in ("accuracy", "acc", "crossentropy", "ce"):
        return name  # resolved per output by kc-train, as Keras does
    from kc._lazy import require as _require

    return _require("kc.metrics", "kc-layers").get(name)


def _auto_jit_compile() -> bool:
    """What ``jit_compile="auto"`` means, as in Keras: XLA on jax; on tensorflow only
    with an accelerator (XLA's CPU convolutions are slower than TF's own kernels)."""
    from kc import config

    backend = config.backend()
    if backend == "jax":
        return True
    if backend == "tensorflow":
        import tensorflow as tf

        return any(d.device_type != "CPU" for d in tf.config.list_physical_devices())
    return False
