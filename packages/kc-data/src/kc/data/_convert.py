"""Batch leaves -> NumPy arrays or the active backend's native tensors, zero-copy where possible.

Hand-over rules (the first that applies; any failure falls back to a copy
through NumPy, so a conversion never fails where a copy would succeed):

| source \\ target | numpy            | torch                  | jax                  | tensorflow            |
|-----------------|------------------|------------------------|----------------------|-----------------------|
| NumPy array     | as is            | torch.from_numpy (0-copy) | jnp.asarray (copy) | tf.convert_to_tensor  |
| torch tensor    | .numpy() (0-copy on CPU) | as is          | DLPack               | DLPack                |
| jax array       | np.asarray       | DLPack                 | as is                | DLPack                |
| tf tensor       | .numpy()         | DLPack                 | DLPack               | as is                 |
| scipy.sparse / tf.SparseTensor | densified, then as a NumPy array / tf tensor |           |

Sparse inputs are densified per batch on every backend (kc's choice: one
behaviour everywhere, no backend-specific sparse types in batches).
On torch the tensor is moved to kc's current device (CUDA when present);
the device is read when a converter is built, i.e. when an iteration begins.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

import kc
from kc import tree
from kc.data import _sources as src


def leaf_to_numpy(x):
    """One batch leaf as a NumPy array (sparse densified); non-array leaves pass through."""
    if isinstance(x, np.ndarray) or x is None:
        return x
    if src.is_torch_tensor(x):
        x = x.detach()
        if x.device.type != "cpu":
            x = x.cpu()
        if str(x.dtype) == "torch.bfloat16":
            import ml_dtypes

            return x.float().numpy().astype(ml_dtypes.bfloat16)
        return x.numpy()
    if src.is_tf_sparse(x):
        import tensorflow as tf

        return tf.sparse.to_dense(x).numpy()
    if src.is_tf_tensor(x) or src.is_tf_ragged(x):
        return x.numpy() if not src.is_tf_ragged(x) else x.to_tensor().numpy()
    if src.is_jax_array(x):
        return np.asarray(x)
    if src.is_scipy_sparse(x):
        return x.toarray()
    if src.is_pandas(x):
        return x.to_numpy()
    if isinstance(x, (bool, int, float, complex, str, bytes)):
        return x
    return np.asarray(x)


def batch_to_numpy(batch):
    """Every leaf of a batch structure as NumPy."""
    return tree.map_structure(leaf_to_numpy, batch)


class Converter:
    """Converts batch leaves to the active backend's native tensors.

    ``converter(leaf)`` picks a hand-over by the leaf's type once per type and
    caches it; ``converter.batch(structure)`` maps it over a batch.
    """

    def __init__(self):
        self.backend = kc.config.backend()
        self._cache: dict[type, Callable] = {}
        self._device = None
        if self.backend == "torch":
            from kc.backend.torch.core import get_device

            self._device = str(get_device())

    def __call__(self, x):
        fn = self._cache.get(type(x))
        if fn is None:
            fn = self._cache[type(x)] = self._resolve(x)
        return fn(x)

    def batch(self, batch):
        return tree.map_structure(self, batch)

    # --- per-backend hand-overs --------------------------------------------------------------

    def _resolve(self, x) -> Callable:
        if x is None:
            return _identity
        return getattr(self, f"_to_{self.backend}")(x)

    def _to_numpy(self, x):
        return _identity if isinstance(x, np.ndarray) else leaf_to_numpy

    def _to_torch(self, x):
        import torch

        device = self._device
        on_device = (lambda t: t) if device == "cpu" else (lambda t: t.to(device, non_blocking=True))
        if isinstance(x, torch.Tensor):
            return lambda t: t if t.device.type == torch.device(device).type else t.to(device)
        if isinstance(x, np.ndarray):
            def from_numpy(a):
                if not a.flags.writeable:  # torch tensors are writable: copy (e.g. pandas CoW)
                    a = np.array(a)
                try:
                    return on_device(torch.from_numpy(a))
                except (TypeError, ValueError):  # read-only, negative strides, unsupported dtype
                    return _fallback(a)
            return from_numpy
        if src.is_jax_array(x) or src.is_tf_tensor(x):
            def from_dlpack(t):
                try:
                    return on_device(torch.from_dlpack(t))
                except Exception:  # noqa: BLE001 - DLPack refused (dtype, device): copy instead
                    return _fallback(leaf_to_numpy(t))
            return from_dlpack
        return lambda t: _fallback(leaf_to_numpy(t))

    def _to_jax(self, x):
        import jax
        import jax.numpy as jnp

        if isinstance(x, jax.Array):
            return _identity
        if isinstance(x, np.ndarray):
            def from_numpy(a):
                if a.dtype.kind in "biufc" and a.dtype.name != "bfloat16":
                    return jnp.asarray(a)
                return _fallback(a)
            return from_numpy
        if src.is_torch_tensor(x) or src.is_tf_tensor(x):
            target = jax.devices()[0]  # jax's default device (a GPU when present)

            def from_dlpack(t):
                try:
                    a = jax.dlpack.from_dlpack(t)
                except Exception:  # noqa: BLE001 - DLPack refused (dtype, device): copy instead
                    return _fallback(leaf_to_numpy(t))
                return a if target in a.devices() else jax.device_put(a, target)
            return from_dlpack
        return lambda t: _fallback(leaf_to_numpy(t))

    def _to_tensorflow(self, x):
        import tensorflow as tf

        if isinstance(x, tf.SparseTensor):
            return tf.sparse.to_dense
        if isinstance(x, tf.Tensor):
            return _identity
        if isinstance(x, np.ndarray):
            return tf.convert_to_tensor
        if src.is_torch_tensor(x) or src.is_jax_array(x):
            def from_dlpack(t):
                try:
                    return tf.experimental.dlpack.from_dlpack(t.__dlpack__())
                except Exception:  # noqa: BLE001 - DLPack refused (dtype, device): copy instead
                    return _fallback(leaf_to_numpy(t))
            return from_dlpack
        return lambda t: _fallback(leaf_to_numpy(t))


def _identity(x):
    return x


def _fallback(x):
    """The active backend's general conversion (copies; handles bfloat16, Python data)."""
    if isinstance(x, np.ndarray) and not (x.flags.writeable and x.flags.c_contiguous):
        x = np.array(x)
    return kc.backend.convert_to_tensor(x)
