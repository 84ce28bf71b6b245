"""kc.optimizers: every optimizer against a NumPy (float64) reference of its update rule.

Each reference runs 3 steps with fixed gradients on two variables (a matrix and
a vector) and is compared with kc's variables to 1e-6 relative.
"""

from __future__ import annotations

import numpy as np
import pytest
from kc_testing import BACKEND, to_numpy

import kc
from kc import optimizers as O

# float32 steps vs a float64 reference; the fused stateful kernels (torch foreach, tf
# ResourceApply*) round a few ulps differently from op-by-op updates.
RTOL, ATOL = 1e-6, (5e-6 if BACKEND in ("torch", "tensorflow") else 1e-6)


def f32(x):
    """A hyperparameter as kc holds it next to float32 variables (1 - 0.999 cancels in float32)."""
    return float(np.float32(x))
_rng = np.random.default_rng(0)
W0 = [_rng.normal(size=(3, 4)), _rng.normal(size=(4,))]
GRADS = [[_rng.normal(size=w.shape) for w in W0] for _ in range(3)]


# NumPy references: step(w, g, state, t, lr) -> w, each on float64 ----------------
def ref_sgd(momentum=0.0, nesterov=False):
    def step(w, g, s, t, lr):
        if not momentum:
            return w - lr * g
        s["m"] = momentum * s.get("m", 0 * w) - lr * g
        return w + (momentum * s["m"] - lr * g if nesterov else s["m"])
    return step


def ref_adam(b1=0.9, b2=0.999, eps=1e-7, amsgrad=False):
    def step(w, g, s, t, lr):
        s["m"] = b1 * s.get("m", 0 * w) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0 * w) + (1 - b2) * g * g
        v = s["v"]
        if amsgrad:
            s["vh"] = v = np.maximum(s.get("vh", 0 * w), v)
        return w - lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * s["m"] / (np.sqrt(v) + eps)
    return step


def ref_adamax(b1=0.9, b2=0.999, eps=1e-7):
    def step(w, g, s, t, lr):
        s["m"] = b1 * s.get("m", 0 * w) + (1 - b1) * g
        s["u"] = np.maximum(b2 * s.get("u", 0 * w), np.abs(g))
        return w - lr * s["m"] / ((1 - b1 ** t) * (s["u"] + eps))
    return step


def ref_nadam(b1=0.9, b2=0.999, eps=1e-7):
    def mu(t):
        return b1 * (1 - 0.5 * 0.96 ** t)

    def step(w, g, s, t, lr):
        prod = np.prod([mu(i) for i in range(1, t + 1)])
        s["m"] = b1 * s.get("m", 0 * w) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0 * w) + (1 - b2) * g * g
        m_hat = mu(t + 1) * s["m"] / (1 - prod * mu(t + 1)) + (1 - mu(t)) * g / (1 - prod)
        return w - lr * m_hat / (np.sqrt(s["v"] / (1 - b2 ** t)) + eps)
    return step


def ref_lamb(b1=0.9, b2=0.999, eps=1e-7):
    def step(w, g, s, t, lr):
        s["m"] = b1 * s.get("m", 0 * w) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0 * w) + (1 - b2) * g * g
        u = (s["m"] / (1 - b1 ** t)) / (np.sqrt(s["v"] / (1 - b2 ** t)) + eps)
        return w - lr * np.linalg.norm(w) / np.linalg.norm(u) * u
    return step


def ref_rmsprop(rho=0.9, momentum=0.0, eps=1e-7, centered=False):
    def step(w, g, s, t, lr):
        s["v"] = rho * s.get("v", 0 * w) + (1 - rho) * g * g
        d = s["v"]
        if centered:
            s["a"] = rho * s.get("a", 0 * w) + (1 - rho) * g
            d = d - s["a"] ** 2
        inc = lr * g / np.sqrt(d + eps)
        if momentum:
            s["m"] = momentum * s.get("m", 0 * w) + inc
            return w - s["m"]
        return w - inc
    return step


