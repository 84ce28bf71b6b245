"""The TensorFlow backend: tf.Tensor tensors, tf.function training."""

import tensorflow as tf

NAME = "tensorflow"
TENSOR_TYPE = type(tf.constant(0.0))  # EagerTensor

from kc.backend.tensorflow import core  # noqa: E402,F401
