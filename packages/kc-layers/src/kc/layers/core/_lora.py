"""LoRA (Hu et al., 2021) for `Embedding` and `EinsumDense`: the base weight is frozen and
a trainable low-rank update ``(lora_alpha / rank) * a @ b`` is learned instead.

`add_lora` checks and adds the two factors; `lora_delta` gives the scaled update.
"""

from __future__ import annotations

from kc import ops


def add_lora(layer, base_attr: str, prefix: str, rank, lora_alpha, a_initializer, b_initializer,
             regularizer, constraint, arg: str):
    """Freeze the weight ``layer.<base_attr>`` and add ``{prefix}_a`` (base.shape[:-1] + (rank,)) and ``{prefix}_b``
    ((rank, base.shape[-1])) to ``layer``; returns ``(a, b)``.

    ``arg`` names the layer's constraint argument for the error when one is set.
    """
    where = f"{type(layer).__name__} '{layer.name}'"
    if not layer.built:
        raise ValueError(f"{where}: build the layer before enable_lora().")
    if getattr(layer, "lora_enabled", False):
        raise ValueError(f"{where}: LoRA is already enabled; enable_lora() can be called once.")
    if not isinstance(rank, int) or isinstance(rank, bool) or rank <= 0:
        raise ValueError(f"{where}: enable_lora() rank must be a positive int, got {rank!r}.")
    if constraint is not None:
        raise ValueError(f"{where}: LoRA cannot be combined with a constraint on the base weight; "
                         f"remove the `{arg}` argument (got {arg}={constraint!r}).")
    base = getattr(layer, base_attr)
    base.trainable = False
    a = layer.add_weight(name=f"{prefix}_a", shape=tuple(base.shape[:-1]) + (rank,),
                         initializer=a_initializer, regularizer=regularizer)
    b = layer.add_weight(name=f"{prefix}_b", shape=(rank, base.shape[-1]),
                         initializer=b_initializer, regularizer=regularizer)
    layer.lora_rank = rank
    layer.lora_alpha = lora_alpha if lora_alpha is not None else rank
    layer.lora_enabled = True
    return a, b


def lora_config(layer) -> dict:
    """``lora_rank`` and ``lora_alpha`` for the layer's config when it was built with LoRA."""
    if not layer.lora_rank:
        return {}
    return {"lora_rank": layer.lora_rank, "lora_alpha": layer.lora_alpha}


def lora_delta(layer, a, b):
    """``(lora_alpha / lora_rank) * (a @ b)``, contracting the last axis of ``a``."""
    product = ops.tensordot(_value(a), _value(b), axes=1)
    return ops.multiply(product, layer.lora_alpha / layer.lora_rank)


def _value(variable):
    value = variable.value
    if not hasattr(value, "ndim"):  # TensorFlow: `.value` may be the tf.Variable itself
        value = ops.reshape(value, tuple(value.shape))
    return value