def ref_adagrad(init=0.1, eps=1e-7):
    def step(w, g, s, t, lr):
        s["a"] = s.get("a", 0 * w + init) + g * g
        return w - lr * g / np.sqrt(s["a"] + eps)
    return step


def ref_adadelta(rho=0.95, eps=1e-7):
    def step(w, g, s, t, lr):
        s["g"] = rho * s.get("g", 0 * w) + (1 - rho) * g * g
        d = -g * np.sqrt(s.get("d", 0 * w) + eps) / np.sqrt(s["g"] + eps)
        s["d"] = rho * s.get("d", 0 * w) + (1 - rho) * d * d
        return w + lr * d
    return step


def ref_ftrl(power=-0.5, init=0.1, l1=0.01, l2=0.01, l2s=0.01, beta=0.1):
    def step(w, g, s, t, lr):
        acc = s.get("n", 0 * w + init)
        new = acc + g * g
        sigma = (new ** -power - acc ** -power) / lr
        s["z"] = s.get("z", 0 * w) + (g + 2 * l2s * w) - sigma * w
        s["n"] = new
        quad = new ** -power / lr + 2 * (l2 + beta / (2 * lr))
        return (np.clip(s["z"], -l1, l1) - s["z"]) / quad
    return step


def ref_lion(b1=0.9, b2=0.99):
    def step(w, g, s, t, lr):
        m = s.get("m", 0 * w)
        s["m"] = b2 * m + (1 - b2) * g
        return w - lr * np.sign(b1 * m + (1 - b1) * g)
    return step


def ref_adafactor(decay=-0.8, e1=1e-30, e2=1e-3, clip=1.0, relative=True):
    def rms(x):
        return np.sqrt(np.mean(x * x))

    def step(w, g, s, t, lr):
        rho = min(lr, 1 / np.sqrt(t)) if relative else lr
        alpha = max(e2, rms(w)) * rho
        g2 = g * g + e1
        b = 1 - t ** decay
        if w.ndim >= 2:
            s["r"] = b * s.get("r", np.zeros(w.shape[:-1])) + (1 - b) * g2.mean(-1)
            s["c"] = b * s.get("c", np.zeros(w.shape[-1:])) + (1 - b) * g2.mean(-2)
            v = (s["r"] / s["r"].mean(-1, keepdims=True))[..., None] * s["c"][None, :]
        else:
            s["v"] = v = b * s.get("v", 0 * w) + (1 - b) * g2
        u = g / np.sqrt(v)
        return w - alpha * u / max(1.0, rms(u) / clip)
    return step


def ref_muon(momentum=0.95, a=3.4445, b=-4.775, c=2.0315, steps=5, rms_rate=0.2, wd=0.004,
             eps=1e-7):
    adam = ref_adam()

    def step(w, g, s, t, lr):
        w = w - lr * wd * w
        if w.ndim < 2:
            return adam(w, g, s, t, lr)
        s["m"] = momentum * s.get("m", 0 * w) + g
        x = g + momentum * s["m"]
        tr = x.shape[0] > x.shape[1]
        x = x.T if tr else x
        x = x / (np.linalg.norm(x) + eps)
        for _ in range(steps):
            A = x @ x.T
            x = a * x + (b * A + c * A @ A) @ x
        x = x.T if tr else x
        return w - lr * rms_rate * np.sqrt(max(w.shape)) * x
    return step


def ref_schedule_free(b1=0.9, b2=0.999, eps=1e-8, warmup=2, wd=0.0):
    # Keras 3.15: x averages z uniformly (c = 1/t); weight decay is the shared decoupled
    # one, applied to y before the step (z starts at the undecayed initial value).
    def step(y, g, s, t, lr):
        z = s.get("z", y.copy())
        y = y - lr * wd * y
        x = (y - (1 - b1) * z) / b1
        s["v"] = b2 * s.get("v", 0 * y) + (1 - b2) * g * g
        lr_t = lr * min(1, t / warmup) * np.sqrt(1 - b2 ** t)
        z = z - lr_t * g / (np.sqrt(s["v"]) + eps)
        x = (1 - 1 / t) * x + z / t
        s["z"] = z
        return (1 - b1) * z + b1 * x
    return step


