"""Recognise data sources without importing their frameworks.

An object can only be a torch tensor if torch is already imported, and so on:
every check looks at ``sys.modules`` first, so importing kc.data (and
classifying NumPy data) never imports tensorflow, torch, jax, pandas or scipy.
"""

from __future__ import annotations

import sys

import numpy as np


def _module(name: str):
    return sys.modules.get(name)


def is_torch_tensor(x) -> bool:
    torch = _module("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def is_jax_array(x) -> bool:
    jax = _module("jax")
    return jax is not None and isinstance(x, jax.Array)


def is_tf_tensor(x) -> bool:
    """A dense tf.Tensor (not sparse, not ragged)."""
    tf = _module("tensorflow")
    return tf is not None and isinstance(x, tf.Tensor)


def is_tf_sparse(x) -> bool:
    tf = _module("tensorflow")
    return tf is not None and isinstance(x, tf.SparseTensor)


def is_tf_ragged(x) -> bool:
    tf = _module("tensorflow")
    return tf is not None and isinstance(x, tf.RaggedTensor)


def is_scipy_sparse(x) -> bool:
    sparse = _module("scipy.sparse")
    return sparse is not None and sparse.issparse(x)


def is_pandas(x) -> bool:
    pd = _module("pandas")
    return pd is not None and isinstance(x, (pd.DataFrame, pd.Series))


def is_array_like(x) -> bool:
    """A leaf the array adapter can slice into batches."""
    return (isinstance(x, np.ndarray) or is_pandas(x) or is_torch_tensor(x) or is_jax_array(x)
            or is_tf_tensor(x) or is_tf_sparse(x) or is_scipy_sparse(x))


def is_tf_dataset(x) -> bool:
    tf = _module("tensorflow")
    return tf is not None and isinstance(x, tf.data.Dataset)


def is_torch_dataloader(x) -> bool:
    data = _module("torch.utils.data")
    return data is not None and isinstance(x, data.DataLoader)


def is_torch_dataset(x) -> bool:
    """A torch map-style Dataset or IterableDataset (not a DataLoader)."""
    data = _module("torch.utils.data")
    return data is not None and isinstance(x, (data.Dataset, data.IterableDataset))


def is_iterator(x) -> bool:
    """A Python generator or iterator (has ``__next__``)."""
    return hasattr(x, "__next__") and hasattr(x, "__iter__")


ACCEPTED = ("NumPy arrays (alone, or in tuples, lists, dicts, nested), pandas DataFrame/Series, "
            "jax/torch/tensorflow tensors, scipy.sparse matrices, tf.SparseTensor, "
            "tf.data.Dataset, torch.utils.data.Dataset/DataLoader, kc.data.PyDataset, "
            "Python generators and iterators")


class UnsupportedDataError(TypeError, ValueError):
    """Data of a type no adapter takes.

    A TypeError (kc's rule); also a ValueError, which Keras 3 raises here, so
    code written for Keras that catches ValueError keeps working.
    """
