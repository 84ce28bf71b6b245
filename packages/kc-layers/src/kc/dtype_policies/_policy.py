"""`DTypePolicy`: the compute and variable dtypes of a layer, and the quantized policy names."""

from __future__ import annotations

from kc import backend, config, dtypes
from kc.backend.common.variables import Variable as _Variable

# Mixed policies: name -> (compute dtype, variable dtype).
MIXED_POLICIES = {
    "mixed_float16": ("float16", "float32"),
    "mixed_bfloat16": ("bfloat16", "float32"),
}
# Prefixes of quantized policy names ("int8_from_float32", "gptq/4/128_from_float32", ...).
QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")


def _invalid_name(name: str) -> ValueError:
    return ValueError(
        f"DTypePolicy: cannot convert name {name!r} to a dtype policy. Valid names: "
        f"{', '.join(repr(n) for n in MIXED_POLICIES)}, or a dtype name: "
        f"{', '.join(dtypes.ALLOWED_DTYPES)}."
    )


class DTypePolicy:
    """A layer's dtype policy: the dtype it computes in and the dtype of its variables.

    Args:
        name: the policy name. A dtype name ("float32", "bfloat16", "float64",
            ...) gives compute and variable dtypes both that dtype;
            "mixed_float16" / "mixed_bfloat16" compute in float16 / bfloat16
            and keep float32 variables (mixed precision). None: `kc.config.floatx()`.

    Example:
        >>> policy = kc.dtype_policies.DTypePolicy("mixed_bfloat16")
        >>> policy.compute_dtype, policy.variable_dtype
        ('bfloat16', 'float32')
        >>> kc.layers.Dense(4, dtype=policy)  # or dtype="mixed_bfloat16"

    Unlike Keras, float8 dtype names are not accepted (kc has no float8 dtypes).
    """

    _keras_module = "keras"  # Keras writes DTypePolicy configs with module "keras"

    def __init__(self, name: str | None = None):
        if name is None:
            name = config.floatx()
        if not isinstance(name, str):
            raise TypeError(
                f"DTypePolicy: name must be a str such as 'mixed_float16' or 'float32', "
                f"got {name!r} of type {type(name).__name__}."
            )
        self._name = name
        self._compute_dtype, self._variable_dtype = self._parse_name(name)
        self._quantization_mode = None

    @staticmethod
    def _parse_name(name: str) -> tuple[str, str]:
        if name in MIXED_POLICIES:
            return MIXED_POLICIES[name]
        try:
            dtype = dtypes.standardize_dtype(name)
        except ValueError as e:
            raise _invalid_name(name) from e
        return dtype, dtype

    @property
    def name(self) -> str:
        """The policy name."""
        return self._name

    @property
    def compute_dtype(self) -> str:
        """The dtype of a layer's computations (its inputs are cast to it)."""
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype of a layer's variables."""
        return self._variable_dtype

    @property
    def quantization_mode(self) -> str | None:
        """The quantization mode ("int8", ...), None for float policies."""
        return self._quantization_mode

    def convert_input(self, x, autocast: bool, dtype):
        """``x`` as a tensor, cast to ``dtype`` when ``autocast`` and it is a float of another dtype.

        Tensors, symbolic tensors, variables (read) and array-likes (converted
        to tensors) are handled; Python scalars, lists and other objects come
        back unchanged. Integer and bool tensors are never cast.

        Args:
            x: the input.
            autocast: whether float inputs may be cast.
            dtype: the target dtype (usually ``self.compute_dtype``).

        Example:
            >>> policy = kc.dtype_policies.DTypePolicy("mixed_float16")
            >>> policy.convert_input(np.ones(2, "float32"), True, "float16").dtype
            dtype('float16')
        """
        dtype = dtypes.standardize_dtype(dtype)
        if isinstance(x, _Variable):
            x = x.value
        elif not (backend.is_tensor(x) or backend.is_keras_tensor(x)):
            if not hasattr(x, "__array__"):
                return x
            x = backend.convert_to_tensor(x)
        if self._should_cast(x, autocast, dtype):
            from kc import ops

            x = ops.cast(x, dtype)
        return x

    @staticmethod
    def _should_cast(x, autocast: bool, dtype: str) -> bool:
        if not autocast:
            return False
        x_dtype = dtypes.standardize_dtype(x.dtype)
        return x_dtype != dtype and dtypes.is_float_dtype(x_dtype)

    def get_config(self) -> dict:
        """``{"name": name}``."""
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict):
        """The policy of ``get_config()``."""
        return cls(**config)

    def _equivalence_class(self) -> type:
        return DTypePolicy if type(self) is FloatDTypePolicy else type(self)

    def __eq__(self, other):
        if not isinstance(other, DTypePolicy):
            return False
        return (self._equivalence_class() is other._equivalence_class()
                and self.get_config() == other.get_config())

    __hash__ = None  # mutable-config objects compare by value, as in Keras (unhashable)

    def __repr__(self):
        class_name = "DTypePolicy" if type(self) is FloatDTypePolicy else type(self).__name__
        return f'<{class_name} "{self._name}">'