def with_decay(ref, wd):
    def step(w, g, s, t, lr):
        return ref(w - lr * wd * w, g, s, t, lr)
    return step


CASES = [  # (id, make optimizer, reference, learning rate)
    ("sgd", lambda: O.SGD(0.1), ref_sgd(), 0.1),
    ("sgd_momentum", lambda: O.SGD(0.1, momentum=0.9), ref_sgd(0.9), 0.1),
    ("sgd_nesterov", lambda: O.SGD(0.1, momentum=0.9, nesterov=True), ref_sgd(0.9, True), 0.1),
    ("adam", lambda: O.Adam(0.1), ref_adam(), 0.1),
    ("adam_amsgrad", lambda: O.Adam(0.1, amsgrad=True), ref_adam(amsgrad=True), 0.1),
    ("adamw", lambda: O.AdamW(0.1, weight_decay=0.1), with_decay(ref_adam(), 0.1), 0.1),
    ("adamax", lambda: O.Adamax(0.1), ref_adamax(), 0.1),
    ("nadam", lambda: O.Nadam(0.1), ref_nadam(), 0.1),
    ("lamb", lambda: O.Lamb(0.1), ref_lamb(), 0.1),
    ("rmsprop", lambda: O.RMSprop(0.1), ref_rmsprop(), 0.1),
    ("rmsprop_centered", lambda: O.RMSprop(0.1, momentum=0.5, centered=True),
     ref_rmsprop(momentum=0.5, centered=True), 0.1),
    ("adagrad", lambda: O.Adagrad(0.1), ref_adagrad(), 0.1),
    ("adadelta", lambda: O.Adadelta(1.0), ref_adadelta(), 1.0),
    ("ftrl", lambda: O.Ftrl(0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.01,
                            l2_shrinkage_regularization_strength=0.01, beta=0.1), ref_ftrl(), 0.1),
    ("lion", lambda: O.Lion(0.1), ref_lion(), 0.1),
    ("adafactor", lambda: O.Adafactor(0.1), ref_adafactor(), 0.1),
    ("adafactor_absolute", lambda: O.Adafactor(0.1, relative_step=False),
     ref_adafactor(relative=False), 0.1),
    ("muon", lambda: O.Muon(0.1), ref_muon(), 0.1),
    ("schedule_free_adamw", lambda: O.ScheduleFreeAdamW(0.1, warmup_steps=2), ref_schedule_free(), 0.1),
    ("schedule_free_adamw_decay", lambda: O.ScheduleFreeAdamW(0.1, warmup_steps=2, weight_decay=0.1),
     ref_schedule_free(wd=0.1), 0.1),
    ("clipnorm", lambda: O.SGD(0.1, clipnorm=0.5), None, 0.1),
    ("global_clipnorm", lambda: O.SGD(0.1, global_clipnorm=0.5), None, 0.1),
    ("clipvalue", lambda: O.SGD(0.1, clipvalue=0.3), None, 0.1),
    ("weight_decay", lambda: O.SGD(0.1, weight_decay=0.2), with_decay(ref_sgd(), 0.2), 0.1),
    ("loss_scale_factor", lambda: O.Adam(0.1, loss_scale_factor=4.0), None, 0.1),
]


def _reference(case_id, ref, lr):
    ws = [w.copy() for w in W0]
    states = [{} for _ in ws]
    for t, grads in enumerate(GRADS, start=1):
        grads = [g.copy() for g in grads]
        if case_id == "clipnorm":
            grads = [g * 0.5 / max(np.linalg.norm(g), 0.5) for g in grads]
        elif case_id == "global_clipnorm":
            total = np.sqrt(sum(np.sum(g * g) for g in grads))
            grads = [g * 0.5 / max(total, 0.5) for g in grads]
        elif case_id == "clipvalue":
            grads = [np.clip(g, -0.3, 0.3) for g in grads]
        elif case_id == "loss_scale_factor":
            grads = [g / 4.0 for g in grads]
        step = ref or (ref_adam() if case_id == "loss_scale_factor" else ref_sgd())
        if ref is None and case_id == "loss_scale_factor":
            step = _LSF_REF
        ws = [step(w, g, s, t, lr) for w, g, s in zip(ws, grads, states)]
    return ws


