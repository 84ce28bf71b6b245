"""LSTM forward + backward: kc.layers.LSTM(128) against the framework's own LSTM, and Keras 3.

Per backend, a (32, 50, 64) batch, 128 units, last output summed, gradients with
respect to the input and the weights, one intra-op thread. Prints kc/native and
Keras/native time ratios (issue 6 target: kc/native <= 1.5).

Native side per backend:
  torch       torch.nn.LSTM (batch_first), autograd (the fused ATen LSTM on CPU);
  jax         an LSTM written with lax.scan, under jax.jit(jax.grad(...)); kc under the same
              jax.jit(jax.grad(...)) of ``layer.stateless_call``;
  tensorflow  an LSTM written with tf.while_loop (tf.TensorArray), GradientTape, both inside
              tf.function (as a train step runs); kc's layer called inside the same kind of
              tf.function. The eager kc time is printed too, for information.
  numpy       kc forward only, no ratio.
Keras 3 (when installed) runs its own LSTM layer the same way as kc on each backend.

    uv run python tools/bench/lstm.py
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _common import best_time, keras_or_none, pin_threads, run_per_backend  # noqa: E402

BATCH, STEPS, FEATURES, UNITS = 32, 50, 64, 128


def _weights(rng):
    import numpy as np

    scale = 1 / np.sqrt(UNITS)
    return [rng.uniform(-scale, scale, s).astype("float32")
            for s in ((FEATURES, 4 * UNITS), (UNITS, 4 * UNITS), (4 * UNITS,))]


def _layer_steps(backend, module, x, weights):
    """A step running ``module.layers.LSTM`` (kc or Keras) forward + backward once."""
    layer = module.layers.LSTM(UNITS)
    layer.build(tuple(x.shape))
    layer.set_weights(weights)
    if backend == "jax":
        import jax

        tv = [v.value for v in layer.trainable_variables]
        ntv = [v.value for v in layer.non_trainable_variables]

        def loss(tv, x):
            return layer.stateless_call(tv, ntv, x)[0].sum()

        grad = jax.jit(jax.grad(loss, (0, 1)))
        return lambda: jax.block_until_ready(grad(tv, x))
    if backend == "torch":
        import torch

        xt = torch.as_tensor(x).requires_grad_(True)
        params = [v.value for v in layer.trainable_variables]

        def step():
            xt.grad = None
            for p in params:
                p.grad = None
            layer(xt).sum().backward()

        return step
    import tensorflow as tf

    xt = tf.constant(x)
    variables = list(layer.trainable_variables)

    def run():
        with tf.GradientTape() as tape:
            tape.watch(xt)
            loss = tf.reduce_sum(layer(xt))
        return tape.gradient(loss, [xt] + variables)

    compiled = tf.function(run)
    return (lambda: [g.numpy() for g in compiled()]), (lambda: [g.numpy() for g in run()])


def _native_step(backend, x, weights):
    import numpy as np

    kernel, recurrent, bias = weights
    if backend == "jax":
        import jax
        import jax.numpy as jnp
        from jax import lax

        def loss(params, x):
            k, r, b = params

            def cell(carry, x_t):
                h, c = carry
                z = x_t @ k + h @ r + b
                i, f, g, o = jnp.split(z, 4, axis=-1)
                c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
                h = jax.nn.sigmoid(o) * jnp.tanh(c)
                return (h, c), None

            zeros = jnp.zeros((x.shape[0], UNITS), x.dtype)
            (h, _), _ = lax.scan(cell, (zeros, zeros), jnp.swapaxes(x, 0, 1))
            return h.sum()

        grad = jax.jit(jax.grad(loss, (0, 1)))
        params = [jnp.asarray(w) for w in weights]
        xj = jnp.asarray(x)
        return lambda: jax.block_until_ready(grad(params, xj))
    if backend == "torch":
        import torch

        lstm = torch.nn.LSTM(FEATURES, UNITS, batch_first=True)
        with torch.no_grad():  # torch holds (4 * units, in) per matrix; biases b_ih + b_hh
            lstm.weight_ih_l0.copy_(torch.as_tensor(kernel.T))
            lstm.weight_hh_l0.copy_(torch.as_tensor(recurrent.T))
            lstm.bias_ih_l0.copy_(torch.as_tensor(bias))
            lstm.bias_hh_l0.zero_()
        xt = torch.as_tensor(x).requires_grad_(True)

        def step():
            xt.grad = None
            lstm.zero_grad()
            lstm(xt)[0][:, -1].sum().backward()

        return step
    import tensorflow as tf

    k, r, b = (tf.Variable(w) for w in weights)
    xt = tf.constant(x)

    @tf.function
    def run():
        with tf.GradientTape() as tape:
            tape.watch(xt)
            xs = tf.transpose(xt, (1, 0, 2))
            zeros = tf.zeros((BATCH, UNITS))

            def body(t, h, c):
                z = xs[t] @ k + h @ r + b
                i, f, g, o = tf.split(z, 4, axis=-1)
                c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
                return t + 1, tf.sigmoid(o) * tf.tanh(c), c

            _, h, _ = tf.while_loop(lambda t, h, c: t < STEPS, body, (0, zeros, zeros))
            loss = tf.reduce_sum(h)
        return tape.gradient(loss, [xt, k, r, b])

    return lambda: [g.numpy() for g in run()]


def _time_pair(a, b, rounds=3):
    """Best times of ``a`` and ``b``, alternated so that machine load hits both alike."""
    ta = tb = float("inf")
    for _ in range(rounds):
        ta = min(ta, best_time(a, number=2, repeat=3))
        tb = min(tb, best_time(b, number=2, repeat=3))
    return ta, tb


def child() -> None:
    pin_threads()
    import numpy as np

    import kc

    backend = kc.config.backend()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, STEPS, FEATURES), dtype=np.float32)
    weights = _weights(rng)
    if backend == "numpy":
        layer = kc.layers.LSTM(UNITS)
        t_kc = best_time(lambda: layer(x), number=1, repeat=3)
        print(json.dumps({"kc_ms": t_kc * 1e3}))
        return
    if backend == "torch":
        import torch

        torch.set_num_threads(1)
    kc_step = _layer_steps(backend, kc, x, weights)
    eager = None
    if isinstance(kc_step, tuple):
        kc_step, eager = kc_step
    native = _native_step(backend, x, weights)
    t_kc, t_native = _time_pair(kc_step, native)
    result = {"native_ms": t_native * 1e3, "kc_ms": t_kc * 1e3, "kc_ratio": t_kc / t_native}
    if eager is not None:
        result["kc_eager_ms"] = best_time(eager, number=1, repeat=3) * 1e3
    keras = keras_or_none()
    if keras is not None:
        keras_step = _layer_steps(backend, keras, x, weights)
        keras_step = keras_step[0] if isinstance(keras_step, tuple) else keras_step
        t_keras = best_time(keras_step, number=1, repeat=3)
        result["keras_ms"] = t_keras * 1e3
        result["keras_ratio"] = t_keras / t_native
    print(json.dumps(result))


def main() -> None:
    backends = [a for a in sys.argv[1:]] or None
    results = run_per_backend(__file__, **({"backends": backends} if backends else {}))
    print(f"{'backend':<11}{'native ms':>10}{'kc ms':>9}{'kc/native':>11}{'keras ms':>10}"
          f"{'keras/native':>14}")
    worst = 0.0
    for backend, r in results.items():
        if "error" in r:
            print(f"{backend:<11}error: {r['error']}")
        elif "kc_ratio" not in r:
            print(f"{backend:<11}{'-':>10}{r['kc_ms']:>9.1f}{'-':>11}   (forward only)")
        else:
            keras = (f"{r['keras_ms']:>10.1f}{r['keras_ratio']:>14.2f}" if "keras_ms" in r
                     else f"{'-':>10}{'-':>14}")
            extra = f"   (kc eager {r['kc_eager_ms']:.1f} ms)" if "kc_eager_ms" in r else ""
            print(f"{backend:<11}{r['native_ms']:>10.1f}{r['kc_ms']:>9.1f}{r['kc_ratio']:>11.2f}"
                  f"{keras}{extra}")
            worst = max(worst, r["kc_ratio"])
    print(f"worst kc/native (forward + backward): {worst:.2f} (target <= 1.50)")


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
