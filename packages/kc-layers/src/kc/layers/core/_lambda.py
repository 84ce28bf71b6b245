"""`Lambda`: wraps a Python function as a layer.

Example:
    >>> kc.layers.Lambda(lambda x: x * 2)(np.ones((2, 3), "float32")).shape
    (2, 3)
"""

from __future__ import annotations

import base64
import inspect
import marshal
import types

from kc import tree
from kc.layers._layer import Layer


def _is_lambda(fn) -> bool:
    return isinstance(fn, types.FunctionType) and fn.__name__ == "<lambda>"


def _serialize_function(fn):
    if _is_lambda(fn):
        code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
        closure = None
        if fn.__closure__ is not None:
            closure = tuple(cell.cell_contents for cell in fn.__closure__)
        return {"class_name": "__lambda__",
                "config": {"code": code, "defaults": fn.__defaults__, "closure": closure}}
    from kc.serialization import serialize_keras_object

    return serialize_keras_object(fn)


def _is_lambda_config(config) -> bool:
    return isinstance(config, dict) and config.get("class_name") == "__lambda__"


class Lambda(Layer):
    """Wraps ``function(inputs, **arguments)`` as a layer with no weights.

    Saving a Lambda stores the function's bytecode (for a Python lambda) or its
    name (for a named function, which must be registered to load); loading a
    lambda runs code from the file, so it needs ``safe_mode=False``.

    Args:
        function: the function; it may take ``mask`` and ``training`` arguments.
        output_shape: output shape without the batch axis, or a function of
            the input shape; default: inferred by tracing ``function``.
        mask: an output mask, or a function ``(inputs, mask) -> mask``; None
            means no output mask.
        arguments: extra keyword arguments for ``function``.

    Example:
        >>> kc.layers.Lambda(lambda x, k: x * k, arguments={"k": 3.0})(np.ones((1,), "float32"))
    """

    _keras_module = "keras.layers"

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(
                f"Lambda '{self.name}': `function` must be callable, got {type(function).__name__}."
            )
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = True
        self._output_shape = output_shape
        params = inspect.signature(function).parameters
        self._fn_mask = "mask" in params
        self._fn_training = "training" in params

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_mask:
            kwargs["mask"] = mask
        if self._fn_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = tree.flatten(input_shape)[0] if input_shape else None
        shape = self._output_shape
        if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
            return [(batch,) + tuple(s) for s in shape]
        return (batch,) + tuple(shape)

    def compute_output_spec(self, inputs, mask=None, training=None):
        if self._output_shape is None:
            return self._infer_output_spec((inputs,), {"mask": mask, "training": training})
        from kc.ops import KerasTensor

        shape = self.compute_output_shape(tree.map_structure(lambda x: tuple(x.shape), inputs))
        if isinstance(shape, list):
            return [KerasTensor(s, dtype=self.compute_dtype) for s in shape]
        return KerasTensor(shape, dtype=self.compute_dtype)

    def get_config(self) -> dict:
        config = {**super().get_config(), "function": _serialize_function(self.function)}
        if self._output_shape is not None:
            config["output_shape"] = (_serialize_function(self._output_shape)
                                      if callable(self._output_shape) else self._output_shape)
        if self.mask is not None:
            config["mask"] = _serialize_function(self.mask) if callable(self.mask) else self.mask
        config["arguments"] = self.arguments
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None, safe_mode=None):
        from kc.serialization import deserialize_keras_object, in_safe_mode

        safe = in_safe_mode() if safe_mode is None else safe_mode
        safe = True if safe is None else safe
        config = dict(config)
        for key in ("function", "output_shape", "mask"):
            value = config.get(key)
            if _is_lambda_config(value):
                if safe:
                    raise ValueError(
                        f"Lambda '{config.get('name')}': its `{key}` is a Python lambda stored "
                        "as bytecode; loading it would run code from the config, so safe mode "
                        "refuses it. If you trust the source, pass `safe_mode=False` to the "
                        "loading function or call `kc.config.enable_unsafe_deserialization()`."
                    )
                inner = value["config"]
                value = {"class_name": "__lambda__", "config": {
                    "value": (inner["code"], inner.get("defaults"), inner.get("closure"))}}
                config[key] = deserialize_keras_object(value, safe_mode=False)
            elif isinstance(value, dict) and "class_name" in value:
                config[key] = deserialize_keras_object(value, custom_objects=custom_objects,
                                                       safe_mode=safe)
        if isinstance(config.get("output_shape"), list):
            config["output_shape"] = tuple(config["output_shape"])
        return super().from_config(config)