_LSF_REF = ref_adam()


def _variables():
    return [kc.Variable(w.astype("float32"), name=f"w{i}") for i, w in enumerate(W0)]


def _grads(i):
    return [kc.ops.convert_to_tensor(g.astype("float32")) for g in GRADS[i]]


@pytest.mark.grad
@pytest.mark.parametrize("case_id,make,ref,lr", CASES, ids=[c[0] for c in CASES])
def test_three_steps_match_numpy_reference(case_id, make, ref, lr):
    variables = _variables()
    opt = make()
    for i in range(3):
        opt.apply(_grads(i), variables)
    for v, expected in zip(variables, _reference(case_id, ref, lr)):
        np.testing.assert_allclose(to_numpy(v.value), expected, rtol=RTOL, atol=ATOL)
    assert int(to_numpy(opt.iterations)) == 3


@pytest.mark.grad
@pytest.mark.parametrize("make", [lambda: O.Adam(0.1, amsgrad=True), lambda: O.Nadam(0.1),
                                  lambda: O.SGD(0.1, momentum=0.9, use_ema=True,
                                                gradient_accumulation_steps=2)],
                         ids=["adam", "nadam", "sgd_ema_accumulation"])
def test_stateless_apply_equals_apply(make):
    a, b = make(), make()
    va, vb = _variables(), _variables()
    b.build(vb)
    tv = [v.value for v in vb]
    ov = [v.value for v in b.variables]
    step = b.stateless_apply
    if BACKEND == "jax":
        import jax

        step = jax.jit(b.stateless_apply)
    for i in range(3):
        a.apply(_grads(i), va)
        tv, ov = step(ov, _grads(i), tv)
    # The stateful path is fused on torch (torch._foreach_*, bias correction in float64) and
    # tensorflow (ResourceApply* kernels): a few float32 ulps from the op-by-op rule.
    rtol, atol = (5e-5, 5e-6) if BACKEND in ("torch", "tensorflow") else (1e-6, 1e-6)
    for v, new in zip(va, tv):
        np.testing.assert_allclose(to_numpy(new), to_numpy(v.value), rtol=rtol, atol=atol)
    for v, new in zip(a.variables, ov):
        np.testing.assert_allclose(to_numpy(new), to_numpy(v.value), rtol=rtol, atol=atol)
    np.testing.assert_allclose(to_numpy(vb[0].value), W0[0].astype("float32"))  # untouched


def _scalar_run(opt, steps, grads=None):
    v = kc.Variable(np.array([1.0, 2.0], "float32"), name="w")
    for i in range(steps):
        g = np.array([0.5 * (i + 1), -1.0], "float32") if grads is None else grads[i]
        opt.apply([g], [v])
    return to_numpy(v.value)


@pytest.mark.grad
def test_gradient_accumulation_applies_mean_every_n_steps():
    opt = O.SGD(0.1, gradient_accumulation_steps=2)
    np.testing.assert_allclose(_scalar_run(opt, 1), [1.0, 2.0])
    opt = O.SGD(0.1, gradient_accumulation_steps=2)
    np.testing.assert_allclose(_scalar_run(opt, 2), [1 - 0.1 * 0.75, 2.1], rtol=1e-6)
    assert int(to_numpy(opt.iterations)) == 1
    opt = O.SGD(0.1, gradient_accumulation_steps=2)
    np.testing.assert_allclose(_scalar_run(opt, 4), [1 - 0.1 * (0.75 + 1.75), 2.2], rtol=1e-6)


