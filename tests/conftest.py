"""Test set-up shared by every package's tests.

The backend comes from the process environment (KC_BACKEND, default jax);
the whole suite runs once per backend. Every framework is pinned to one
intra-op thread: on a busy 2-core machine more threads only slow it down.
"""

import os

for _var, _value in {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
}.items():
    os.environ.setdefault(_var, _value)

import pytest  # noqa: E402

import kc  # noqa: E402

BACKEND = kc.config.backend()

if BACKEND == "torch":
    # torch.optim and torch.compile import torch._dynamo, which loads triton's native
    # library. Loaded after jaxlib/TensorFlow (which the Keras oracle tests import),
    # it aborts the process; loaded first, all coexist.
    import torch._dynamo  # noqa: E402,F401


def pytest_report_header(config):
    return f"kc backend: {BACKEND}"


def pytest_collection_modifyitems(config, items):
    if BACKEND != "numpy":
        return
    skip = pytest.mark.skip(reason="needs gradients; the numpy backend has none")
    for item in items:
        if "grad" in item.keywords:
            item.add_marker(skip)
