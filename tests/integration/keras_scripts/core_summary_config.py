"""Models' observable structure (keras.io "The Sequential model", "The Functional API",
"Making new layers and models via subclassing"): summary() table text captured through
print_fn, get_config dicts of common layers and models, count_params, weight names/paths,
get_layer, clone_model, from_config round trip.
"""

import numpy as np

import keras
from keras import layers
from _common import emit, set_weights_from_rng

keras.utils.set_random_seed(1)
x = np.random.default_rng(1).standard_normal((2, 6)).astype("float32")


def summary_text(model, **kwargs):
    lines = []
    model.summary(print_fn=lambda line, **kw: lines.append(line), **kwargs)
    return "\n".join(lines)


seq = keras.Sequential([
    keras.Input(shape=(6,)),
    layers.Dense(8, activation="relu", name="d1"),
    layers.Dropout(0.25),
    layers.Dense(3, name="d2"),
], name="seq")
set_weights_from_rng(seq, seed=1)

inp = keras.Input(shape=(6,), name="feats")
a = layers.Dense(4, name="a")(inp)
b = layers.Dense(4, use_bias=False, name="b")(inp)
merged = layers.Concatenate(name="cat")([a, b])
out = layers.Dense(2, activation="softmax", name="out")(layers.LayerNormalization(name="ln")(merged))
func = keras.Model(inp, out, name="func")
set_weights_from_rng(func, seed=2)


class Sub(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.d1 = layers.Dense(5, activation="tanh")
        self.d2 = layers.Dense(1)

    def call(self, inputs):
        return self.d2(self.d1(inputs))


sub = Sub(name="sub")
sub(x)
set_weights_from_rng(sub, seed=3)

result = {
    "seq_summary": summary_text(seq),
    "func_summary": summary_text(func),
    "sub_summary": summary_text(sub),
    "seq_count": seq.count_params(),
    "func_count": func.count_params(),
    "sub_count": sub.count_params(),
    "seq_weight_names": [w.name for w in seq.weights],
    "seq_weight_paths": [w.path for w in seq.weights],
    "func_weight_paths": [w.path for w in func.weights],
    "sub_weight_paths": [w.path for w in sub.weights],
    "func_trainable": len(func.trainable_weights),
    "func_layer_names": [layer.name for layer in func.layers],
    "seq_layer_names": [layer.name for layer in seq.layers],
    "get_layer_by_index": seq.get_layer(index=1).name,
    "get_layer_units": func.get_layer("a").units,
    "seq_config": seq.get_config(),
    "func_config": func.get_config(),
}

layer_configs = {}
for layer in [
    layers.Dense(3, activation="relu", kernel_regularizer="l2", name="dense_cfg"),
    layers.Dropout(0.3, seed=4, name="drop_cfg"),
    layers.Embedding(10, 4, mask_zero=True, name="emb_cfg"),
    layers.LayerNormalization(epsilon=1e-5, name="ln_cfg"),
    layers.Activation("gelu", name="act_cfg"),
    layers.Flatten(name="flat_cfg"),
    layers.Reshape((2, 3), name="reshape_cfg"),
    layers.Concatenate(axis=1, name="cat_cfg"),
    layers.Add(name="add_cfg"),
    layers.Masking(mask_value=-1.0, name="mask_cfg"),
    layers.Lambda(lambda t: t * 2, name="lambda_cfg"),
]:
    cfg = layer.get_config()
    if layer.name == "lambda_cfg":
        cfg = {k: v for k, v in cfg.items() if k not in ("function",)}
    layer_configs[layer.name] = cfg
result["layer_configs"] = layer_configs

seq_clone = keras.models.clone_model(seq)
seq_clone.set_weights(seq.get_weights())
func_clone = keras.models.clone_model(func)
func_clone.set_weights(func.get_weights())
func_rt = keras.Model.from_config(func.get_config())
func_rt.set_weights(func.get_weights())
seq_rt = keras.Sequential.from_config(seq.get_config())
seq_rt.set_weights(seq.get_weights())
result.update({
    "fwd_seq": seq(x),
    "fwd_seq_clone": seq_clone(x),
    "fwd_func": func(x),
    "fwd_func_clone": func_clone(x),
    "fwd_func_from_config": func_rt(x),
    "fwd_seq_from_config": seq_rt(x),
    "fwd_sub": sub(x),
    "clone_names": [layer.name for layer in func_clone.layers],
    "clone_summary": summary_text(func_clone),
    "from_config_name": func_rt.name,
    "seq_rt_config": seq_rt.get_config(),
    "func_rt_config": func_rt.get_config(),
})
emit(result)
