"""The TensorFlow backend: tf.Tensor tensors, tf.function training."""

import tensorflow as tf

NAME = "tensorflow"
TENSOR_TYPE = type(tf.constant(0.0))  # EagerTensor
# Types the native fast path of kc.ops takes as they are (a kc Variable holds a tf.Variable).
NATIVE_TYPES = (TENSOR_TYPE, type(tf.Variable(0.0, trainable=False)))

from kc.backend.tensorflow import core  # noqa: E402,F401
