"""Steps/s of kc's torch/tf train function vs a native loop. Usage: bench.py BACKEND MODEL [jit]"""
import os, sys, time, statistics
backend, which = sys.argv[1], sys.argv[2]
jit = len(sys.argv) > 3 and sys.argv[3] == "jit"
os.environ["KC_BACKEND"] = backend
for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
    os.environ[k] = "1"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
sys.path.insert(0, "/tmp/tt")
B = 128
rng = np.random.default_rng(0)
if which == "mlp":
    xs = rng.standard_normal((8, B, 784)).astype("float32")
else:
    xs = rng.standard_normal((8, B, 28, 28, 1)).astype("float32")
ys = rng.integers(0, 10, (8, B)).astype("int64")
STEPS = int(os.environ.get("STEPS", 30))

def kc_setup():
    import kc
    if os.environ.get("SHIM"):
        import shim; shim.patch()
    from kc import layers
    if which == "mlp":
        model = kc.Sequential([kc.Input((784,)), layers.Dense(512, activation="relu"),
                               layers.Dense(512, activation="relu"), layers.Dense(10)])
    else:
        model = kc.Sequential([kc.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
                               layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"),
                               layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(10)])
    model.compile(optimizer=kc.optimizers.Adam(1e-3),
                  loss=kc.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], jit_compile=jit)

    return model

def kc_fn():
    import kc
    model = kc_setup()
    if os.environ.get("SHIM"):
        import shim
        tr = shim.get_trainer(model)
    else:
        import importlib, kc.train._backends as B
        if not hasattr(B, "get_trainer"):
            def get_trainer(model):
                if model._kc_trainer_state is None:
                    model._kc_trainer_state = importlib.import_module(f"kc.train._backends.{kc.config.backend()}").Trainer(model)
                return model._kc_trainer_state
            B.get_trainer = get_trainer
        tr = B.get_trainer(model)
    fn = tr.make_train_function()
    tr.begin("train")
    conv = kc.backend.convert_to_tensor
    batches = [[(conv(xs[i]), conv(ys[i]))] for i in range(8)]
    state = {"i": 0}
    def step():
        state["i"] += 1
        return fn(batches[state["i"] % 8])
    def sync(logs):
        float(kc.backend.convert_to_numpy(logs["loss"]))
    return step, sync, model

def torch_native():
    import torch
    from torch import nn
    torch.set_num_threads(1)
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    if which == "mlp":
        net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
        X = [torch.from_numpy(x) for x in xs]
    else:
        net = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 5 * 5, 10))
        X = [torch.from_numpy(x).permute(0, 3, 1, 2).contiguous() for x in xs]
    Y = [torch.from_numpy(y).to(dev) for y in ys]
    X = [x.to(dev) for x in X]
    net = net.to(dev)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, foreach=True)
    lossf = nn.CrossEntropyLoss()
    state = {"i": 0}
    def step():
        i = state["i"] = (state["i"] + 1) % 8
        opt.zero_grad(set_to_none=True)
        loss = lossf(net(X[i]), Y[i])
        loss.backward()
        opt.step()
        return {"loss": loss.detach()}
    return step, lambda logs: float(logs["loss"])

def tf_native():
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    g = tf.random.Generator.from_seed(0)
    if which == "mlp":
        shapes = [(784, 512), (512,), (512, 512), (512,), (512, 10), (10,)]
    else:
        shapes = [(3, 3, 1, 32), (32,), (3, 3, 32, 64), (64,), (1600, 10), (10,)]
    W = [tf.Variable(g.normal(s) * 0.05) for s in shapes]
    M = [tf.Variable(tf.zeros(s)) for s in shapes]
    V = [tf.Variable(tf.zeros(s)) for s in shapes]
    t = tf.Variable(0.0)
    def fwd(x):
        if which == "mlp":
            h = tf.nn.relu(x @ W[0] + W[1]); h = tf.nn.relu(h @ W[2] + W[3]); return h @ W[4] + W[5]
        h = tf.nn.relu(tf.nn.conv2d(x, W[0], 1, "VALID") + W[1]); h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        h = tf.nn.relu(tf.nn.conv2d(h, W[2], 1, "VALID") + W[3]); h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        return tf.reshape(h, (-1, 1600)) @ W[4] + W[5]
    @tf.function(jit_compile=jit)
    def train(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, fwd(x)))
        grads = tape.gradient(loss, W)
        t.assign_add(1.0)
        lr = 1e-3 * tf.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        for w, m, v, gr in zip(W, M, V, grads):
            m.assign_add((gr - m) * 0.1); v.assign_add((tf.square(gr) - v) * 0.001)
            w.assign_sub(lr * m / (tf.sqrt(v) + 1e-7))
        return {"loss": loss}
    X = [tf.constant(x) for x in xs]; Y = [tf.constant(y) for y in ys]
    state = {"i": 0}
    def step():
        i = state["i"] = (state["i"] + 1) % 8
        return train(X[i], Y[i])
    return step, lambda logs: float(logs["loss"])

def timeit(step, sync, n):
    t0 = time.perf_counter()
    for _ in range(n):
        logs = step()
    sync(logs)
    return n / (time.perf_counter() - t0)

native = torch_native() if backend == "torch" else tf_native()
kstep, ksync, model = kc_fn()
for _ in range(3):
    timeit(*native, 3); timeit(kstep, ksync, 3)
rn, rk = [], []
for r in range(int(os.environ.get("ROUNDS", 5))):
    rn.append(timeit(*native, STEPS)); rk.append(timeit(kstep, ksync, STEPS))
n, k = statistics.median(rn), statistics.median(rk)
import torch as _t
print(f"{'cuda' if _t.cuda.is_available() else 'cpu'} {backend} {which} jit={jit}: native {n:.1f} steps/s  kc {k:.1f} steps/s  ratio {k/n:.3f}  (pairs: {[round(b/a,3) for a,b in zip(rn,rk)]})")
if os.environ.get("PROFILE"):
    import cProfile, pstats
    cProfile.run("timeit(kstep, ksync, 50)", "/tmp/tt/prof.out")
    pstats.Stats("/tmp/tt/prof.out").sort_stats("tottime").print_stats(25)
