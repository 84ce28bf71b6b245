"""BatchNormalization with the usual callbacks: EarlyStopping(restore_best_weights),
ReduceLROnPlateau and ModelCheckpoint(save_best_only) to a .weights.h5 file, then reloading the
checkpoint. SGD with a large learning rate makes validation loss stall, so the callbacks fire.
"""

import os
import tempfile

import numpy as np

import keras
from keras import layers
from _common import can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(6)
rng = np.random.default_rng(6)

x = rng.standard_normal((120, 6)).astype("float32") * 3 + 1
y = (x[:, 0] - x[:, 1] + 0.5 * x[:, 2] ** 2 > 2).astype("int32")
x_train, y_train, x_val, y_val = x[:96], y[:96], x[96:], y[96:]

model = keras.Sequential([
    keras.Input(shape=(6,)),
    layers.Dense(12),
    layers.BatchNormalization(),
    layers.ReLU(),
    layers.Dense(2, activation="softmax"),
])
set_weights_from_rng(model, seed=6)
model.compile(optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy",
              metrics=["sparse_categorical_accuracy"])
result = {
    "fwd_predict": model.predict(x_val[:3], verbose=0),
    "fwd_train_mode": model(x_val[:4], training=True),
}
if can_train():
    path = os.path.join(tempfile.mkdtemp(), "best.weights.h5")
    callbacks = [
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=1e-3),
        keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True,
                                        save_weights_only=True),
    ]
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=10,
                        batch_size=32, shuffle=False, callbacks=callbacks, verbose=0)
    result["history_keys"] = sorted(history.history)
    result["history"] = history.history
    result["epochs_run"] = len(history.epoch)
    result["stopped_epoch"] = callbacks[0].stopped_epoch
    result["final_lr"] = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    bn = model.layers[1]
    result["bn_moving_mean"] = bn.moving_mean
    result["bn_moving_variance"] = bn.moving_variance
    result["restored_evaluate"] = model.evaluate(x_val, y_val, verbose=0)
    reloaded = keras.models.clone_model(model)
    reloaded.load_weights(path)
    result["checkpoint_predict"] = reloaded.predict(x_val[:3], verbose=0)
    result["restored_predict"] = model.predict(x_val[:3], verbose=0)
emit(result)
