"""Custom layer with add_weight + get_config, registered for serialization, saved to and
loaded from a .keras archive (keras.io "Making new layers and models via subclassing" and
"Save, serialize, and export models"). On training backends the model is trained, saved with
its optimizer state, and both the original and the reloaded copy train one more epoch.
"""

import os
import tempfile

import numpy as np

import keras
from keras import layers, ops
from _common import can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(7)
rng = np.random.default_rng(7)


@keras.saving.register_keras_serializable(package="Acceptance")
class ScaledLinear(layers.Layer):
    def __init__(self, units=4, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale = scale

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal",
                                 trainable=True, name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True, name="b")
        self.calls = self.add_weight(shape=(), initializer="zeros", trainable=False, name="calls")

    def call(self, inputs):
        self.calls.assign_add(1.0)
        return ops.tanh(ops.matmul(inputs, self.w) + self.b) * self.scale

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "scale": self.scale})
        return config


inputs = keras.Input(shape=(5,), name="features")
h = ScaledLinear(6, scale=2.0, name="scaled")(inputs)
outputs = layers.Dense(3, name="head")(h)
model = keras.Model(inputs, outputs, name="custom_model")
set_weights_from_rng(model, seed=7)

x = rng.standard_normal((48, 5)).astype("float32")
y = rng.standard_normal((48, 3)).astype("float32")
tmp = tempfile.mkdtemp()
result = {
    "fwd_predict": model.predict(x[:3], verbose=0),
    "layer_config": {k: v for k, v in model.get_layer("scaled").get_config().items()
                     if k in ("name", "units", "scale", "trainable")},
    "weight_names": [w.name for w in model.weights],
    "class_name": keras.saving.get_registered_name(ScaledLinear),
}
restored = ScaledLinear.from_config(model.get_layer("scaled").get_config())
result["from_config_units"] = restored.units

if can_train():
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse", metrics=["mae"])
    result["history"] = model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0).history

path = os.path.join(tmp, "model.keras")
model.save(path)
loaded = keras.models.load_model(path)
result["loaded_type"] = type(loaded.get_layer("scaled")).__name__
result["loaded_predict"] = loaded.predict(x[:3], verbose=0)
result["original_predict"] = model.predict(x[:3], verbose=0)
result["loaded_weights"] = [w for w in loaded.get_weights()]

if can_train():
    a = model.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0).history["loss"]
    b = loaded.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0).history["loss"]
    result["continued_loss_original"] = a
    result["continued_loss_loaded"] = b
    result["loaded_optimizer_iterations"] = int(keras.ops.convert_to_numpy(loaded.optimizer.iterations))
emit(result)
