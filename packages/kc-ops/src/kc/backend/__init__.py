"""The active backend and the names of `keras.backend`.

kc has four backends, one subpackage each, with the same module names:
``kc.backend.numpy``, ``.jax``, ``.torch``, ``.tensorflow``. The active one is
chosen once per process (see `kc.config`); this module imports only that one.

Example:
    >>> import kc
    >>> kc.backend.backend()
    'jax'
    >>> kc.backend.result_type("int8", "float16")
    'float16'
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

from kc import config as _config
from kc.config import (
    backend as backend,
    epsilon as epsilon,
    floatx as floatx,
    image_data_format as image_data_format,
    set_epsilon as set_epsilon,
    set_floatx as set_floatx,
    set_image_data_format as set_image_data_format,
    standardize_data_format as standardize_data_format,
)
from kc.dtypes import (
    is_float_dtype as is_float_dtype,
    is_int_dtype as is_int_dtype,
    result_type as result_type,
    standardize_dtype as standardize_dtype,
)
from kc.backend.common.naming import get_uid as get_uid
from kc.backend.common.masking import (
    get_keras_mask as get_keras_mask,
    set_keras_mask as set_keras_mask,
)
from kc.backend.common.scopes import (
    AutocastScope as AutocastScope,
    StatelessScope as StatelessScope,
    SymbolicScope as SymbolicScope,
    device as device,
    get_autocast_scope as get_autocast_scope,
    in_stateless_scope as in_stateless_scope,
    in_symbolic_scope as in_symbolic_scope,
    name_scope as name_scope,
)


def _load_backend(name: str) -> ModuleType:
    """Import ``kc.backend.<name>``; say how to install its framework if missing."""
    framework = _config._BACKEND_PACKAGE[name]
    if importlib.util.find_spec(framework) is None:
        raise ImportError(
            f"kc: the {name!r} backend needs {framework}, which is not installed. "
            f"Install it with: {_config._INSTALL_HINT[name]}"
        )
    return importlib.import_module(f"kc.backend.{name}")


_active = _load_backend(_config.backend())


def backend_module(family: str) -> ModuleType | None:
    """The active backend's module for an op family ("core", "nn", ...), or None."""
    try:
        return importlib.import_module(f"kc.backend.{_active.NAME}.{family}")
    except ModuleNotFoundError as e:
        if e.name == f"kc.backend.{_active.NAME}.{family}":
            return None
        raise


Variable = _active.core.Variable
convert_to_tensor = _active.core.convert_to_tensor
convert_to_numpy = _active.core.convert_to_numpy
is_tensor = _active.core.is_tensor


def is_keras_tensor(x) -> bool:
    """True for kc's symbolic tensors (the outputs of `kc.Input` and ops on them)."""
    from kc.ops._keras_tensor import KerasTensor

    return isinstance(x, KerasTensor)


def clear_session(free_memory: bool = True) -> None:
    """Reset kc's global state: auto-generated names (and the backend's caches)."""
    from kc.backend.common.naming import reset_uids

    reset_uids()
    policies = sys.modules.get("kc.dtype_policies._global")  # kc-layers, when loaded
    if policies is not None:
        policies.reset_dtype_policy()
    clear = getattr(_active.core, "clear_session", None)
    if clear is not None:
        clear(free_memory)
    if free_memory:
        import gc

        gc.collect()