@pytest.mark.grad
def test_ema_average_and_overwrite():
    opt = O.SGD(0.1, use_ema=True, ema_momentum=0.5)
    v = kc.Variable(np.array([1.0, 2.0], "float32"))
    for g in ([0.5, -1.0], [1.0, -1.0], [1.5, -1.0]):
        opt.apply([np.array(g, "float32")], [v])
    # variable: 0.95, 0.85, 0.70; average: first = variable, then 0.5 avg + 0.5 var
    np.testing.assert_allclose(to_numpy(v.value)[0], 0.70, rtol=1e-6)
    opt.finalize_variable_values([v])
    np.testing.assert_allclose(to_numpy(v.value), [0.8, 2.225], rtol=1e-6)
    opt = O.SGD(0.1, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2)
    np.testing.assert_allclose(_scalar_run(opt, 4), [0.6875, 2.275], rtol=1e-6)


@pytest.mark.grad
def test_schedule_learning_rate_is_evaluated_at_iterations():
    sched = O.schedules.ExponentialDecay(1.0, decay_steps=1, decay_rate=0.5)
    opt = O.SGD(sched)
    np.testing.assert_allclose(_scalar_run(opt, 3), [-0.375, 3.75], rtol=1e-6)
    np.testing.assert_allclose(float(to_numpy(opt.learning_rate)), 0.125)
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        opt.learning_rate = 0.1


@pytest.mark.grad
def test_constraint_none_gradient_and_overwrite_with_gradient():
    opt = O.SGD(1.0)
    a = kc.Variable(np.array([1.0, 2.0], "float32"), name="a")
    a.constraint = lambda x: kc.ops.clip(x, 0.0, 1.5)
    b = kc.Variable(np.array([3.0], "float32"), name="b")
    c = kc.Variable(np.array([5.0], "float32"), name="c")
    c.overwrite_with_gradient = True
    with pytest.warns(UserWarning, match="b"):
        opt.apply([np.array([0.5, 0.1], "float32"), None, np.array([7.0], "float32")], [a, b, c])
    np.testing.assert_allclose(to_numpy(a.value), [0.5, 1.5], rtol=1e-6)
    np.testing.assert_allclose(to_numpy(b.value), [3.0])
    np.testing.assert_allclose(to_numpy(c.value), [7.0])
    with pytest.raises(ValueError, match="no gradients"):
        opt.apply([None, None, None], [a, b, c])


@pytest.mark.grad
def test_exclude_from_weight_decay():
    opt = O.AdamW(0.1, weight_decay=0.5)
    a = kc.Variable(np.ones(2, "float32"), name="kernel")
    b = kc.Variable(np.ones(2, "float32"), name="bias")
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply([np.zeros(2, "float32"), np.zeros(2, "float32")], [a, b])
    np.testing.assert_allclose(to_numpy(a.value), [0.95, 0.95], rtol=1e-6)
    np.testing.assert_allclose(to_numpy(b.value), [1.0, 1.0])


@pytest.mark.grad
def test_loss_scale_optimizer_dynamic_scale():
    opt = O.LossScaleOptimizer(O.SGD(0.1), initial_scale=4.0, dynamic_growth_steps=2)
    v = kc.Variable(np.ones(2, "float32"))
    expected = [([0.9, 0.8], 4.0, 1), ([0.9, 0.8], 2.0, 1), ([0.7, 0.6], 2.0, 2),
                ([0.6, 0.5], 4.0, 3)]
    for g, (w, scale, it) in zip(([4.0, 8.0], [np.inf, 1.0], [4.0, 4.0], [2.0, 2.0]), expected):
        opt.apply([np.array(g, "float32")], [v])
        np.testing.assert_allclose(to_numpy(v.value), w, rtol=1e-6)
        assert float(to_numpy(opt.scale_loss(kc.ops.convert_to_tensor(1.0)))) == scale
        assert int(to_numpy(opt.iterations)) == it


@pytest.mark.grad
def test_multi_optimizer_routes_variables():
    opt = O.MultiOptimizer(O.OptimizerMap(O.SGD(0.1), {"enc": O.SGD(1.0)}))
    with kc.backend.name_scope("enc"):
        a = kc.Variable(np.ones(2, "float32"), name="k")
    b = kc.Variable(np.ones(2, "float32"), name="k2")
    opt.apply([np.ones(2, "float32"), np.ones(2, "float32")], [a, b])
    np.testing.assert_allclose(to_numpy(a.value), [0.0, 0.0], atol=1e-7)
    np.testing.assert_allclose(to_numpy(b.value), [0.9, 0.9], rtol=1e-6)
    assert len(opt.optimizers) == 2
    with pytest.raises(AttributeError, match="learning_rate"):
        opt.learning_rate


