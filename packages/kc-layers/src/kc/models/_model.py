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
        if jit_compile == "auto":  # compiled steps where the backend compiles (as Keras)
            from kc import config

            jit_compile = config.backend() in ("jax", "tensorflow") and not run_eagerly
        self._compile_config = {  # what Keras 3 writes in a .keras file's compile_config
            "optimizer": self.optimizer, "loss": loss, "loss_weights": loss_weights,
            "metrics": metrics, "weighted_metrics": weighted_metrics,
            "run_eagerly": run_eagerly, "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        }
        self.compiled_loss_weights = loss_weights
        self.compiled_metrics_spec = metrics
        self.compiled_weighted_metrics_spec = weighted_metrics
        self._run_eagerly = bool(run_eagerly)
        self.steps_per_execution = steps_per_execution
        self.jit_compile = jit_compile
        self.auto_scale_loss = auto_scale_loss
        self._kc_trainer_state = None
        self.compiled = True

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

    # Upward calls: kc-train -----------------------------------------------------------
    def fit(self, *args, **kwargs):
        """Train the model (implemented by kc-train)."""
        return _train("fit")(self, *args, **kwargs)

    def evaluate(self, *args, **kwargs):
        """Evaluate the model (implemented by kc-train)."""
        return _train("evaluate")(self, *args, **kwargs)

    def predict(self, *args, **kwargs):
        """Predict on data (implemented by kc-train)."""
        return _train("predict")(self, *args, **kwargs)

    def train_on_batch(self, *args, **kwargs):
        return _train("train_on_batch")(self, *args, **kwargs)

    def test_on_batch(self, *args, **kwargs):
        return _train("test_on_batch")(self, *args, **kwargs)

    def predict_on_batch(self, *args, **kwargs):
        return _train("predict_on_batch")(self, *args, **kwargs)

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
