"""The TensorFlow backend: tf.Tensor tensors, tf.function training."""

import tensorflow as tf

NAME = "tensorflow"
TENSOR_TYPE = type(tf.constant(0.0))  # EagerTensor
# Types the native fast path of kc.ops takes as they are (a kc Variable holds a tf.Variable).
NATIVE_TYPES = (TENSOR_TYPE, type(tf.Variable(0.0, trainable=False)))



def _exclude_kc_from_autograph() -> None:
    """Let AutoGraph convert users' code inside `tf.function` but not kc itself.

    kc's code is written for graph tracing; converting it only slows tracing
    (100x measured on a train step). Users' code (a custom ``train_step``, a
    layer's ``call``) is still converted, so Python ``if``/``for`` on tensors
    work there. TensorFlow keeps the same rule for its own packages.
    """
    try:
        from tensorflow.python.autograph.core import config as ag_config
        from tensorflow.python.autograph.core import config_lib
    except ImportError:  # a TF without this (private) table: everything is converted
        return
    rules = ag_config.CONVERSION_RULES
    if not any(isinstance(r, config_lib.DoNotConvert) and r.matches("kc") for r in rules):
        ag_config.CONVERSION_RULES = (config_lib.DoNotConvert("kc"),) + tuple(rules)


_exclude_kc_from_autograph()

from kc.backend.tensorflow import core  # noqa: E402,F401
