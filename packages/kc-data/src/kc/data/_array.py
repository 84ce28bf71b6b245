"""`ArrayDataAdapter`: in-memory arrays (NumPy, pandas, backend tensors, sparse) sliced into batches."""

from __future__ import annotations

import math

import numpy as np

import kc
from kc import tree
from kc.data import _sources as src
from kc.data._adapter import DataAdapter
from kc.data._convert import Converter, _identity, leaf_to_numpy
from kc.data._packing import (
    check_class_weight,
    check_data_cardinality,
    class_weight_to_sample_weights,
    pack_x_y_sample_weight,
    unpack_x_y_sample_weight,
)

SHUFFLE_OPTIONS = (True, False, "batch")


def check_shuffle(shuffle, where: str):
    """``shuffle`` if it is True, False or "batch"; else ValueError."""
    if not (shuffle is True or shuffle is False or (isinstance(shuffle, str) and shuffle == "batch")):
        raise ValueError(f"{where}: `shuffle` must be one of True, False, 'batch'; got {shuffle!r}.")
    return shuffle


class ArrayDataAdapter(DataAdapter):
    """Batches sliced from in-memory arrays.

    Leaves may be NumPy arrays, pandas DataFrame/Series (a Series becomes a
    column, shape ``(n, 1)``, as in Keras 3), jax/torch/tf tensors and
    scipy.sparse matrices or tf.SparseTensor (densified batch by batch).
    CPU tensors are viewed as NumPy arrays without a copy; torch/jax tensors
    on an accelerator stay there and are sliced natively. Floating leaves are
    cast to ``kc.config.floatx()`` batch by batch, as Keras 3 does.

    Args:
        x, y, sample_weight: array structures with the same first dimension.
        batch_size: samples per batch; default ``ceil(n / steps_per_epoch)``
            when steps_per_epoch is given, else 32.
        steps_per_epoch: only used to pick the default batch size (the
            number of steps is `EpochIterator`'s business).
        shuffle: False, True (a new permutation each epoch), or "batch"
            (samples shuffled within each batch; batches keep their order).
        class_weight: ``{class: weight}``, turned into sample weights (one
            output only; not together with sample_weight).

    Example:
        >>> adapter = ArrayDataAdapter(np.zeros((10, 2)), np.ones(10), batch_size=4)
        >>> [b[0].shape for b in adapter.get_numpy_iterator()]
        [(4, 2), (4, 2), (2, 2)]
    """

    _relaxed_tf_shapes = False

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None,
                 shuffle=False, class_weight=None):
        where = "ArrayDataAdapter"
        self._shuffle = check_shuffle(shuffle, where)
        check_class_weight(class_weight, y, sample_weight, where)
        if class_weight is not None:
            if y is None:
                raise ValueError(f"{where}: `class_weight` needs targets `y`.")
            sample_weight = class_weight_to_sample_weights(
                leaf_to_numpy(_standardize_leaf(tree.flatten(y)[0])), class_weight)
        data = pack_x_y_sample_weight(x, y, sample_weight)
        leaves = tree.flatten(data)
        for leaf in leaves:
            if leaf is not None and not src.is_array_like(leaf):
                raise src.UnsupportedDataError(
                    f"kc.data: unrecognized data type {type(leaf).__name__} in the data "
                    f"(value {leaf!r:.80}). Accepted: {src.ACCEPTED}.")
        self._num_samples = check_data_cardinality(data)
        self._leaves = [None if leaf is None else _standardize_leaf(leaf) for leaf in leaves]
        self._structure = data
        if batch_size is None:
            batch_size = math.ceil(self._num_samples / steps_per_epoch) if steps_per_epoch else 32
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"{where}: `batch_size` must be a positive integer, got {batch_size!r}.")
        self._batch_size = int(batch_size)
        self._floatx = kc.config.floatx()
        self._fn_cache: dict = {}
        self._slices = None
        if not tree.is_nested(data):
            self._layout = "single"
        elif type(data) is tuple and len(data) == 2 and not any(tree.is_nested(t) for t in data):
            self._layout = "pair"
        else:
            self._layout = "tree"

    # --- sizes -----------------------------------------------------------------------------

    @property
    def num_batches(self) -> int:
        return math.ceil(self._num_samples / self._batch_size)

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @property
    def has_partial_batch(self) -> bool:
        return self._num_samples % self._batch_size != 0

    @property
    def partial_batch_size(self) -> int | None:
        return (self._num_samples % self._batch_size) or None

    # --- iteration -------------------------------------------------------------------------

    def _selections(self) -> list:
        """One epoch's batch selections: slices (no shuffle) or index arrays."""
        n, bs = self._num_samples, self._batch_size
        starts = range(0, n, bs)
        if self._shuffle is False:
            if self._slices is None:
                self._slices = [slice(s, min(s + bs, n)) for s in starts]
            return self._slices
        if self._shuffle == "batch":
            return [np.random.permutation(np.arange(s, min(s + bs, n))) for s in starts]
        perm = np.random.permutation(n)
        return [perm[s:s + bs] for s in starts]

    def _leaf_functions(self, kind: str) -> list:
        """Per leaf, ``sel -> batch leaf`` ending in NumPy ("numpy"), the backend ("backend")
        or the stored type ("native"); built once per kind and cached."""
        fns = self._fn_cache.get(kind)
        if fns is not None:
            return fns
        if kind == "backend":
            finish = Converter()._resolve
        elif kind == "numpy":
            finish = lambda sample: None if isinstance(sample, np.ndarray) else leaf_to_numpy  # noqa: E731
        else:
            finish = lambda sample: None  # noqa: E731
        fns = []
        for leaf in self._leaves:
            if leaf is None:
                fns.append(_none)
                continue
            get = _getter(leaf, self._floatx)
            out = finish(get(slice(0, 1)))
            fns.append(get if out is None or out is _identity else _compose(get, out))
        self._fn_cache[kind] = fns
        return fns

    def _iterate(self, kind: str):
        if self._num_samples == 0:
            return
        fns = self._leaf_functions(kind)
        structure = self._structure
        sels = self._selections()
        if self._layout == "single":
            f0 = fns[0]
            for sel in sels:
                yield f0(sel)
        elif self._layout == "pair":
            f0, f1 = fns
            for sel in sels:
                yield (f0(sel), f1(sel))
        else:
            for sel in sels:
                yield tree.pack_sequence_as(structure, [f(sel) for f in fns])

    def get_numpy_iterator(self):
        return self._iterate("numpy")

    def get_backend_iterator(self):
        """Batches of the active backend's tensors (device read at the first iteration)."""
        return self._iterate("backend")

    def _native_batches(self):
        return self._iterate("native")


