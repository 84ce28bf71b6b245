"""Custom layers (keras.io "Making new layers and models via subclassing"): add_weight in
build, compute_output_shape, masking (supports_masking, compute_mask, Masking/Embedding masks
reaching call), add_loss, regularizers and constraints on add_weight, keras.ops inside call,
a registered serializable layer/regularizer/function round trip, nested layers' weights.
"""

import numpy as np

import keras
from keras import layers, ops
from _common import can_train, emit

rng = np.random.default_rng(4)


@keras.saving.register_keras_serializable(package="core")
class OrthoPenalty(keras.regularizers.Regularizer):
    def __init__(self, factor=0.1):
        self.factor = factor

    def __call__(self, w):
        return self.factor * ops.sum(ops.square(ops.matmul(ops.transpose(w), w) - ops.eye(w.shape[-1])))

    def get_config(self):
        return {"factor": self.factor}


@keras.saving.register_keras_serializable(package="core")
def scaled_tanh(x):
    return 1.7 * ops.tanh(x / 1.5)


@keras.saving.register_keras_serializable(package="core")
class Affine(layers.Layer):
    def __init__(self, units, activation=None, penalty=0.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.penalty = penalty

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units),
                                      initializer="glorot_uniform", regularizer=OrthoPenalty(0.05),
                                      constraint=keras.constraints.MaxNorm(1.5))
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")
        self.steps = self.add_weight(name="steps", shape=(), initializer="zeros", trainable=False,
                                     dtype="int32")

    def call(self, inputs):
        y = ops.matmul(inputs, self.kernel) + self.bias
        if self.penalty:
            self.add_loss(self.penalty * ops.mean(ops.square(y)))
        return self.activation(y)

    def compute_output_shape(self, input_shape):
        return input_shape[:-1] + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "penalty": self.penalty,
                "activation": keras.activations.serialize(self.activation)}


class MaskedMean(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        m = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.sum(inputs * m, axis=1) / ops.maximum(ops.sum(m, axis=1), 1.0)

    def compute_mask(self, inputs, mask=None):
        return None


class TimesTwoKeepMask(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs * 2.0


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.a = Affine(4, activation="relu", penalty=0.01, name="inner_a")
        self.b = Affine(2, activation=scaled_tanh, name="inner_b")

    def call(self, x):
        return self.b(self.a(x))


result = {}
aff = Affine(3, activation="scaled_tanh" if False else scaled_tanh, penalty=0.1, name="aff")
result["compute_output_shape"] = list(aff.compute_output_shape((None, 5, 7)))
x = rng.standard_normal((4, 5)).astype("float32")
aff.build((None, 5))
aff.kernel.assign(rng.standard_normal((5, 3)).astype("float32") * 0.4)
y = aff(x)
result["fwd_affine"] = y
result["affine_losses"] = [float(ops.convert_to_numpy(v)) for v in aff.losses]
result["fwd_affine_losses"] = result.pop("affine_losses")
result["affine_weights"] = [[w.name, w.path, list(w.shape), w.dtype, w.trainable] for w in aff.weights]
cfg = aff.get_config()
result["affine_config"] = cfg
clone = Affine.from_config(cfg)
clone.build((None, 5))
clone.set_weights(aff.get_weights())
result["fwd_affine_clone"] = clone(x)
ser = keras.saving.serialize_keras_object(aff)
result["serialized"] = ser
revived = keras.saving.deserialize_keras_object(ser)
result["revived"] = [type(revived).__name__, revived.units, keras.saving.get_registered_name(type(revived)),
                     keras.activations.serialize(revived.activation)]
pen = OrthoPenalty(0.2)
result["fwd_penalty_rt"] = keras.regularizers.deserialize(keras.regularizers.serialize(pen))(aff.kernel)
result["penalty_serialized"] = keras.regularizers.serialize(pen)

# Masks: Embedding(mask_zero) -> layer that keeps the mask -> masked mean
tokens = np.array([[3, 5, 0, 0], [1, 2, 4, 0]], dtype="int32")
inp = keras.Input((4,), dtype="int32")
emb = layers.Embedding(6, 3, mask_zero=True, name="emb")(inp)
kept = TimesTwoKeepMask(name="keep")(emb)
pooled = MaskedMean(name="pool")(kept)
mask_model = keras.Model(inp, pooled)
mask_model.get_layer("emb").set_weights([rng.standard_normal((6, 3)).astype("float32")])
result["fwd_masked_mean"] = mask_model(tokens)
result["emb_mask"] = ops.cast(mask_model.get_layer("emb").compute_mask(tokens), "int32")
seq = rng.standard_normal((2, 4, 3)).astype("float32")
seq[0, 2:] = -1.0
masking = layers.Masking(mask_value=-1.0)
masked = masking(seq)
result["fwd_masking_mask"] = ops.cast(masking.compute_mask(seq), "int32")
result["fwd_masked_pool"] = MaskedMean()(masked)

# Nested block inside a functional model: weights, losses, training
inp = keras.Input((5,))
out = Block(name="block")(inp)
model = keras.Model(inp, out)
model.set_weights([(0.3 * rng.standard_normal(w.shape)).astype(w.dtype) for w in model.get_weights()])
result["block_weight_paths"] = [w.path for w in model.weights]
result["block_trainable"] = [w.path for w in model.trainable_weights]
result["fwd_block"] = model(x)
result["fwd_block_losses"] = sorted(float(ops.convert_to_numpy(v)) for v in model.losses)
result["block_summary_params"] = model.count_params()
if can_train():
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    hist = model.fit(x, rng.standard_normal((4, 2)).astype("float32"), epochs=3, batch_size=2,
                     shuffle=False, verbose=0)
    result["fit_loss"] = hist.history["loss"]
    result["fit_weights"] = model.get_weights()
emit(result)