class FloatDTypePolicy(DTypePolicy):
    """The float (non-quantized) dtype policy: `DTypePolicy` under its older Keras name.

    Equal to a `DTypePolicy` of the same name; it serializes with class name
    "FloatDTypePolicy", as in Keras.

    Example:
        >>> kc.dtype_policies.FloatDTypePolicy("float16") == kc.dtype_policies.DTypePolicy("float16")
        True
    """

    _keras_module = "keras"


class QuantizedDTypePolicy(DTypePolicy):
    """Quantized dtype policy ("int8_from_float32", ...). Not supported by kc yet.

    Args:
        mode: the quantization mode ("int8", "int4", ...).
        source_name: the float policy the quantized layer came from.

    Raises:
        NotImplementedError: always; kc has no quantization yet.
    """

    def __init__(self, mode, source_name=None):
        self._unsupported(mode, source_name)

    def _unsupported(self, mode, source_name) -> None:
        raise NotImplementedError(
            f"{type(self).__name__}(mode={mode!r}, source_name={source_name!r}): quantization is "
            "not supported yet in kc; use a float policy such as 'float32' or 'mixed_bfloat16'."
        )


class QuantizedFloat8DTypePolicy(QuantizedDTypePolicy):
    """Float8 quantized dtype policy. Not supported by kc yet (raises NotImplementedError)."""

    def __init__(self, mode, source_name=None, amax_history_length=1024):
        self._unsupported(mode, source_name)


class Int4DTypePolicy(QuantizedDTypePolicy):
    """Int4 quantized dtype policy. Not supported by kc yet (raises NotImplementedError)."""


class GPTQDTypePolicy(QuantizedDTypePolicy):
    """GPTQ quantized dtype policy. Not supported by kc yet (raises NotImplementedError)."""


class AWQDTypePolicy(QuantizedDTypePolicy):
    """AWQ quantized dtype policy. Not supported by kc yet (raises NotImplementedError)."""


_QUANTIZED_CLASSES = {
    "int8": QuantizedDTypePolicy,
    "float8": QuantizedFloat8DTypePolicy,
    "int4": Int4DTypePolicy,
    "gptq": GPTQDTypePolicy,
    "awq": AWQDTypePolicy,
}


def is_quantized_name(name: str) -> bool:
    """Whether ``name`` names a quantized policy ("int8_from_float32", "gptq/4/128_from_...")."""
    mode, sep, _ = name.partition("_from_")
    return bool(sep) and mode.split("/")[0] in QUANTIZATION_MODES


def policy_from_name(name: str) -> DTypePolicy:
    """The policy of a name: a `DTypePolicy`, or a quantized one (which raises in kc).

    Unlike Keras, a plain dtype name that starts like a quantization mode
    ("int8") gives ``DTypePolicy("int8")`` instead of an error.
    """
    if is_quantized_name(name):
        mode, _, source_name = name.partition("_from_")
        return _QUANTIZED_CLASSES[mode.split("/")[0]](mode, source_name)
    return DTypePolicy(name)