def _none(sel):
    return None


def _compose(get, out):
    return lambda sel: out(get(sel))


def _standardize_leaf(leaf):
    """A leaf as something sliceable on axis 0: NumPy (zero-copy for CPU tensors), scipy, or native."""
    if isinstance(leaf, np.ndarray):
        return leaf
    if src.is_pandas(leaf):
        import pandas as pd

        if isinstance(leaf, pd.Series):
            return leaf.to_numpy()[:, None]
        return leaf.to_numpy()
    if src.is_torch_tensor(leaf):
        leaf = leaf.detach()
        if leaf.device.type == "cpu" and str(leaf.dtype) != "torch.bfloat16":
            return leaf.numpy()
        return leaf
    if src.is_jax_array(leaf):
        if all(d.platform == "cpu" for d in leaf.devices()):
            return np.asarray(leaf)
        return leaf
    if src.is_tf_sparse(leaf):
        return _tf_sparse_to_scipy(leaf)
    if src.is_tf_tensor(leaf):
        return leaf.numpy()
    if src.is_scipy_sparse(leaf):
        return leaf.tocsr()
    return leaf


def _tf_sparse_to_scipy(sp):
    indices = sp.indices.numpy()
    values = sp.values.numpy()
    shape = tuple(int(d) for d in sp.dense_shape.numpy())
    if len(shape) != 2:
        import tensorflow as tf

        return tf.sparse.to_dense(sp).numpy()
    import scipy.sparse

    return scipy.sparse.csr_matrix((values, (indices[:, 0], indices[:, 1])), shape=shape)


def _getter(leaf, floatx: str):
    """``sel -> batch of leaf`` for a slice or an index array, with the floatx cast."""
    dtype = np.dtype(leaf.dtype) if isinstance(leaf, np.ndarray) or src.is_scipy_sparse(leaf) else None
    cast = dtype is not None and dtype.kind == "f" and dtype.name != floatx
    if isinstance(leaf, np.ndarray):
        if cast:
            return lambda sel: leaf[sel].astype(floatx)
        return leaf.__getitem__
    if src.is_scipy_sparse(leaf):
        if cast:
            return lambda sel: leaf[sel].toarray().astype(floatx)
        return lambda sel: leaf[sel].toarray()
    if src.is_torch_tensor(leaf):
        import torch

        target = getattr(torch, floatx) if leaf.is_floating_point() and str(leaf.dtype) != f"torch.{floatx}" else None

        def get(sel):
            t = leaf[sel if isinstance(sel, slice) else torch.as_tensor(sel, device=leaf.device)]
            return t if target is None else t.to(target)
        return get
    # jax array on an accelerator
    import jax.numpy as jnp

    cast = jnp.issubdtype(leaf.dtype, jnp.floating) and str(leaf.dtype) != floatx
    return (lambda sel: leaf[sel].astype(floatx)) if cast else leaf.__getitem__