@pytest.mark.grad
def test_variables_order_and_names():
    opt = O.Adam(amsgrad=True, name="adam")
    a = kc.Variable(np.ones((2, 3), "float32"), name="a")
    b = kc.Variable(np.ones(3, "float32"), name="b")
    opt.build([a, b])
    assert [v.path for v in opt.variables] == [
        "adam/iteration", "adam/learning_rate", "adam/a_momentum", "adam/a_velocity",
        "adam/b_momentum", "adam/b_velocity", "adam/a_velocity_hat", "adam/b_velocity_hat"]



def test_variable_paths_match_keras():
    # Keras 3.15 names Adafactor's factors after the variable, keeps two int placeholders
    # (unscoped) for a rank-1 variable, and makes Nadam's product an unscoped "variable".
    k = kc.Variable(np.ones((2, 3), "float32"), name="kernel")
    b = kc.Variable(np.ones(3, "float32"), name="bias")
    opt = O.Adafactor(name="adafactor")
    opt.build([k, b])
    assert [v.path for v in opt.variables] == [
        "adafactor/iteration", "adafactor/learning_rate", "adafactor/kernel", "adafactor/kernel",
        "adafactor/kernel_velocity", "bias", "bias", "adafactor/bias_velocity"]
    assert [tuple(v.shape) for v in opt.variables[2:5]] == [(2,), (3,), (2, 3)]
    assert [kc.dtypes.standardize_dtype(v.dtype) for v in opt.variables[5:7]] == ["int32"] * 2
    opt = O.Nadam(name="nadam")
    opt.build([k, b])
    paths = [v.path for v in opt.variables]
    assert paths[:-1] == ["nadam/iteration", "nadam/learning_rate", "nadam/kernel_momentum",
                          "nadam/kernel_velocity", "nadam/bias_momentum", "nadam/bias_velocity"]
    assert paths[-1].split("_")[0] == "variable" and "/" not in paths[-1]
    assert float(to_numpy(opt.variables[-1])) == 1.0
    opt = O.ScheduleFreeAdamW(name="sf")
    opt.build([k, b])
    assert [v.path for v in opt.variables] == [
        "sf/iteration", "sf/learning_rate", "sf/kernel_momentum", "sf/kernel_velocity",
        "sf/bias_momentum", "sf/bias_velocity"]


# Construction, configs and errors (every backend, numpy included) --------------
ALL = ["SGD", "Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad", "Adadelta", "Adafactor",
       "Ftrl", "Lion", "Lamb", "Muon", "ScheduleFreeAdamW"]


@pytest.mark.parametrize("name", ALL)
def test_config_round_trip_and_serialize(name):
    opt = getattr(O, name)(learning_rate=0.5, clipnorm=1.0)
    config = opt.get_config()
    assert config["learning_rate"] == 0.5 and config["clipnorm"] == 1.0
    again = type(opt).from_config(config)
    assert again.get_config() == config
    ser = O.serialize(opt)
    assert ser["module"] == "keras.optimizers" and ser["class_name"] == name
    assert ser["registered_name"] is None
    assert O.deserialize(ser).get_config() == config


def test_default_configs_match_keras():
    assert O.Adam(name="adam").get_config() == {
        "name": "adam", "learning_rate": pytest.approx(0.001), "weight_decay": None,
        "clipnorm": None, "global_clipnorm": None, "clipvalue": None, "use_ema": False,
        "ema_momentum": 0.99, "ema_overwrite_frequency": None, "loss_scale_factor": None,
        "gradient_accumulation_steps": None, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
        "amsgrad": False}
    assert O.RMSprop().name.startswith("rm_sprop") and O.AdamW().name.startswith("adam_w")
    sched = O.schedules.CosineDecay(1.0, 10)
    assert O.SGD(sched).get_config()["learning_rate"]["class_name"] == "CosineDecay"
    assert isinstance(O.SGD.from_config(O.SGD(sched).get_config())._learning_rate,
                      O.schedules.CosineDecay)


