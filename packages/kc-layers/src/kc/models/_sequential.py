"""`Sequential`: a plain stack of layers, each with one input and one output.

Example:
    >>> model = kc.Sequential([kc.Input((784,)), kc.layers.Dense(64, activation="relu"),
    ...                        kc.layers.Dense(10)])
    >>> model.output_shape
    (None, 10)
"""

from __future__ import annotations

from kc import tree
from kc.backend.common.masking import get_keras_mask
from kc.layers import InputLayer, Layer
from kc.models._functional import Functional
from kc.models._model import Model
from kc.ops import KerasTensor


class Sequential(Model):
    """A model whose layers run one after the other.

    Args:
        layers: optional list of layers (a `kc.Input` tensor or `InputLayer`
            may come first to fix the input shape).
        trainable: whether the weights are trained.
        name: the model's name.

    The model is built as soon as its input shape is known (from an `Input`,
    an ``input_shape`` argument of the first layer, `build`, or the first
    call); then `summary` and `output_shape` work.
    """

    _keras_module = "keras"

    def __init__(self, layers=None, trainable=True, name=None):
        Model.__init__(self, trainable=trainable, name=name)
        self._kc_functional = None
        self._kc_stack = []
        for layer in layers or ():
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    @property
    def layers(self) -> list:
        """The layers of the stack (without the input layer)."""
        return [layer for layer in self._kc_stack if not isinstance(layer, InputLayer)]

    def add(self, layer, rebuild: bool = True) -> None:
        """Append a layer (or an `Input` tensor first) to the stack."""
        if isinstance(layer, KerasTensor) and layer._keras_history is not None:
            layer = layer._keras_history[0]
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Sequential '{self.name}': only kc layers can be added; got {layer!r} of type "
                f"{type(layer).__name__}."
            )
        if isinstance(layer, InputLayer) and self._kc_stack:
            raise ValueError(
                f"Sequential '{self.name}': an Input can only be the first element; the model "
                f"already has layers {[l.name for l in self._kc_stack]}."
            )
        if any(l.name == layer.name for l in self._kc_stack):
            raise ValueError(
                f"Sequential '{self.name}': all layers added to a Sequential model should have "
                f"unique names; {layer.name!r} is already in it."
            )
        self._kc_stack.append(layer)
        self._kc_track_one("layer", layer, layer.name)
        if rebuild:
            self._maybe_rebuild()
        else:
            self._invalidate()

    def pop(self, rebuild: bool = True):
        """Remove and return the last layer."""
        if not self.layers:
            raise TypeError(f"Sequential '{self.name}': there are no layers to pop.")
        layer = self._kc_stack.pop()
        self._kc_untrack_one("layer", layer)
        if rebuild:
            self._maybe_rebuild()
        else:
            self._invalidate()
        return layer

    def _invalidate(self) -> None:
        self.built = False
        self._kc_functional = None

    def _maybe_rebuild(self) -> None:
        self._invalidate()
        if not self._kc_stack:
            return
        first = self._kc_stack[0]
        if isinstance(first, InputLayer):
            if len(self._kc_stack) > 1:
                self.build(first.batch_shape)
        elif getattr(first, "_input_shape_arg", None) is not None:
            self.build((None,) + tuple(first._input_shape_arg))

    def build(self, input_shape=None):
        """Build the stack for inputs of ``input_shape`` (with the batch dimension)."""
        if not self._kc_stack or (len(self._kc_stack) == 1 and isinstance(self._kc_stack[0], InputLayer)):
            raise ValueError(f"Sequential '{self.name}' has no layers; add layers before building it.")
        first = self._kc_stack[0]
        if isinstance(first, InputLayer):
            inputs = first.output
        else:
            if input_shape is None:
                raise ValueError(
                    f"Sequential '{self.name}': build() needs an input_shape (or start the model "
                    "with kc.Input(shape))."
                )
            if isinstance(input_shape, dict) or (
                    isinstance(input_shape, (list, tuple)) and input_shape
                    and isinstance(input_shape[0], (list, tuple))):
                raise ValueError(
                    f"Sequential '{self.name}': layers of a Sequential model take one input; "
                    f"got input_shape={input_shape!r}. Use the functional API for several inputs."
                )
            layer = InputLayer(batch_shape=tuple(input_shape), dtype=self.input_dtype_hint())
            self._kc_stack.insert(0, layer)
            inputs = layer.output
        x = inputs
        if self._path is None:
            self._path = self.name
        with self._open_name_scope():
            for layer in self._kc_stack[1:]:
                x = layer(x)
                if len(tree.flatten(x)) != 1:
                    raise ValueError(
                        f"Sequential '{self.name}': layer '{layer.name}' returns "
                        f"{len(tree.flatten(x))} tensors; every layer of a Sequential model must "
                        "return one. Use the functional API instead."
                    )
        self._kc_functional = Functional(inputs, x, name=f"{self.name}_graph")
        self._kc_build_shapes = {"input_shape": tuple(inputs.shape)}
        self.built = True

    def input_dtype_hint(self):
        first = self._kc_stack[0] if self._kc_stack else None
        return getattr(first, "input_dtype", None) if first is not None else None

    def call(self, inputs, training=None, mask=None):
        if self._kc_functional is not None:
            return self._kc_functional.call(inputs, training=training, mask=mask)
        x = inputs
        for layer in self.layers:
            kwargs = {}
            if mask is not None and layer._kc_call_sig.has_mask:
                kwargs["mask"] = mask
            x = layer(x, **kwargs)
            mask = get_keras_mask(x)
        return x

    def _kc_fast_runner(self, x):
        if type(self).call is not Sequential.call or self._kc_functional is None:
            return None
        return self._kc_functional._kc_fast_runner(x)

    def compute_output_spec(self, inputs, training=None, mask=None):
        if self._kc_functional is not None:
            return self._kc_functional.compute_output_spec(inputs)
        x = inputs
        for layer in self.layers:
            x = layer.compute_output_spec(x)
        return x

    # Graph properties -----------------------------------------------------------------------
    def _graph(self):
        if self._kc_functional is None:
            raise AttributeError(
                f"Sequential model '{self.name}' has no defined input shape yet; start it with "
                "kc.Input(shape), call it on data, or call build(input_shape)."
            )
        return self._kc_functional

    @property
    def inputs(self):
        return self._graph().inputs

    @property
    def outputs(self):
        return self._graph().outputs

    @property
    def input(self):
        return self._graph().input

    @property
    def output(self):
        return self._graph().output

    @property
    def input_shape(self):
        return self._graph().input_shape

    @property
    def output_shape(self):
        return self._graph().output_shape

    @property
    def input_dtype(self):
        if self._kc_functional is not None:
            return self._kc_functional.input_dtype
        return self.compute_dtype

    # Config ------------------------------------------------------------------------------
    def get_config(self) -> dict:
        from kc.serialization import serialize_keras_object

        config = {
            "name": self.name, "trainable": self.trainable,
            "dtype": _serialize_policy(self),
            "layers": [serialize_keras_object(layer) for layer in self._kc_stack],
        }
        if self._kc_build_shapes is not None:
            config["build_input_shape"] = self._kc_build_shapes["input_shape"]
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from kc.serialization import deserialize_keras_object

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config.get("layers", []):
            model.add(deserialize_keras_object(layer_config, custom_objects=custom_objects),
                      rebuild=False)
        model._maybe_rebuild()
        shape = config.get("build_input_shape")
        if not model.built and shape is not None:
            model.build(tuple(shape))
        return model


def _serialize_policy(layer):
    from kc import dtype_policies

    return dtype_policies.serialize(layer.dtype_policy)
