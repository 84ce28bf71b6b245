"""Element-wise binary ops (arithmetic, comparison, logic, bitwise) of the TensorFlow backend."""

from __future__ import annotations

import tensorflow as tf

from kc.backend.tensorflow.core import promote


def add(x1, x2):
    x1, x2 = promote(x1, x2)
    return tf.add(x1, x2)


add.native = tf.add