def test_wrappers_config_round_trip():
    lso = O.LossScaleOptimizer(O.SGD(0.1), initial_scale=8.0)
    again = O.deserialize(O.serialize(lso))
    assert isinstance(again.inner_optimizer, O.SGD) and again.initial_scale == 8.0
    multi = O.MultiOptimizer(O.OptimizerMap(O.SGD(), {"enc/.*": O.Adam()}))
    config = O.serialize(multi)
    assert config["config"]["optimizer_map"]["class_name"] == "OptimizerMap"
    again = O.deserialize(config)
    assert isinstance(again.optimizer_map["enc/.*"], O.Adam)


@pytest.mark.parametrize("identifier,cls", [("adam", O.Adam), ("Adam", O.Adam), ("sgd", O.SGD),
                                            ("rmsprop", O.RMSprop), ("adamw", O.AdamW)])
def test_get_by_name(identifier, cls):
    assert type(O.get(identifier)) is cls
    opt = O.SGD()
    assert O.get(opt) is opt


def test_errors():
    with pytest.raises(ValueError, match="could not interpret optimizer identifier 'nope'"):
        O.get("nope")
    with pytest.raises(ValueError, match="learning_rate"):
        O.SGD(-0.1)
    with pytest.raises(ValueError, match="only one of"):
        O.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="not recognized"):
        O.Adam(foo=1)
    opt = O.SGD()
    with pytest.raises(ValueError, match="learning_rate"):
        opt.learning_rate = -1.0
    with pytest.raises(ValueError, match="built"):
        O.SGD().stateless_apply([], [], [])


def test_apply_with_array_gradients_works_on_every_backend():
    opt = O.SGD(0.5, momentum=0.5)
    v = kc.Variable(np.array([1.0, 2.0], "float32"))
    opt.apply([np.array([1.0, 1.0], "float32")], [v])
    opt.apply([np.array([1.0, 1.0], "float32")], [v])
    np.testing.assert_allclose(to_numpy(v.value), [1 - 0.5 - 0.75, 2 - 0.5 - 0.75], rtol=1e-6)
    opt.learning_rate = 0.25
    np.testing.assert_allclose(float(to_numpy(opt.learning_rate)), 0.25)


def test_legacy_optimizers_raise_import_error_naming_the_supported_one():
    with pytest.raises(ImportError, match="kc.optimizers.SGD"):
        kc.optimizers.legacy.SGD(learning_rate=0.1)


@pytest.mark.skipif(BACKEND not in ("tensorflow", "torch"), reason="fused stateful kernels")
@pytest.mark.parametrize("amsgrad,device_scalars", [(False, False), (True, False), (False, True)])
def test_fused_adam_in_compiled_step_matches_reference(amsgrad, device_scalars, monkeypatch):
    # tensorflow: ResourceApplyAdam* kernels inside tf.function; torch: torch._foreach_*,
    # with the step size as a Python float (CPU) or a device tensor (accelerators: no sync).
    if device_scalars:
        if BACKEND != "torch":
            pytest.skip("torch only")
        from kc.optimizers import _torch_fused

        monkeypatch.setattr(_torch_fused, "host_scalars", lambda params: False)
    variables = _variables()
    opt = O.Adam(0.1, amsgrad=amsgrad)
    opt.build(variables)

    def step(grads):
        opt.apply(grads, variables)
    if BACKEND == "tensorflow":
        import tensorflow as tf

        step = tf.function(step)
    for i in range(3):
        step(_grads(i))
    for v, expected in zip(variables, _reference("adam", ref_adam(amsgrad=amsgrad), 0.1)):
        np.testing.assert_allclose(to_numpy(v.value), expected, rtol=RTOL, atol=ATOL)
    assert int(to_numpy(opt.iterations)) == 3
