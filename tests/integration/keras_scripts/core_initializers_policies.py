"""Initializers and dtype policies (keras.io "Layer weight initializers", "Mixed precision"):
seeded random initializers compared by statistics (RNG streams differ between libraries),
deterministic ones by value, configs, and a mixed_float16 model's dtypes.
"""

import numpy as np

import keras
from keras import initializers, layers
from _common import emit

keras.utils.set_random_seed(3)
SHAPE = (64, 48)
result = {}

random_inits = {
    "RandomNormal": initializers.RandomNormal(mean=0.5, stddev=2.0, seed=1),
    "RandomUniform": initializers.RandomUniform(minval=-1.0, maxval=3.0, seed=1),
    "TruncatedNormal": initializers.TruncatedNormal(mean=0.0, stddev=1.5, seed=1),
    "GlorotNormal": initializers.GlorotNormal(seed=1),
    "GlorotUniform": initializers.GlorotUniform(seed=1),
    "HeNormal": initializers.HeNormal(seed=1),
    "HeUniform": initializers.HeUniform(seed=1),
    "LecunNormal": initializers.LecunNormal(seed=1),
    "LecunUniform": initializers.LecunUniform(seed=1),
    "VarianceScaling": initializers.VarianceScaling(scale=3.0, mode="fan_avg", distribution="uniform", seed=1),
    "VarianceScalingNormal": initializers.VarianceScaling(scale=0.5, mode="fan_out", distribution="untruncated_normal", seed=1),
    "Orthogonal": initializers.Orthogonal(gain=2.0, seed=1),
}
stats = {}
for name, init in random_inits.items():
    v = keras.ops.convert_to_numpy(init(SHAPE)).astype("float64")
    # loose_ keys: sampling tolerance (rtol 0.15, atol 0.1)
    stats[name] = {"mean": float(v.mean()), "std": float(v.std()), "max_abs": float(np.abs(v).max())}
    result["config_" + name] = init.get_config()
result["loose_stats"] = stats
ortho = keras.ops.convert_to_numpy(initializers.Orthogonal(gain=2.0, seed=2)((6, 4)))
result["fwd_orthogonal_gram"] = ortho.T @ ortho
again = initializers.RandomNormal(seed=5)
result["same_seed_repeatable"] = bool(np.allclose(keras.ops.convert_to_numpy(again((3, 3))),
                                                  keras.ops.convert_to_numpy(initializers.RandomNormal(seed=5)((3, 3)))))

deterministic = {
    "Zeros": initializers.Zeros(),
    "Ones": initializers.Ones(),
    "Constant": initializers.Constant(0.75),
    "Identity": initializers.Identity(gain=3.0),
}
for name, init in deterministic.items():
    result["fwd_" + name] = init((3, 4))
    if name != "Identity":  # kc deliberately writes gain (Keras 3.15 writes {} and loses it)
        result["config_" + name] = init.get_config()
for ident in ["zeros", "ones", "glorot_uniform", "he_normal", "orthogonal", "random_normal"]:
    init = initializers.get(ident)
    result["get_" + ident] = [type(init).__name__, keras.saving.serialize_keras_object(init)]
result["fwd_dtype_int"] = [str(initializers.Zeros()((2,), dtype="int32").dtype).split(".")[-1].replace("torch", "").strip("'<>")]

# Dtype policies
for pname in ["float32", "mixed_float16", "mixed_bfloat16", "float16", "bfloat16"]:
    p = keras.dtype_policies.DTypePolicy(pname)
    result["policy_" + pname] = [p.name, p.compute_dtype, p.variable_dtype,
                                 keras.dtype_policies.serialize(p)]
keras.mixed_precision.set_global_policy("mixed_float16")
inp = keras.Input((4,))
h = layers.Dense(6, activation="relu", name="h")(inp)
out = layers.Dense(2, name="logits")(h)
out = layers.Activation("softmax", dtype="float32", name="probs")(out)
model = keras.Model(inp, out)
result["mixed_global"] = keras.mixed_precision.global_policy().name
result["mixed_dtypes"] = {
    layer.name: [layer.dtype_policy.name, layer.compute_dtype, layer.variable_dtype,
                 [v.dtype for v in layer.weights]]
    for layer in model.layers
}
result["mixed_out_dtypes"] = [model.get_layer("h").output.dtype, model.output.dtype]
x = np.random.default_rng(0).standard_normal((2, 4)).astype("float32")
y = model(x)
result["mixed_call_dtype"] = keras.backend.standardize_dtype(y.dtype)
result["mixed_config_dtype"] = model.get_layer("h").get_config()["dtype"]
keras.mixed_precision.set_global_policy("float32")
d = layers.Dense(2, dtype="bfloat16")
d.build((None, 3))
result["bf16_layer"] = [d.dtype_policy.name, d.compute_dtype, d.kernel.dtype]
d2 = layers.Dense(2, dtype=keras.dtype_policies.DTypePolicy("mixed_bfloat16"))
result["mixed_bf16_config"] = d2.get_config()["dtype"]
result["floatx"] = keras.config.floatx()
emit(result)
