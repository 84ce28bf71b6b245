"""kc quickstart: softmax regression on scikit-learn's digits, written with kc.ops.

Runs unchanged on every backend (KC_BACKEND=numpy|jax|torch|tensorflow) and
prints the test accuracy. The gradient is written out by hand, so it runs on
the numpy backend too; the Keras-style `model.fit` quickstart arrives with the
kc-train package.

    uv run examples/quickstart.py
"""

import numpy as np
from sklearn.datasets import load_digits

import kc as keras
from kc import ops


def main() -> None:
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target
    rng = np.random.default_rng(0)
    order = rng.permutation(len(x))
    x, y = x[order], y[order]
    split = int(0.8 * len(x))
    x_train, x_test = ops.convert_to_tensor(x[:split]), ops.convert_to_tensor(x[split:])
    y_train = ops.convert_to_tensor(np.eye(10, dtype="float32")[y[:split]])

    w = ops.zeros((64, 10))
    b = ops.zeros((10,))
    learning_rate, n = 0.5, split
    for _ in range(300):
        logits = ops.add(ops.matmul(x_train, w), b)
        probs = ops.exp(ops.subtract(logits, ops.max(logits, axis=-1, keepdims=True)))
        probs = ops.divide(probs, ops.sum(probs, axis=-1, keepdims=True))
        err = ops.divide(ops.subtract(probs, y_train), n)
        w = ops.subtract(w, ops.multiply(learning_rate, ops.matmul(ops.transpose(x_train), err)))
        b = ops.subtract(b, ops.multiply(learning_rate, ops.sum(err, axis=0)))

    predicted = ops.argmax(ops.add(ops.matmul(x_test, w), b), axis=-1)
    accuracy = float(np.mean(ops.convert_to_numpy(predicted) == y[split:]))
    print(f"backend={keras.config.backend()} test accuracy={accuracy:.3f}")


if __name__ == "__main__":
    main()
