"""Shared by the acceptance scripts: deterministic weights and the JSON result line.

Written against the Keras 3 API only (`import keras`), so it runs with Keras or with kc.
"""

import json
import math

import numpy as np

import keras


def backend():
    return keras.backend.backend()


def can_train():
    return backend() != "numpy"


def set_weights_from_rng(model, seed=0):
    """Replace every weight by a draw from a NumPy RNG, so kc and Keras start identically.

    Scales follow the variable's role (read from its name): kernels ~ N(0, 1/fan_in),
    gamma / moving_variance around 1, everything else small.
    """
    rng = np.random.default_rng(seed)
    values = []
    for v in model.weights:
        shape = tuple(v.shape)
        name = v.name.split("/")[-1]
        if name in ("gamma", "moving_variance"):
            w = 1.0 + 0.1 * rng.uniform(-1, 1, shape)
        elif len(shape) >= 2:
            fan_in = math.prod(shape[:-1])
            w = rng.standard_normal(shape) / math.sqrt(fan_in)
        else:
            w = 0.1 * rng.standard_normal(shape)
        values.append(w.astype("float32"))
    model.set_weights(values)


def _plain(x):
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in sorted(x.items())}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, (str, bool)) or x is None:
        return x
    if isinstance(x, (int, float)):
        return float(x)
    a = np.asarray(keras.ops.convert_to_numpy(x), dtype="float64")
    return a.tolist()


def emit(result):
    """Print the script's numbers as one JSON line the runner picks up."""
    print("RESULT " + json.dumps(_plain(result)), flush=True)
