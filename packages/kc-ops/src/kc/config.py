"""Global settings of kc: backend, floatx, epsilon, image data format, flags.

The public face of `keras.config`. Settings are read once from the environment
and from ``~/.kc/kc.json`` (``{"backend": ..., "floatx": ..., "epsilon": ...,
"image_data_format": ...}``) and can be changed at run time with the setters.

Example:
    >>> import kc
    >>> kc.config.floatx()
    'float32'
    >>> kc.config.set_epsilon(1e-6)
"""

from __future__ import annotations

import json
import os
import warnings

BACKENDS = ("jax", "torch", "tensorflow", "numpy")
_BACKEND_PACKAGE = {"jax": "jax", "torch": "torch", "tensorflow": "tensorflow", "numpy": "numpy"}
_INSTALL_HINT = {
    "jax": "pip install 'kc-ops[jax]'",
    "torch": "pip install 'kc-ops[torch]'",
    "tensorflow": "pip install 'kc-ops[tensorflow]'",
    "numpy": "pip install numpy",
}
_FLOATX_CHOICES = ("float16", "bfloat16", "float32", "float64")
_DATA_FORMATS = ("channels_last", "channels_first")


def _config_dir() -> str:
    return os.path.expanduser(os.environ.get("KC_HOME", os.path.join("~", ".kc")))


def _read_config_file() -> dict:
    path = os.path.join(_config_dir(), "kc.json")
    if not os.path.exists(path):
        return {}
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        warnings.warn(f"kc: ignoring unreadable config file {path}: {e}", stacklevel=2)
        return {}
    if not isinstance(data, dict):
        warnings.warn(f"kc: ignoring config file {path}: expected a JSON object", stacklevel=2)
        return {}
    return data


def _validate_backend(name: str, source: str) -> str:
    name = str(name).strip().lower()
    if name not in BACKENDS:
        raise ValueError(
            f"kc: unknown backend {name!r} (from {source}). Expected one of: {', '.join(BACKENDS)}."
        )
    return name


def _select_backend(file_config: dict) -> str:
    """First match wins: KC_BACKEND, KERAS_BACKEND, ~/.kc/kc.json, default."""
    for var in ("KC_BACKEND", "KERAS_BACKEND"):
        if os.environ.get(var):
            return _validate_backend(os.environ[var], f"${var}")
    if "backend" in file_config:
        return _validate_backend(file_config["backend"], "~/.kc/kc.json")
    import importlib.util

    if importlib.util.find_spec("jax") is not None:
        return "jax"
    warnings.warn("kc: JAX is not installed; using the numpy backend.", stacklevel=3)
    return "numpy"


_file_config = _read_config_file()
_BACKEND = _select_backend(_file_config)
_FLOATX = _file_config.get("floatx", "float32")
_EPSILON = float(_file_config.get("epsilon", 1e-7))
_IMAGE_DATA_FORMAT = _file_config.get("image_data_format", "channels_last")
_FLAGS = {
    "flash_attention": None,  # None: use it where the backend offers it
    "interactive_logging": True,
    "traceback_filtering": True,
    "unsafe_deserialization": False,
    "max_epochs": None,
    "max_steps_per_epoch": None,
}


def backend() -> str:
    """Name of the active backend: "jax", "torch", "tensorflow" or "numpy"."""
    return _BACKEND


def set_backend(name: str) -> None:
    """Switch the backend of this process, re-importing kc's modules.

    Objects made before the switch (layers, models, tensors) keep pointing at
    the old backend and must not be used afterwards. Prefer choosing the
    backend with ``KC_BACKEND`` before Python starts.

    Example:
        >>> kc.config.set_backend("numpy")
    """
    global _BACKEND
    import importlib
    import sys

    name = _validate_backend(name, "set_backend")
    from kc.backend import _load_backend

    _load_backend(name)  # fails early, before anything is torn down
    _BACKEND = name
    doomed = [m for m in sys.modules if m.startswith("kc.") and m not in ("kc.config", "kc.dtypes")
              and not m.startswith("kc.backend.")]
    for m in doomed:
        del sys.modules[m]
    importlib.import_module("kc.backend")
    importlib.import_module("kc.ops")


