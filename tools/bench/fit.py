"""Training speed: kc ``model.fit`` vs a hand-written native loop vs Keras 3 ``fit``.

Two models at batch 128, Adam(1e-3), sparse categorical crossentropy (from logits)
and accuracy, on synthetic channels_last data:
  mlp: 784 -> Dense 512 relu -> Dense 512 relu -> Dense 10
  cnn: 28x28x1 -> Conv2D 32 3x3 relu -> MaxPool 2 -> Conv2D 64 3x3 relu -> MaxPool 2
       -> Flatten -> Dense 10
Native loops: jax (jit value_and_grad + optax.adam, state donated), torch (nn.Module +
torch.optim.Adam(foreach=True)), tensorflow (tf.function step, tf.Variables, tf-ops
Adam). Each (backend, framework, model) runs in its own subprocess with one intra-op
thread; the first epoch (compilation, warm-up) is not timed. Runs are interleaved
(native, kc, keras, native, kc, ...) ``--reps`` times; the table gives median steps/s
(wall clock), the medians of per-repetition ratios by wall clock and by process CPU
time (steadier on a shared machine), and each framework's peak RSS (ru_maxrss).
Target (issue 9): kc/native >= 0.95 and kc/keras >= 1.

    uv run python tools/bench/fit.py [--backends jax,torch] [--models mlp] [--reps 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import SINGLE_THREAD_ENV, pin_threads  # noqa: E402

BATCH, STEPS, EPOCHS, LR = 128, 20, 3, 1e-3
FRAMEWORKS = ("native", "kc", "keras")


def _data(model: str):
    import numpy as np

    rng = np.random.default_rng(0)
    shape = (784,) if model == "mlp" else (28, 28, 1)
    x = rng.random((BATCH * STEPS,) + shape, dtype=np.float32)
    y = rng.integers(0, 10, BATCH * STEPS).astype("int32")
    return x, y


def _clock():
    return time.perf_counter(), time.process_time()


def _elapsed(start):
    """(wall, CPU) seconds since ``start``; CPU time (all threads of the process) is the
    steadier measure on a loaded machine, as every run here computes on one thread."""
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


# -- kc and Keras: model.fit ---------------------------------------------------------------

def _lib_model(lib, model: str):
    L = lib.layers
    if model == "mlp":
        layers = [lib.Input((784,)), L.Dense(512, activation="relu"),
                  L.Dense(512, activation="relu"), L.Dense(10)]
    else:
        layers = [lib.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
                  L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(), L.Dense(10)]
    net = lib.Sequential(layers)
    net.compile(optimizer=lib.optimizers.Adam(LR),
                loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=["accuracy"])
    return net


def _run_fit(lib, model: str, epochs: int) -> list:
    x, y = _data(model)
    net = _lib_model(lib, model)
    times = []

    class Timer(lib.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = _clock()

        def on_epoch_end(self, epoch, logs=None):
            times.append(_elapsed(self.start))

    net.fit(x, y, batch_size=BATCH, epochs=epochs + 1, verbose=0, callbacks=[Timer()])
    return times[1:]


# -- native loops ----------------------------------------------------------------------------

def _init_params(model: str):
    import numpy as np

    rng = np.random.default_rng(1)

    def glorot(*shape):
        fan_in, fan_out = int(np.prod(shape[:-1])), shape[-1]
        if len(shape) == 4:
            fan_in, fan_out = shape[0] * shape[1] * shape[2], shape[0] * shape[1] * shape[3]
        limit = np.sqrt(6 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, shape).astype("float32")

    if model == "mlp":
        shapes = [(784, 512), (512, 512), (512, 10)]
    else:
        shapes = [(3, 3, 1, 32), (3, 3, 32, 64), (5 * 5 * 64, 10)]
    return [(glorot(*s), np.zeros(s[-1], "float32")) for s in shapes]


def _batches(x, y, rng):
    order = rng.permutation(len(x))
    for i in range(STEPS):
        idx = order[i * BATCH:(i + 1) * BATCH]
        yield x[idx], y[idx]


def _native_jax(model: str, epochs: int) -> list:
    import jax
    import jax.numpy as jnp
    import numpy as np
    import optax

    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in _init_params(model)]

    def forward(p, x):
        if model == "mlp":
            h = jax.nn.relu(x @ p[0][0] + p[0][1])
            h = jax.nn.relu(h @ p[1][0] + p[1][1])
        else:
            h = x
            for w, b in p[:2]:
                h = jax.lax.conv_general_dilated(h, w, (1, 1), "VALID",
                                                 dimension_numbers=("NHWC", "HWIO", "NHWC"))
                h = jax.nn.relu(h + b)
                h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1),
                                          "VALID")
            h = h.reshape(h.shape[0], -1)
        return h @ p[2][0] + p[2][1]

    tx = optax.adam(LR, eps=1e-7)

    def loss_fn(p, x, y):
        logits = forward(p, x)
        loss = optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()
        return loss, logits

    def step(state, x, y):
        p, opt_state, sums = state
        (loss, logits), grads = jax.value_and_grad(loss_fn, has_aux=True)(p, x, y)
        updates, opt_state = tx.update(grads, opt_state, p)
        acc = jnp.mean((jnp.argmax(logits, -1) == y).astype(jnp.float32))
        return optax.apply_updates(p, updates), opt_state, sums + jnp.stack([loss, acc, 1.0])

    step = jax.jit(step, donate_argnums=(0,))
    state = (params, tx.init(params), jnp.zeros(3))
    x, y = _data(model)
    rng = np.random.default_rng(0)
    times = []
    for _ in range(epochs + 1):
        start = _clock()
        state = (state[0], state[1], jnp.zeros(3))
        for xb, yb in _batches(x, y, rng):
            state = step(state, xb, yb)
        float(state[2][0] / state[2][2])  # epoch-end logs, as fit reads them
        times.append(_elapsed(start))
    return times[1:]


def _native_torch(model: str, epochs: int) -> list:
    import numpy as np
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            if model == "mlp":
                self.body = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512),
                                          nn.ReLU(), nn.Linear(512, 10))
            else:
                self.body = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                                          nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                                          nn.Flatten(), nn.Linear(5 * 5 * 64, 10))

        def forward(self, x):
            if model == "cnn":
                x = x.permute(0, 3, 1, 2)  # the channels_last data Keras users feed
            return self.body(x)

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=LR, eps=1e-7, foreach=True)
    loss_fn = nn.CrossEntropyLoss()
    x, y = _data(model)
    rng = np.random.default_rng(0)
    times = []
    for _ in range(epochs + 1):
        start = _clock()
        sums = torch.zeros(3)
        for xb, yb in _batches(x, y, rng):
            xb, yb = torch.from_numpy(xb), torch.from_numpy(yb).long()
            logits = net(xb)
            loss = loss_fn(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                acc = (logits.argmax(-1) == yb).float().mean()
                sums += torch.stack([loss.detach(), acc, torch.ones(())])
        float(sums[0] / sums[2])
        times.append(_elapsed(start))
    return times[1:]


def _native_tensorflow(model: str, epochs: int) -> list:
    import numpy as np
    import tensorflow as tf

    params = [tf.Variable(a) for pair in _init_params(model) for a in pair]
    ms = [tf.Variable(tf.zeros_like(p)) for p in params]
    vs = [tf.Variable(tf.zeros_like(p)) for p in params]
    t = tf.Variable(0.0)
    sums = tf.Variable(tf.zeros(3))
    b1, b2, eps = 0.9, 0.999, 1e-7

    def forward(x):
        if model == "mlp":
            h = tf.nn.relu(tf.matmul(x, params[0]) + params[1])
            h = tf.nn.relu(tf.matmul(h, params[2]) + params[3])
        else:
            h = x
            for i in (0, 2):
                h = tf.nn.relu(tf.nn.conv2d(h, params[i], 1, "VALID") + params[i + 1])
                h = tf.nn.max_pool2d(h, 2, 2, "VALID")
            h = tf.reshape(h, (tf.shape(h)[0], -1))
        return tf.matmul(h, params[4]) + params[5]

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            logits = forward(x)
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        grads = tape.gradient(loss, params)
        t.assign_add(1.0)
        alpha = LR * tf.sqrt(1 - tf.pow(b2, t)) / (1 - tf.pow(b1, t))
        for p, m, v, g in zip(params, ms, vs, grads):
            m.assign_add((g - m) * (1 - b1))
            v.assign_add((g * g - v) * (1 - b2))
            p.assign_sub(alpha * m / (tf.sqrt(v) + eps))
        acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, -1, output_type=tf.int32), y),
                                     tf.float32))
        sums.assign_add(tf.stack([loss, acc, 1.0]))

    x, y = _data(model)
    rng = np.random.default_rng(0)
    times = []
    for _ in range(epochs + 1):
        start = _clock()
        sums.assign(tf.zeros(3))
        for xb, yb in _batches(x, y, rng):
            step(tf.convert_to_tensor(xb), tf.convert_to_tensor(yb))
        float(sums[0] / sums[2])
        times.append(_elapsed(start))
    return times[1:]


def child(framework: str, model: str, epochs: int) -> None:
    pin_threads()
    backend = os.environ["KC_BACKEND"]
    if backend == "torch":
        import torch

        torch.set_num_threads(1)
    if framework == "native":
        times = {"jax": _native_jax, "torch": _native_torch,
                 "tensorflow": _native_tensorflow}[backend](model, epochs)
    else:
        import importlib

        lib = importlib.import_module(framework)
        times = _run_fit(lib, model, epochs)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"steps_per_s": STEPS / statistics.median(t[0] for t in times),
                      "cpu_steps_per_s": STEPS / statistics.median(t[1] for t in times),
                      "rss_mb": rss_mb}))


def _run(backend: str, framework: str, model: str, epochs: int) -> dict:
    env = dict(os.environ, **SINGLE_THREAD_ENV, KC_BACKEND=backend, KERAS_BACKEND=backend)
    proc = subprocess.run([sys.executable, __file__, "--child", framework, model, str(epochs)],
                          env=env, capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1][:100]}
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="jax,torch,tensorflow")
    parser.add_argument("--models", default="mlp,cnn")
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()
    frameworks = args.frameworks.split(",")
    print(f"{'backend':<11}{'model':<6}" + "".join(f"{f + ' st/s':>13}{'MB':>6}" for f in frameworks)
          + f"{'kc/native':>11}{'(cpu)':>7}{'kc/keras':>10}{'(cpu)':>7}")
    worst = None
    for backend in args.backends.split(","):
        for model in args.models.split(","):
            runs = {f: [] for f in frameworks}
            for _ in range(args.reps):
                for f in frameworks:
                    runs[f].append(_run(backend, f, model, args.epochs))
            cells = ""
            for f in frameworks:
                done = [r for r in runs[f] if "error" not in r]
                if not done:
                    cells += f"{'error':>13}{'':>6}"
                    print(f"  {backend}/{model}/{f}: {runs[f][0]['error']}", file=sys.stderr)
                    continue
                rss = max(r["rss_mb"] for r in done)
                cells += f"{statistics.median(r['steps_per_s'] for r in done):>13.2f}{rss:>6.0f}"

            def ratio(a, b, key):
                pairs = [x[key] / y[key] for x, y in zip(runs.get(a, []), runs.get(b, []))
                         if "error" not in x and "error" not in y]
                return statistics.median(pairs) if pairs else None
            ratios = [ratio("kc", "native", "steps_per_s"), ratio("kc", "native", "cpu_steps_per_s"),
                      ratio("kc", "keras", "steps_per_s"), ratio("kc", "keras", "cpu_steps_per_s")]
            if ratios[1] is not None:
                worst = ratios[1] if worst is None else min(worst, ratios[1])
            text = [f"{r:.2f}" if r is not None else "-" for r in ratios]
            print(f"{backend:<11}{model:<6}{cells}{text[0]:>11}{text[1]:>7}{text[2]:>10}{text[3]:>7}",
                  flush=True)
    if worst is not None:
        print(f"worst kc/native (CPU time): {worst:.2f} (target >= 0.95)")


if __name__ == "__main__":
    if "--child" in sys.argv:
        i = sys.argv.index("--child")
        child(sys.argv[i + 1], sys.argv[i + 2], int(sys.argv[i + 3]))
    else:
        main()
