"""Shared checks for the helpers that build `tf.data.Dataset` objects."""

from __future__ import annotations


def require_tensorflow(where: str):
    """Import and return TensorFlow, or raise ImportError saying ``where`` needs it."""
    try:
        import tensorflow as tf
    except ImportError as e:
        raise ImportError(f"{where} returns a tf.data.Dataset and needs TensorFlow: "
                          "`pip install tensorflow` (or tensorflow-cpu).") from e
    return tf


def check_format(where: str, format: str) -> None:
    """Accept ``format="tf"``; "grain" is not supported yet; anything else is an error."""
    if format == "grain":
        raise NotImplementedError(f'{where}: format="grain" is not supported by kc yet; '
                                  'use format="tf" (a tf.data.Dataset).')
    if format != "tf":
        raise ValueError(f'{where}: `format` must be "tf" or "grain", got {format!r}.')
