"""Every optimizer for 5 steps on a fixed least-squares problem from fixed weights (keras.io
"Optimizers", "Learning rate schedules"): plain, with clipnorm/clipvalue/global_clipnorm,
weight_decay, use_ema, gradient_accumulation_steps and a schedule; final weights,
iterations, learning_rate, get_config round trip. Schedules evaluated at fixed steps.
"""

import copy

import numpy as np

import keras
from keras import ops, optimizers
from keras.optimizers import schedules
from _common import can_train, emit

rng = np.random.default_rng(5)
A = rng.standard_normal((8, 3)).astype("float32")
b = rng.standard_normal((8, 2)).astype("float32")
W0 = (0.3 * rng.standard_normal((3, 2))).astype("float32")
B0 = (0.1 * rng.standard_normal((2,))).astype("float32")
result = {}

sched_cases = {
    "exp": schedules.ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5),
    "exp_stair": schedules.ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5, staircase=True),
    "piecewise": schedules.PiecewiseConstantDecay([2, 5], [0.1, 0.05, 0.01]),
    "poly": schedules.PolynomialDecay(0.1, decay_steps=6, end_learning_rate=0.01, power=2.0),
    "poly_cycle": schedules.PolynomialDecay(0.1, decay_steps=3, end_learning_rate=0.01, cycle=True),
    "inverse": schedules.InverseTimeDecay(0.1, decay_steps=2, decay_rate=0.5),
    "cosine": schedules.CosineDecay(0.1, decay_steps=6, alpha=0.1),
    "cosine_warmup": schedules.CosineDecay(0.0, decay_steps=6, warmup_target=0.2, warmup_steps=3),
    "restarts": schedules.CosineDecayRestarts(0.1, first_decay_steps=3, t_mul=2.0, m_mul=0.5),
}
result["fwd_schedules"] = {name: [s(step) for step in [0, 1, 2, 3, 5, 8, 12]] for name, s in sched_cases.items()}
result["schedule_configs"] = {name: s.get_config() for name, s in sched_cases.items()}
result["fwd_schedule_rt"] = {name: type(s).from_config(s.get_config())(4) for name, s in sched_cases.items()}

CASES = {
    "sgd": lambda: optimizers.SGD(0.1),
    "sgd_momentum_nesterov": lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "adam": lambda: optimizers.Adam(0.05),
    "adam_amsgrad": lambda: optimizers.Adam(0.05, amsgrad=True),
    "adamw": lambda: optimizers.AdamW(0.05, weight_decay=0.1),
    "adamax": lambda: optimizers.Adamax(0.05),
    "nadam": lambda: optimizers.Nadam(0.05),
    "rmsprop": lambda: optimizers.RMSprop(0.02),
    "rmsprop_centered_momentum": lambda: optimizers.RMSprop(0.02, momentum=0.5, centered=True),
    "adagrad": lambda: optimizers.Adagrad(0.1),
    "adadelta": lambda: optimizers.Adadelta(1.0),
    "adafactor": lambda: optimizers.Adafactor(0.05),
    "ftrl": lambda: optimizers.Ftrl(0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.01),
    "lion": lambda: optimizers.Lion(0.01),
    "lamb": lambda: optimizers.Lamb(0.05),
    "clipnorm": lambda: optimizers.SGD(0.1, clipnorm=0.5),
    "clipvalue": lambda: optimizers.Adam(0.05, clipvalue=0.1),
    "global_clipnorm": lambda: optimizers.SGD(0.1, global_clipnorm=0.5),
    "weight_decay_sgd": lambda: optimizers.SGD(0.1, weight_decay=0.05),
    "ema": lambda: optimizers.Adam(0.05, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=3),
    "accumulate": lambda: optimizers.SGD(0.1, momentum=0.5, gradient_accumulation_steps=2),
    "schedule": lambda: optimizers.Adam(schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)),
    "schedule_free": lambda: optimizers.ScheduleFreeAdamW(0.05, warmup_steps=2),
    "loss_scale": lambda: optimizers.LossScaleOptimizer(optimizers.SGD(0.1), initial_scale=8.0),
}


def grads_of(w, bias):
    # d/dW mean((A W + bias - b)^2) in closed form, so every backend feeds identical gradients
    w, bias = ops.convert_to_numpy(w), ops.convert_to_numpy(bias)
    r = 2.0 * (A @ w + bias - b) / b.size
    return (A.T @ r).astype("float32"), r.sum(0).astype("float32")


configs = {}
for name, make in CASES.items():
    opt = make()
    cfg = opt.get_config()
    configs[name] = cfg
    configs[name + "_rt"] = type(opt).from_config(copy.deepcopy(cfg)).get_config()
    for key in (name, name + "_rt"):
        inner = configs[key].get("inner_optimizer")
        if isinstance(inner, dict):  # Keras on torch names its backend class (torch_sgd) here
            configs[key]["inner_optimizer"] = inner["config"]
result["optimizer_configs"] = configs

if can_train():
    finals = {}
    for name, make in CASES.items():
        if name == "loss_scale":  # Keras's LossScaleOptimizer cannot apply eagerly on jax
            continue
        opt = make()
        w = keras.Variable(W0, name="w")
        bias = keras.Variable(B0, name="bias")
        for _ in range(5):
            gw, gb = grads_of(w, bias)
            opt.apply_gradients([(ops.convert_to_tensor(gw), w), (ops.convert_to_tensor(gb), bias)])
        if name == "ema":
            opt.finalize_variable_values([w, bias])
        lr = opt.learning_rate
        finals[name] = {
            "w": w, "bias": bias,
            "iterations": int(ops.convert_to_numpy(opt.iterations)),
            "learning_rate": float(ops.convert_to_numpy(lr)),
            "n_variables": len(opt.variables),
        }
    result["final"] = finals

    # Through fit: Dense on the same problem, one optimizer with a schedule and clipping
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.set_weights([W0, B0])
    model.compile(optimizer=optimizers.Adam(schedules.InverseTimeDecay(0.05, 2, 0.5), global_clipnorm=1.0),
                  loss="mse")
    hist = model.fit(A, b, batch_size=4, epochs=2, shuffle=False, verbose=0)
    result["fit_loss"] = hist.history["loss"]
    result["fit_weights"] = model.get_weights()
    result["fit_iterations"] = int(ops.convert_to_numpy(model.optimizer.iterations))
    result["fit_lr"] = float(ops.convert_to_numpy(model.optimizer.learning_rate))
emit(result)
