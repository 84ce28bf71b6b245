"""Fused TensorFlow update kernels (``ResourceApply*``) for the stateful path.

Used by an optimizer's ``_update_all`` on the tensorflow backend outside any
`StatelessScope`, when every variable holds a plain ``tf.Variable``: one kernel
per variable updates it and its slots in place (in ``tf.function`` and eagerly),
instead of the half-dozen element-wise ops and reads of ``update_step``.
"""

from __future__ import annotations


def usable(*variable_lists) -> bool:
    """True on tensorflow, outside any StatelessScope, when all variables are plain
    ``tf.Variable`` resources (not distributed or otherwise wrapped)."""
    from kc import config

    if config.backend() != "tensorflow":
        return False
    from kc.backend.common.scopes import in_stateless_scope

    if in_stateless_scope():
        return False
    from tensorflow.python.ops.resource_variable_ops import ResourceVariable

    return all(type(getattr(v, "_value", None)) is ResourceVariable
               for variables in variable_lists for v in variables)


def handle(variable):
    """The resource handle of a kc Variable's ``tf.Variable``."""
    return variable._value.handle
