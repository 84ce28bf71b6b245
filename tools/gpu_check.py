"""Check kc's GPU paths on jax and torch (run on a machine with an NVIDIA GPU).

For each of jax and torch, in its own process: where tensors live, op values
against NumPy, a model's forward pass against a NumPy computation with the same
weights, `fit` (loss falls; steps/s of kc fit vs a hand-written native loop on
the GPU), the LSTM against a NumPy recurrence, and a weights round trip. Prints
one PASS/FAIL line per check with its numbers.

    PYTHONPATH=packages/kc-ops/src:... python tools/gpu_check.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import traceback

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _report(name, ok, **numbers):
    print(json.dumps({"check": name, "ok": bool(ok), **numbers}), flush=True)


def _check(name, fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - report every failure and go on
        _report(name, False, error=f"{type(exc).__name__}: {exc}",
                where=traceback.format_exc().splitlines()[-3:])


def _to_np(x):
    import kc

    return np.asarray(kc.ops.convert_to_numpy(x))


def child(backend: str) -> None:
    import kc
    from kc import ops

    def devices():
        x = ops.ones((2, 2))
        if backend == "torch":
            import torch

            where = str(x.device)
            _report("device", x.is_cuda, where=where, gpu=torch.cuda.get_device_name(0)
                    if torch.cuda.is_available() else None)
        else:
            import jax

            where = str(list(x.devices())[0])
            _report("device", jax.default_backend() == "gpu", where=where)

    def op_values():
        rng = np.random.default_rng(0)
        a = rng.normal(size=(64, 128)).astype("float32")
        b = rng.normal(size=(128, 32)).astype("float32")
        img = rng.normal(size=(2, 16, 16, 3)).astype("float32")
        ker = rng.normal(size=(3, 3, 3, 8)).astype("float32")
        errs = {
            "matmul": np.abs(_to_np(ops.matmul(a, b)) - a @ b).max() / np.abs(a @ b).max(),
            "softmax": np.abs(_to_np(ops.softmax(a)) - np.exp(a) / np.exp(a).sum(-1, keepdims=True)
                              ).max(),
            "sum": abs(float(_to_np(ops.sum(a))) - float(a.astype("float64").sum())),
        }
        conv = _to_np(ops.conv(img, ker, padding="valid"))
        ref = np.zeros((2, 14, 14, 8), "float32")
        for i in range(14):
            for j in range(14):
                ref[:, i, j] = np.tensordot(img[:, i:i + 3, j:j + 3], ker, axes=([1, 2, 3], [0, 1, 2]))
        errs["conv"] = np.abs(conv - ref).max() / np.abs(ref).max()
        errs = {k: float(v) for k, v in errs.items()}
        _report("op_values", all(v < 5e-3 for v in errs.values()), **errs)

    def model_forward():
        kc.utils.set_random_seed(0)
        model = kc.Sequential([kc.Input((20,)), kc.layers.Dense(32, activation="relu"),
                               kc.layers.Dense(5)])
        x = np.random.default_rng(1).normal(size=(8, 20)).astype("float32")
        w1, b1, w2, b2 = model.get_weights()
        ref = np.maximum(x @ w1 + b1, 0) @ w2 + b2
        err = float(np.abs(_to_np(model(x)) - ref).max())
        _report("model_forward", err < 5e-3, max_abs_err=err)

    def fit_and_speed():
        kc.utils.set_random_seed(0)
        rng = np.random.default_rng(0)
        n, batch, epochs = 128 * 40, 128, 3
        x = rng.normal(size=(n, 784)).astype("float32")
        y = rng.integers(0, 10, size=(n,)).astype("int32")
        model = kc.Sequential([kc.Input((784,)), kc.layers.Dense(512, activation="relu"),
                               kc.layers.Dense(512, activation="relu"), kc.layers.Dense(10)])
        model.compile(optimizer="adam",
                      loss=kc.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x, y, batch_size=batch, epochs=1, verbose=0)  # warm-up (compile)
        t0 = time.perf_counter()
        hist = model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0, shuffle=False)
        kc_sps = epochs * (n // batch) / (time.perf_counter() - t0)
        losses = hist.history["loss"]
        native_sps = _native_steps_per_second(backend, x, y, batch, epochs)
        _report("fit", losses[-1] < losses[0], losses=[round(v, 4) for v in losses],
                kc_steps_per_s=round(kc_sps, 1), native_steps_per_s=round(native_sps, 1),
                ratio=round(kc_sps / native_sps, 3))

    def lstm():
        kc.utils.set_random_seed(0)
        layer = kc.layers.LSTM(16, return_sequences=True)
        x = np.random.default_rng(2).normal(size=(4, 7, 8)).astype("float32")
        out = _to_np(layer(x))
        k, rk, b = layer.get_weights()
        h = np.zeros((4, 16), "float32")
        c = np.zeros((4, 16), "float32")
        sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
        ref = []
        for t in range(7):
            z = x[:, t] @ k + h @ rk + b
            i, f, g, o = np.split(z, 4, axis=-1)
            c = sig(f) * c + sig(i) * np.tanh(g)
            h = sig(o) * np.tanh(c)
            ref.append(h)
        err = float(np.abs(out - np.stack(ref, 1)).max())
        _report("lstm", err < 5e-3, max_abs_err=err)

    def weights_round_trip():
        model = kc.Sequential([kc.Input((4,)), kc.layers.Dense(3)])
        other = kc.Sequential([kc.Input((4,)), kc.layers.Dense(3)])
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.weights.h5")
            model.save_weights(path)
            other.load_weights(path)
        x = np.ones((2, 4), "float32")
        err = float(np.abs(_to_np(model(x)) - _to_np(other(x))).max())
        _report("weights_round_trip", err == 0.0, max_abs_err=err)

    for name, fn in [("device", devices), ("op_values", op_values),
                     ("model_forward", model_forward), ("fit", fit_and_speed), ("lstm", lstm),
                     ("weights_round_trip", weights_round_trip)]:
        _check(name, fn)


def _native_steps_per_second(backend, x, y, batch, epochs) -> float:
    steps = len(x) // batch
    if backend == "torch":
        import torch

        dev = "cuda" if torch.cuda.is_available() else "cpu"
        net = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(),
                                  torch.nn.Linear(512, 512), torch.nn.ReLU(),
                                  torch.nn.Linear(512, 10)).to(dev)
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, foreach=True)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y).long()
        loss_fn = torch.nn.CrossEntropyLoss()

        def epoch():
            for i in range(steps):
                xb = xt[i * batch:(i + 1) * batch].to(dev)
                yb = yt[i * batch:(i + 1) * batch].to(dev)
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(net(xb), yb)
                loss.backward()
                opt.step()
            torch.cuda.synchronize() if dev == "cuda" else None

        epoch()
        t0 = time.perf_counter()
        for _ in range(epochs):
            epoch()
        return epochs * steps / (time.perf_counter() - t0)
    import jax
    import jax.numpy as jnp
    import optax

    keys = jax.random.split(jax.random.PRNGKey(0), 3)
    sizes = [(784, 512), (512, 512), (512, 10)]
    params = [(jax.random.normal(k, s) * 0.05, jnp.zeros(s[1])) for k, s in zip(keys, sizes)]
    tx = optax.adam(1e-3)
    opt_state = tx.init(params)

    def loss_fn(p, xb, yb):
        h = xb
        for i, (w, b) in enumerate(p):
            h = h @ w + b
            if i < 2:
                h = jax.nn.relu(h)
        return optax.softmax_cross_entropy_with_integer_labels(h, yb).mean()

    @jax.jit
    def step(p, s, xb, yb):
        loss, g = jax.value_and_grad(loss_fn)(p, xb, yb)
        updates, s = tx.update(g, s, p)
        return optax.apply_updates(p, updates), s, loss

    def epoch(p, s):
        for i in range(steps):
            p, s, loss = step(p, s, x[i * batch:(i + 1) * batch], y[i * batch:(i + 1) * batch])
        loss.block_until_ready()
        return p, s

    params, opt_state = epoch(params, opt_state)
    t0 = time.perf_counter()
    for _ in range(epochs):
        params, opt_state = epoch(params, opt_state)
    return epochs * steps / (time.perf_counter() - t0)


def main() -> None:
    for backend in ("torch", "jax"):
        print(f"== {backend}", flush=True)
        env = dict(os.environ, KC_BACKEND=backend)
        proc = subprocess.run([sys.executable, __file__, "--child", backend], env=env,
                              capture_output=True, text=True, timeout=400)
        print(proc.stdout, end="")
        if proc.returncode != 0:
            print("\n".join(proc.stderr.splitlines()[-15:]))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
