"""kc quickstart: a small CNN learns scikit-learn's 8x8 digits with `model.fit`.

Runs unchanged on every backend that can train (KC_BACKEND=jax|torch|tensorflow)
and prints the test accuracy (about 0.97). The numpy backend has no gradients:
there the script says so and exits cleanly.

    uv run examples/quickstart.py
"""

import sys

import numpy as np
from sklearn.datasets import load_digits

import kc as keras
from kc import layers


def load_data(seed: int = 0):
    """Digits as (N, 8, 8, 1) float32 images in [0, 1]: 1440 to train (45 batches of 32,
    about 80%), 357 to test."""
    digits = load_digits()
    x = (digits.images / 16.0).astype("float32")[..., None]
    y = digits.target.astype("int32")
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order], y[order]
    split = 1440
    return (x[:split], y[:split]), (x[split:], y[split:])


def build_model() -> keras.Model:
    inputs = keras.Input((8, 8, 1))
    h = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    h = layers.MaxPooling2D(2)(h)
    h = layers.Flatten()(h)
    outputs = layers.Dense(10, activation="softmax")(h)
    return keras.Model(inputs, outputs)


def train(seed: int = 42, epochs: int = 10, verbose="auto") -> float:
    """Train the CNN from a fixed seed; return the test accuracy."""
    keras.utils.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = load_data()
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=verbose)
    # One test batch: on jax every new batch shape costs a compile.
    _, accuracy = model.evaluate(x_test, y_test, batch_size=len(x_test), verbose=0)
    return accuracy


def main() -> None:
    backend = keras.config.backend()
    if backend == "numpy":
        print("The numpy backend cannot train (it has no gradients). Run this example with "
              "KC_BACKEND=jax, torch or tensorflow.")
        return
    accuracy = train(verbose=2)
    print(f"backend={backend} test accuracy={accuracy:.3f}")


if __name__ == "__main__":
    main()
    sys.exit(0)
