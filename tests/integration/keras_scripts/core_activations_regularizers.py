"""Activations, regularizers and constraints (keras.io "Layer activation functions",
"Layer weight regularizers", "Layer weight constraints"): every activation by string and by
function on fixed input, penalties, projections, configs and get/serialize round trips.
"""

import numpy as np

import keras
from keras import activations, constraints, layers, ops, regularizers
from _common import can_train, emit

rng = np.random.default_rng(2)
x = np.concatenate([np.linspace(-4, 4, 9), rng.standard_normal(7) * 2]).reshape(2, 8).astype("float32")
W = rng.standard_normal((4, 3)).astype("float32")
result = {}

NAMES = ["celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
         "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
         "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign",
         "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink"]
by_string = {}
names = {}
for name in NAMES:
    fn = activations.get(name)
    if name != "sparsemax":  # Keras 3.15's sparsemax is wrong for supports > 1 (keras#23425)
        by_string[name] = fn(x)
    names[name] = [activations.serialize(fn), fn.__name__]
result["fwd_by_string"] = by_string
result["activation_names"] = names
result["fwd_with_args"] = {
    "relu_args": activations.relu(x, negative_slope=0.1, max_value=2.0, threshold=0.5),
    "leaky": activations.leaky_relu(x, negative_slope=0.3),
    "elu_alpha": activations.elu(x, alpha=0.5),
    "gelu_exact": activations.gelu(x, approximate=False),
    "softmax_axis0": activations.softmax(x, axis=0),
    "celu_alpha": activations.celu(x, alpha=2.0),
    "threshold": activations.threshold(x, threshold=0.5, default_value=-1.0),
    "hard_shrink": activations.hard_shrink(x, threshold=1.0),
    "squareplus": activations.squareplus(x, b=2.0),
    "layer_relu": layers.ReLU(max_value=1.5, negative_slope=0.2, threshold=0.5)(x),
    "layer_leaky": layers.LeakyReLU(negative_slope=0.2)(x),
    "layer_elu": layers.ELU(alpha=0.7)(x),
    "layer_softmax_masked": layers.Softmax()(x, mask=np.array([[1, 1, 0, 1, 1, 1, 0, 1]] * 2, bool)),
    "layer_prelu": layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25))(x),
    "dense_activation_fn": layers.Dense(3, activation=activations.swish, kernel_initializer="ones")(x),
}
result["activation_layer_configs"] = {
    type(l).__name__: l.get_config() for l in [layers.ReLU(max_value=1.5), layers.LeakyReLU(0.2),
                                               layers.ELU(0.7), layers.Softmax(axis=0), layers.PReLU(),
                                               layers.Activation("gelu")]
}
result["dense_activation_config"] = layers.Dense(2, activation="leaky_relu").get_config()["activation"]

regs = {
    "l1": regularizers.L1(0.01),
    "l2": regularizers.L2(0.02),
    "l1l2": regularizers.L1L2(l1=0.01, l2=0.03),
    "ortho_rows": regularizers.OrthogonalRegularizer(factor=0.1, mode="rows"),
    "str_l2": regularizers.get("l2"),
    "str_l1_l2": regularizers.get("L1L2"),
}
if keras.backend.backend() != "numpy":  # Keras's numpy backend cannot do mode="columns"
    regs["ortho_cols"] = regularizers.OrthogonalRegularizer(factor=0.2, mode="columns")
result["fwd_penalties"] = {name: r(ops.convert_to_tensor(W)) for name, r in regs.items()}
result["regularizer_configs"] = {name: [type(r).__name__, r.get_config(), regularizers.serialize(r)]
                                 for name, r in regs.items()}
result["fwd_reg_rt"] = {name: regularizers.deserialize(regularizers.serialize(r))(ops.convert_to_tensor(W)) for name, r in regs.items()}

cons = {
    "max_norm": constraints.MaxNorm(max_value=1.0, axis=0),
    "max_norm_rows": constraints.MaxNorm(max_value=0.5, axis=1),
    "min_max": constraints.MinMaxNorm(min_value=0.5, max_value=1.0, rate=0.5, axis=0),
    "non_neg": constraints.NonNeg(),
    "unit_norm": constraints.UnitNorm(axis=0),
    "str_unit_norm": constraints.get("unit_norm"),
}
result["fwd_projections"] = {name: c(keras.ops.convert_to_tensor(W)) for name, c in cons.items()}
result["constraint_configs"] = {name: [type(c).__name__, c.get_config(), constraints.serialize(c)]
                                for name, c in cons.items()}

# In a model: kernel/bias/activity regularizers feed model.losses; constraints apply after updates.
inp = keras.Input((4,))
h = layers.Dense(3, kernel_regularizer=regularizers.L2(0.1), bias_regularizer="l1",
                 activity_regularizer=regularizers.L1(0.01), kernel_constraint=constraints.MaxNorm(0.8),
                 bias_initializer="ones", name="reg_dense")(inp)
out = layers.Dense(1, kernel_regularizer=regularizers.OrthogonalRegularizer(0.05), name="out")(h)
model = keras.Model(inp, out)
model.set_weights([W, np.full(3, 0.5, "float32"), W[:3, :1], np.zeros(1, "float32")])
xin = rng.standard_normal((5, 4)).astype("float32")
model(xin)
result["fwd_model_losses"] = sorted(float(ops.convert_to_numpy(v)) for v in model.losses)
result["n_model_losses"] = len(model.losses)
result["reg_dense_config"] = {k: v for k, v in model.get_layer("reg_dense").get_config().items()
                              if k.endswith(("regularizer", "constraint"))}
if can_train():
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    y = rng.standard_normal((5, 1)).astype("float32")
    hist = model.fit(xin, y, epochs=3, batch_size=5, verbose=0)
    result["fit_loss"] = hist.history["loss"]
    kernel = ops.convert_to_numpy(model.get_layer("reg_dense").kernel)
    result["kernel_col_norms"] = np.sqrt((kernel ** 2).sum(0))
    result["weights"] = model.get_weights()
emit(result)
