"""Native fast paths of the per-step metric work on torch, where per-step Python decides the
speed (eager execution: every `kc.ops` call is a Python dispatch and a kernel launch).

* `state_tensors`: the stored tensors of a metric's variables, to update in place with
  ``add_`` (what ``variable.assign_add`` computes, without a temporary and a copy), or None
  inside a `StatelessScope` (jax-style stateless updates) or an autocast scope;
* `divide_no_nan`: ``total / count`` (0 where ``count == 0``) in three kernels;
* `sparse_accuracy`: ``argmax(y_pred, -1) == y_true`` as floats, without the int32 casts.

Each gives exactly the numbers of the `kc.ops` form it replaces, and returns None when its
arguments need the general path. On the other backends every name is None: their graphs
(tf.function, jax.jit) are traced once, so per-op Python costs nothing per step.
"""

from __future__ import annotations

from kc import config

state_tensors = None
divide_no_nan = None
sparse_accuracy = None

if config.backend() == "torch":
    import torch

    from kc.backend.common.scopes import in_stateless_scope

    _Parameter = torch.nn.Parameter

    def state_tensors(*variables):  # noqa: F811
        """The stored Parameters of ``variables`` (to update in place), or None."""
        if in_stateless_scope():
            return None
        out = tuple(v.value for v in variables)
        for t in out:
            if type(t) is not _Parameter:  # e.g. an autocast copy
                return None
        return out

    def divide_no_nan(total, count):  # noqa: F811
        """``total / count``, 0 where ``count`` is 0 (kc.ops.divide_no_nan's numbers)."""
        if not (isinstance(total, torch.Tensor) and isinstance(count, torch.Tensor)
                and total.dtype == count.dtype and total.is_floating_point()):
            return None
        return torch.where(count == 0, 0.0, total / count)

    _FLOAT_DTYPES = {"float16": torch.float16, "bfloat16": torch.bfloat16,
                     "float32": torch.float32, "float64": torch.float64}

    def sparse_accuracy(y_true, y_pred, dtype: str):  # noqa: F811
        """``argmax(y_pred, -1) == y_true`` as floats of ``dtype`` (labels already squeezed),
        or None."""
        if not (isinstance(y_true, torch.Tensor) and isinstance(y_pred, torch.Tensor)):
            return None
        dtype = _FLOAT_DTYPES[dtype]
        predicted = torch.argmax(y_pred, dim=-1)
        if y_true.is_floating_point():
            predicted = predicted.to(y_true.dtype)
        elif y_true.is_complex():
            return None
        return torch.eq(predicted, y_true).to(dtype)
