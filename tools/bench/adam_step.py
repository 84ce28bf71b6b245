"""Time of one Adam step over a 10M-parameter model (10 variables of 1M): kc vs native vs Keras 3.

Native: optax.adam jitted (jax; a hand-written jitted jnp Adam when optax is
absent), torch.optim.Adam(foreach=True) (torch), hand-written tf ops Adam in a
tf.function (tensorflow). kc and Keras run their stateless_apply under jax.jit
on jax, apply() eagerly on torch, apply() inside tf.function on tensorflow.
Target: kc/native <= 1.2 (median of interleaved rounds).

    uv run python tools/bench/adam_step.py
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _common import (interleaved, keras_or_none, median_ratio, pin_threads,  # noqa: E402
                     run_per_backend)

N_VARS, SIZE, NUMBER = 10, 1_000_000, 5


def _data():
    import numpy as np

    rng = np.random.default_rng(0)
    ws = [rng.normal(size=(SIZE,)).astype("float32") for _ in range(N_VARS)]
    gs = [rng.normal(size=(SIZE,)).astype("float32") for _ in range(N_VARS)]
    return ws, gs


def _framework_step(lib, backend, ws, gs):
    """A zero-argument callable doing one Adam step with kc or Keras (``lib``)."""
    variables = [lib.Variable(w) for w in ws]
    opt = lib.optimizers.Adam(learning_rate=1e-3)
    grads = [lib.ops.convert_to_tensor(g) for g in gs]
    opt.build(variables)
    if backend == "jax":
        import jax

        state = {"tv": [v.value for v in variables], "ov": [v.value for v in opt.variables]}

        def apply(tv, ov, g):
            return opt.stateless_apply(ov, g, tv)
        # Donated arguments in the outputs' order: jax pairs donated buffers with outputs
        # of the same shape in order, so (ov, .., tv) would alias new weights to old
        # moments and make XLA copy every buffer (~4x slower).
        step = jax.jit(apply, donate_argnums=(0, 1))

        def run():
            state["tv"], state["ov"] = step(state["tv"], state["ov"], grads)
            jax.block_until_ready(state["tv"])
        return run
    if backend == "tensorflow":
        import tensorflow as tf

        fn = tf.function(lambda: opt.apply(grads, variables))
        return lambda: fn()
    return lambda: opt.apply(grads, variables)


def _native_step(backend, ws, gs):
    b1, b2, eps, lr = 0.9, 0.999, 1e-7, 1e-3
    if backend == "torch":
        import torch

        params = [torch.nn.Parameter(torch.from_numpy(w.copy())) for w in ws]
        for p, g in zip(params, gs):
            p.grad = torch.from_numpy(g.copy())
        opt = torch.optim.Adam(params, lr=lr, eps=eps, foreach=True)
        return opt.step, "torch.optim.Adam(foreach=True)"
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        grads = [jnp.asarray(g) for g in gs]
        try:
            import optax

            tx = optax.adam(lr, b1=b1, b2=b2, eps=eps)
            state = {"p": [jnp.asarray(w) for w in ws]}
            state["s"] = tx.init(state["p"])

            @jax.jit
            def step(p, s, g):
                updates, s = tx.update(g, s, p)
                return optax.apply_updates(p, updates), s
            label = "optax.adam (jit)"
        except ImportError:
            state = {"p": [jnp.asarray(w) for w in ws]}
            state["s"] = ([jnp.zeros_like(w) for w in state["p"]],
                          [jnp.zeros_like(w) for w in state["p"]], jnp.zeros((), "int32"))

            @jax.jit
            def step(p, s, g):
                m, v, t = s
                t = t + 1
                m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
                v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
                a = lr * jnp.sqrt(1 - b2 ** t) / (1 - b1 ** t)
                p = [pi - a * mi / (jnp.sqrt(vi) + eps) for pi, mi, vi in zip(p, m, v)]
                return p, (m, v, t)
            label = "hand-written jnp Adam (jit; optax absent)"
        step = jax.jit(step.__wrapped__ if hasattr(step, "__wrapped__") else step,
                       donate_argnums=(0, 1))

        def run():
            state["p"], state["s"] = step(state["p"], state["s"], grads)
            jax.block_until_ready(state["p"])
        return run, label
    import tensorflow as tf

    params = [tf.Variable(w) for w in ws]
    ms = [tf.Variable(tf.zeros_like(w)) for w in ws]
    vs = [tf.Variable(tf.zeros_like(w)) for w in ws]
    t = tf.Variable(0.0)
    grads = [tf.constant(g) for g in gs]

    @tf.function
    def step():
        t.assign_add(1.0)
        a = lr * tf.sqrt(1 - tf.pow(b2, t)) / (1 - tf.pow(b1, t))
        for p, m, v, g in zip(params, ms, vs, grads):
            m.assign_add((g - m) * (1 - b1))
            v.assign_add((g * g - v) * (1 - b2))
            p.assign_sub(a * m / (tf.sqrt(v) + eps))
    return step, "hand-written tf ops Adam (tf.function)"


def child() -> None:
    pin_threads()
    import kc

    backend = kc.config.backend()
    ws, gs = _data()
    native, label = _native_step(backend, ws, gs)
    fns = {"native": native, "kc": _framework_step(kc, backend, ws, gs)}
    keras = keras_or_none()
    keras_error = None
    if keras is not None:
        try:
            fns["keras"] = _framework_step(keras, backend, ws, gs)
        except Exception as e:  # noqa: BLE001 - report, do not fail the kc numbers
            keras_error = repr(e)[:120]
    times = interleaved(fns, number=NUMBER, rounds=7)
    row = {"native": label, "native_ms": min(times["native"]) * 1e3,
           "kc_ms": min(times["kc"]) * 1e3, "kc_ratio": median_ratio(times, "kc", "native")}
    if "keras" in times:
        row.update(keras_ms=min(times["keras"]) * 1e3,
                   keras_ratio=median_ratio(times, "keras", "native"))
    if keras_error:
        row["keras_error"] = keras_error
    print(json.dumps(row))


def main() -> None:
    backends = tuple(sys.argv[1:]) or ("jax", "torch", "tensorflow")
    results = run_per_backend(__file__, backends=backends)
    print(f"{'backend':<11}{'native ms':>10}{'kc ms':>9}{'kc/native':>11}{'keras/native':>14}  native")
    worst = 0.0
    for backend, row in results.items():
        if "error" in row:
            print(f"{backend:<11}error: {row['error']}")
            continue
        keras = f"{row['keras_ratio']:.2f}" if "keras_ratio" in row else "-"
        print(f"{backend:<11}{row['native_ms']:>10.2f}{row['kc_ms']:>9.2f}{row['kc_ratio']:>11.2f}"
              f"{keras:>14}  {row['native']}")
        worst = max(worst, row["kc_ratio"])
    print(f"worst kc/native: {worst:.2f} (target <= 1.2)")


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        main()
