"""The initializer / regularizer / constraint arguments of a layer's weights, in one place.

A layer with weights ``kernel`` and ``bias`` takes ``kernel_initializer``,
``bias_initializer``, ``kernel_regularizer``, ``bias_regularizer``,
``kernel_constraint`` and ``bias_constraint``; these helpers resolve them in
``__init__``, pass them to ``add_weight`` and write them into ``get_config``
in that (Keras) order, with ``activity_regularizer`` after the regularizers.

Example:
    >>> set_weight_args(layer, locals(), "kernel", "bias")
    >>> layer.kernel = add_weight_with_args(layer, "kernel", (3, 4))
    >>> weight_args_config(layer, "kernel", "bias")["bias_initializer"]["class_name"]
    'Zeros'
"""

from __future__ import annotations

from kc import constraints, initializers, regularizers

_KINDS = (("initializer", initializers), ("regularizer", regularizers),
          ("constraint", constraints))


def set_weight_args(layer, args: dict, *weights: str, private: bool = False) -> None:
    """Set ``layer.<w>_initializer/_regularizer/_constraint`` for each weight ``w``.

    Args:
        layer: the layer being constructed.
        args: the constructor's arguments (its ``locals()``), holding ``<w>_<kind>``.
        *weights: weight names, e.g. ``"kernel", "bias"``.
        private: store them as ``_<w>_<kind>`` (as `MultiHeadAttention` does).
    """
    prefix = "_" if private else ""
    for kind, module in _KINDS:
        for weight in weights:
            setattr(layer, f"{prefix}{weight}_{kind}", module.get(args[f"{weight}_{kind}"]))


def weight_args_config(layer, *weights: str, activity: bool = True,
                       private: bool = False) -> dict:
    """The serialized ``<w>_<kind>`` arguments of ``weights``, initializers first, then the
    regularizers (then ``activity_regularizer`` when ``activity``), then the constraints."""
    prefix = "_" if private else ""
    config = {}
    for kind, module in _KINDS:
        for weight in weights:
            config[f"{weight}_{kind}"] = module.serialize(getattr(layer, f"{prefix}{weight}_{kind}"))
        if kind == "regularizer" and activity:
            config["activity_regularizer"] = regularizers.serialize(layer.activity_regularizer)
    return config


def add_weight_with_args(layer, name: str, shape, args: str | None = None, **kwargs):
    """``layer.add_weight(name, shape)`` with the initializer, regularizer and constraint the
    layer holds for ``args`` (default ``name``): ``layer.<args>_initializer`` and so on."""
    args = args or name
    return layer.add_weight(
        name=name, shape=shape, initializer=getattr(layer, f"{args}_initializer"),
        regularizer=getattr(layer, f"{args}_regularizer"),
        constraint=getattr(layer, f"{args}_constraint"), **kwargs)