def floatx() -> str:
    """Default float dtype name, "float32" unless changed."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float dtype ("float16", "bfloat16", "float32", "float64")."""
    global _FLOATX
    value = str(value)
    if value not in _FLOATX_CHOICES:
        raise ValueError(f"set_floatx: unknown floatx {value!r}. Expected one of: {', '.join(_FLOATX_CHOICES)}.")
    _FLOATX = value


def epsilon() -> float:
    """Fuzz factor used in numeric expressions (default 1e-7)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Set the fuzz factor used in numeric expressions."""
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """Default image layout: "channels_last" or "channels_first"."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    """Set the default image layout ("channels_last" or "channels_first")."""
    global _IMAGE_DATA_FORMAT
    value = str(data_format).lower()
    if value not in _DATA_FORMATS:
        raise ValueError(
            f"set_image_data_format: data_format must be one of {_DATA_FORMATS}, got {data_format!r}."
        )
    _IMAGE_DATA_FORMAT = value


def standardize_data_format(data_format: str | None) -> str:
    """Return ``data_format`` validated, or the global default when None."""
    if data_format is None:
        return _IMAGE_DATA_FORMAT
    value = str(data_format).lower()
    if value not in _DATA_FORMATS:
        raise ValueError(f"data_format must be one of {_DATA_FORMATS}, got {data_format!r}.")
    return value


def enable_flash_attention() -> None:
    """Use flash attention in dot_product_attention where the backend has it."""
    _FLAGS["flash_attention"] = True


def disable_flash_attention() -> None:
    """Never use flash attention in dot_product_attention."""
    _FLAGS["flash_attention"] = False


def is_flash_attention_enabled() -> bool | None:
    """True/False when set explicitly; None means "where available"."""
    return _FLAGS["flash_attention"]


def enable_interactive_logging() -> None:
    """Print progress to stdout (the default)."""
    _FLAGS["interactive_logging"] = True


def disable_interactive_logging() -> None:
    """Send progress messages to the `logging` module instead of stdout."""
    _FLAGS["interactive_logging"] = False


def is_interactive_logging_enabled() -> bool:
    """Whether progress messages go to stdout."""
    return _FLAGS["interactive_logging"]


def enable_traceback_filtering() -> None:
    """Kept for Keras compatibility: kc never hides frames of your traceback."""
    _FLAGS["traceback_filtering"] = True


def disable_traceback_filtering() -> None:
    """Kept for Keras compatibility: kc never hides frames of your traceback."""
    _FLAGS["traceback_filtering"] = False


def is_traceback_filtering_enabled() -> bool:
    """The flag's value; kc keeps tracebacks whole either way."""
    return _FLAGS["traceback_filtering"]


def enable_unsafe_deserialization() -> None:
    """Allow loading files that run code (Lambda layers), for this process."""
    _FLAGS["unsafe_deserialization"] = True


def is_unsafe_deserialization_enabled() -> bool:
    """Whether `enable_unsafe_deserialization` was called."""
    return _FLAGS["unsafe_deserialization"]


def is_nnx_enabled() -> bool:
    """Flax NNX integration: not supported by kc, always False."""
    return False


def max_epochs() -> int | None:
    """Global cap on epochs in fit(), or None."""
    return _FLAGS["max_epochs"]


def set_max_epochs(max_epochs: int | None) -> None:
    """Cap the number of epochs of every fit() call (None: no cap)."""
    _FLAGS["max_epochs"] = max_epochs


def max_steps_per_epoch() -> int | None:
    """Global cap on steps per epoch, or None."""
    return _FLAGS["max_steps_per_epoch"]


def set_max_steps_per_epoch(max_steps_per_epoch: int | None) -> None:
    """Cap the number of steps of every epoch (None: no cap)."""
    _FLAGS["max_steps_per_epoch"] = max_steps_per_epoch


def dtype_policy():
    """The global dtype policy (served by kc-layers)."""
    from kc._lazy import require

    return require("kc.dtype_policies", "kc-layers").dtype_policy()


def set_dtype_policy(policy) -> None:
    """Set the global dtype policy (served by kc-layers)."""
    from kc._lazy import require

    require("kc.dtype_policies", "kc-layers").set_dtype_policy(policy)
