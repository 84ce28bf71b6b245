"""kc.initializers on the active backend: statistics against closed forms, seeds, configs, lookup."""

from __future__ import annotations

import math

import numpy as np
import pytest

import kc
from kc.initializers._base import compute_fans
from kc_testing import BACKEND, assert_close, dtype_name, to_numpy

I = kc.initializers
SHAPE = (200, 300)  # one shape for every statistical check (jax compiles once per shape)
N = SHAPE[0] * SHAPE[1]
FLOAT64 = "float64" if BACKEND != "jax" else "float32"  # jax without x64 narrows
# Standard deviation of a standard normal truncated to [-2, 2].
TRUNC = math.sqrt(1 - 4 * math.exp(-2) / math.sqrt(2 * math.pi) / math.erf(math.sqrt(2)))

# The 39 names of keras.initializers (Keras 3.15).
KERAS_NAMES = [
    "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity",
    "IdentityInitializer", "Initializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal",
    "OrthogonalInitializer", "RandomNormal", "RandomUniform", "STFT", "STFTInitializer",
    "TruncatedNormal", "VarianceScaling", "Zeros", "constant", "deserialize", "get", "glorot_normal",
    "glorot_uniform", "he_normal", "he_uniform", "identity", "lecun_normal", "lecun_uniform", "ones",
    "orthogonal", "random_normal", "random_uniform", "serialize", "stft", "truncated_normal",
    "variance_scaling", "zeros",
]


def test_every_keras_name_is_exported():
    missing = [n for n in KERAS_NAMES if not hasattr(I, n)]
    assert not missing
    assert I.IdentityInitializer is I.Identity and I.glorot_uniform is I.GlorotUniform
    assert I.OrthogonalInitializer is I.Orthogonal and I.STFTInitializer is I.STFT and I.stft is I.STFT


# ---------------------------------------------------------------- statistics

FAN_IN, FAN_OUT = SHAPE
FAN_AVG = (FAN_IN + FAN_OUT) / 2

# (initializer, distribution, mean, stddev of the draws, bound on |x - mean| or None)
# For "uniform" rows the bound is the half-width; for "truncated" rows it is 2 * the
# untruncated stddev; the stddev column is always the stddev the draws must have.
STATS = [
    (I.RandomNormal(mean=0.5, stddev=2.0, seed=1), "normal", 0.5, 2.0, None),
    (I.RandomNormal(seed=1), "normal", 0.0, 0.05, None),
    (I.RandomUniform(minval=-1.0, maxval=3.0, seed=2), "uniform", 1.0, 4 / math.sqrt(12), 2.0),
    (I.TruncatedNormal(mean=-1.0, stddev=0.5, seed=3), "truncated", -1.0, 0.5 * TRUNC, 1.0),
    (I.VarianceScaling(2.0, "fan_in", "truncated_normal", seed=4), "truncated", 0.0,
     math.sqrt(2 / FAN_IN), 2 * math.sqrt(2 / FAN_IN) / TRUNC),
    (I.VarianceScaling(0.5, "fan_out", "untruncated_normal", seed=5), "normal", 0.0,
     math.sqrt(0.5 / FAN_OUT), None),
    (I.VarianceScaling(3.0, "fan_avg", "uniform", seed=6), "uniform", 0.0,
     math.sqrt(3 / FAN_AVG), math.sqrt(9 / FAN_AVG)),
    (I.GlorotUniform(seed=7), "uniform", 0.0, math.sqrt(1 / FAN_AVG), math.sqrt(6 / (FAN_IN + FAN_OUT))),
    (I.GlorotNormal(seed=8), "truncated", 0.0, math.sqrt(2 / (FAN_IN + FAN_OUT)),
     2 * math.sqrt(1 / FAN_AVG) / TRUNC),
    (I.HeUniform(seed=9), "uniform", 0.0, math.sqrt(2 / FAN_IN), math.sqrt(6 / FAN_IN)),
    (I.HeNormal(seed=10), "truncated", 0.0, math.sqrt(2 / FAN_IN), 2 * math.sqrt(2 / FAN_IN) / TRUNC),
    (I.LecunUniform(seed=11), "uniform", 0.0, math.sqrt(1 / FAN_IN), math.sqrt(3 / FAN_IN)),
    (I.LecunNormal(seed=12), "truncated", 0.0, math.sqrt(1 / FAN_IN), 2 * math.sqrt(1 / FAN_IN) / TRUNC),
]


@pytest.mark.parametrize("init, dist, mean, std, bound", STATS,
                         ids=[f"{type(row[0]).__name__}-{i}" for i, row in enumerate(STATS)])
def test_random_initializer_statistics(init, dist, mean, std, bound):
    x = init(SHAPE)
    assert tuple(x.shape) == SHAPE and dtype_name(x) == "float32"
    x = to_numpy(x).astype("float64")
    assert abs(x.mean() - mean) < 5 * std / math.sqrt(N)
    assert abs(x.std() / std - 1) < 0.02
    if bound is not None:
        dev = np.abs(x - mean)
        assert dev.max() <= bound * (1 + 1e-6)
        assert dev.max() > 0.99 * bound  # the draws reach the edge, so the bound is the right one
    if dist == "normal":  # untruncated: some draws beyond 3 stddev (expected ~160 of 60,000)
        assert np.sum(np.abs(x - mean) > 3 * std) > 50


# (shape, input_axes, output_axes, expected (fan_in, fan_out))
FANS = [
    ((), None, None, (1, 1)),
    ((7,), None, None, (7, 7)),
    ((40, 60), None, None, (40, 60)),
    ((3, 3, 20, 30), None, None, (180, 270)),
    ((2, 3, 4, 5, 6), None, None, (120, 144)),
    ((4, 5, 6), [0, 1], [2], (20, 6)),
    ((4, 5, 6), [-3], (-1,), (4, 6)),
    ((4, 5, 6), [0], None, (20, 24)),  # only one of the two given: the default rule
    ((4, 5, 6), [], [2], (1, 6)),
]


@pytest.mark.parametrize("shape, input_axes, output_axes, expected", FANS)
def test_compute_fans(shape, input_axes, output_axes, expected):
    assert compute_fans(shape, input_axes, output_axes) == expected


@pytest.mark.parametrize("mode, fan", [("fan_in", 180), ("fan_out", 270), ("fan_avg", 225)])
def test_variance_scaling_fan_modes_on_a_conv_kernel(mode, fan):
    x = to_numpy(I.VarianceScaling(1.5, mode, "uniform", seed=1)((3, 3, 20, 30)))
    limit = math.sqrt(3 * 1.5 / fan)
    assert np.abs(x).max() <= limit * (1 + 1e-6) and np.abs(x).max() > 0.99 * limit


def test_variance_scaling_axes_choose_the_fans():
    init = I.VarianceScaling(1.0, "fan_in", "uniform", seed=1, input_axes=[0, 1], output_axes=[2])
    x = to_numpy(init((3, 3, 20, 30)))  # fan_in = 3 * 3
    assert np.abs(x).max() <= math.sqrt(3 / 9) * (1 + 1e-6) and np.abs(x).max() > 0.95 * math.sqrt(3 / 9)
    with pytest.raises(ValueError, match="input_axes.*out of range"):
        I.VarianceScaling(input_axes=[5], output_axes=[0])((2, 2))


@pytest.mark.parametrize("kwargs, match", [
    ({"scale": 0.0}, "scale must be a positive float"),
    ({"scale": -1}, "scale must be a positive float"),
    ({"mode": "FAN_IN"}, r"mode must be one of \['fan_in', 'fan_out', 'fan_avg'\]"),
    ({"distribution": "gaussian"}, "distribution must be one of"),
    ({"seed": "a"}, "seed must be None, an int or a kc.random.SeedGenerator"),
    ({"seed": 1.5}, "seed must be None, an int"),
])
def test_variance_scaling_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        I.VarianceScaling(**kwargs)


def test_variance_scaling_distribution_names_as_keras():
    assert I.VarianceScaling(distribution="normal").distribution == "truncated_normal"
    assert I.VarianceScaling(distribution="Uniform").distribution == "uniform"


# ---------------------------------------------------------------- seeds

SEEDED = [
    lambda s: I.RandomNormal(seed=s), lambda s: I.RandomUniform(seed=s), lambda s: I.TruncatedNormal(seed=s),
    lambda s: I.GlorotUniform(seed=s), lambda s: I.HeNormal(seed=s), lambda s: I.Orthogonal(seed=s),
]


@pytest.mark.parametrize("make", SEEDED)
def test_int_seed_reproducible_and_distinct(make):
    a = to_numpy(make(42)((4, 3)))
    assert_close(make(42)((4, 3)), a)  # a second initializer with the seed
    init = make(42)
    assert_close(init((4, 3)), init((4, 3)))  # every call the same (as Keras)
    assert not np.allclose(to_numpy(make(43)((4, 3))), a)


@pytest.mark.parametrize("make", SEEDED)
def test_unseeded_same_per_call_different_per_instance(make):
    init = make(None)
    a = to_numpy(init((4, 3)))
    assert_close(init((4, 3)), a)
    assert not np.allclose(to_numpy(make(None)((4, 3))), a)
    assert not np.allclose(to_numpy(init.clone()((4, 3))), a)  # the clone draws its own seed
    assert init.get_config()["seed"] is None


def test_seed_generator_gives_new_values_each_call():
    gen = kc.random.SeedGenerator(7)
    init = I.GlorotNormal(seed=gen)
    a, b = to_numpy(init((4, 3))), to_numpy(init((4, 3)))
    assert not np.allclose(a, b)
    again = I.GlorotNormal(seed=kc.random.SeedGenerator(7))
    assert_close(again((4, 3)), a)


# ---------------------------------------------------------------- orthogonal, identity, constant

@pytest.mark.parametrize("shape, gain", [((6, 4), 1.0), ((4, 6), 2.0), ((2, 3, 4), 0.5)])
def test_orthogonal_gives_orthonormal_columns_or_rows(shape, gain):
    w = to_numpy(I.Orthogonal(gain=gain, seed=3)(shape)).astype("float64")
    assert w.shape == shape
    m = w.reshape(-1, shape[-1])
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, gain**2 * np.eye(len(gram)), atol=1e-5)


def test_orthogonal_rejects_rank_below_two():
    with pytest.raises(ValueError, match="Orthogonal: the weight must have rank >= 2, got shape=\\(3,\\)"):
        I.Orthogonal()((3,))


@pytest.mark.parametrize("shape, gain, dtype, expected", [
    ((2, 3), 1.0, None, np.eye(2, 3)),
    ((3, 2), 2.0, "float32", 2 * np.eye(3, 2)),
    ((2, 2), 3.0, "int32", 3 * np.eye(2)),
])
def test_identity(shape, gain, dtype, expected):
    assert_close(I.Identity(gain=gain)(shape, dtype=dtype), expected.astype(dtype or "float32"),
                 dtype=dtype or "float32")


def test_identity_rejects_other_ranks():
    with pytest.raises(ValueError, match="Identity: can only initialize 2-D matrices, got shape=\\(2, 3, 3\\)"):
        I.Identity()((2, 3, 3))


@pytest.mark.parametrize("init, shape, dtype, expected", [
    (I.Zeros(), (2, 3), None, np.zeros((2, 3), "float32")),
    (I.Zeros(), (2,), "int32", np.zeros(2, "int32")),
    (I.Ones(), (3,), "int8", np.ones(3, "int8")),
    (I.Ones(), (2, 2), "bool", np.ones((2, 2), "bool")),
    (I.Constant(3), (2,), "int32", np.array([3, 3], "int32")),
    (I.Constant(2.5), (2, 1), "float16", np.full((2, 1), 2.5, "float16")),
    (I.Constant([1.0, 2.0]), (2, 2), None, np.array([[1, 2], [1, 2]], "float32")),
    (I.Constant(np.array([[1.0], [2.0]])), (2, 3), None, np.array([[1, 1, 1], [2, 2, 2]], "float32")),
])
def test_deterministic_initializers(init, shape, dtype, expected):
    assert_close(init(shape, dtype=dtype), expected, dtype=str(expected.dtype))


# ---------------------------------------------------------------- dtypes

@pytest.mark.filterwarnings("ignore:Explicitly requested dtype float64")  # jax without x64
@pytest.mark.parametrize("make, dtype, expected", [
    (I.RandomNormal, "float16", "float16"),
    (I.RandomUniform, "bfloat16", "bfloat16"),
    (I.TruncatedNormal, "float64", FLOAT64),
    (I.GlorotNormal, "float16", "float16"),
    (I.Orthogonal, "float64", FLOAT64),
    (I.Orthogonal, "bfloat16", "bfloat16"),
])
def test_random_initializers_float_dtypes(make, dtype, expected):
    x = make(seed=1)((4, 3), dtype=dtype)
    assert dtype_name(x) == expected and np.isfinite(to_numpy(x).astype("float32")).all()
    assert dtype_name(make(seed=1)((4, 3))) == "float32"  # default floatx


@pytest.mark.parametrize("make", [I.RandomNormal, I.RandomUniform, I.TruncatedNormal, I.VarianceScaling,
                                  I.HeUniform, I.Orthogonal, I.STFT])
def test_random_initializers_reject_integer_dtypes(make):
    name = make.__name__
    with pytest.raises(ValueError, match=f"{name}: dtype must be a float dtype.*got 'int32'"):
        make()((4, 1, 3), dtype="int32")


def test_unknown_dimension_rejected():
    with pytest.raises(ValueError, match="GlorotUniform: every dimension of shape must be a known int"):
        I.GlorotUniform()((2, None))


def test_base_initializer():
    with pytest.raises(NotImplementedError, match="must implement"):
        I.Initializer()((2,))
    assert I.Initializer().get_config() == {}


# ---------------------------------------------------------------- STFT

def _stft_oracle(frame, bins, side, window):
    n, k = np.arange(frame)[:, None], np.arange(bins)[None, :]
    angle = 2 * np.pi * n * k / (2 * (bins - 1))
    out = np.cos(angle) if side == "real" else -np.sin(angle)
    return out * (1.0 if window is None else window[:, None])


def _hann(m, periodic):
    n = np.arange(m)
    d = m if periodic else m - 1
    return 0.5 - 0.5 * np.cos(2 * np.pi * n / d)


@pytest.mark.parametrize("side, window, scaling, periodic, expected_window", [
    ("real", None, None, False, None),
    ("imag", None, "density", False, None),  # scaling needs a window
    ("real", "hann", None, False, _hann(8, False)),
    ("imag", "hann", None, True, _hann(8, True)),
    ("real", "hann", "density", False, _hann(8, False) / np.linalg.norm(_hann(8, False))),
    ("imag", "hann", "spectrum", True, _hann(8, True) / _hann(8, True).sum()),
    ("real", [1.0, 2, 3, 4, 5, 6, 7, 8], None, False, np.arange(1.0, 9)),
])
def test_stft_kernel(side, window, scaling, periodic, expected_window):
    init = I.STFT(side=side, window=window, scaling=scaling, periodic=periodic)
    expected = _stft_oracle(8, 5, side, expected_window)
    assert_close(init((8, 2, 5)), np.repeat(expected[:, None, :], 2, axis=1).astype("float32"),
                 atol=1e-6)


def _symmetric(name, m):
    x = 2 * np.pi * np.arange(m) / (m - 1)
    return {"hamming": 0.54 - 0.46 * np.cos(x),
            "blackman": 0.42 - 0.5 * np.cos(x) + 0.08 * np.cos(2 * x),
            "bartlett": 1 - np.abs(2 * np.arange(m) / (m - 1) - 1),
            "boxcar": np.ones(m)}[name]


@pytest.mark.parametrize("window", ["hamming", "blackman", "bartlett", "boxcar"])
@pytest.mark.parametrize("periodic", [False, True])
def test_stft_builtin_windows(window, periodic):
    w = _symmetric(window, 9)[:8] if periodic else _symmetric(window, 8)
    expected = _stft_oracle(8, 3, "real", w)[:, None, :].astype("float32")
    assert_close(I.STFT(window=window, scaling=None, periodic=periodic)((8, 1, 3)), expected, atol=1e-6)


@pytest.mark.slow  # importing scipy.signal takes seconds
@pytest.mark.parametrize("window", ["hann", "hamming", "blackman", "bartlett", "boxcar", ("tukey", 0.5)])
@pytest.mark.parametrize("periodic", [False, True])
def test_stft_windows_match_scipy(window, periodic):
    signal = pytest.importorskip("scipy.signal")
    w = signal.get_window(window, 8, fftbins=periodic)
    expected = _stft_oracle(8, 3, "real", w)[:, None, :].astype("float32")
    assert_close(I.STFT(window=window, scaling=None, periodic=periodic)((8, 1, 3)), expected, atol=1e-6)


@pytest.mark.parametrize("kwargs, shape, error, match", [
    ({"side": "both"}, None, ValueError, r"side must be one of \['real', 'imag'\]"),
    ({"scaling": "l2"}, None, ValueError, "scaling must be one of"),
    ({"window": [1.0, 2.0]}, (4, 1, 3), ValueError, r"window must have shape \(4,\)"),
    ({}, (4, 3), ValueError, "frame_length, input_channels, fft_bins"),
])
def test_stft_errors(kwargs, shape, error, match):
    with pytest.raises(error, match=match):
        I.STFT(**kwargs)(shape)


@pytest.mark.slow  # imports scipy.signal
def test_stft_unknown_window():
    pytest.importorskip("scipy.signal")
    with pytest.raises(ValueError, match="unknown window 'no_such_window'"):
        I.STFT(window="no_such_window")((4, 1, 3))


# ---------------------------------------------------------------- configs and lookup

SEED_AXES = {"seed": None, "input_axes": None, "output_axes": None}
# (initializer, Keras 3.15's get_config() for it, checked with the oracle)
CONFIGS = [
    (I.Constant(), {"value": 0.0}),
    (I.Constant([1.0, 2.0]), {"value": [1.0, 2.0]}),
    (I.Constant(np.array([1.0, 2.0])),
     {"value": {"class_name": "__tensor__", "config": {"value": [1.0, 2.0], "dtype": "float64"}}}),
    (I.Zeros(), {}),
    (I.Ones(), {}),
    (I.Identity(gain=2.0), {"gain": 2.0}),  # Keras writes {} (and loses the gain)
    (I.RandomNormal(), {"seed": None, "mean": 0.0, "stddev": 0.05}),
    (I.RandomUniform(seed=3), {"seed": 3, "minval": -0.05, "maxval": 0.05}),
    (I.TruncatedNormal(stddev=1.0), {"seed": None, "mean": 0.0, "stddev": 1.0}),
    (I.VarianceScaling(), {"seed": None, "scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal",
                           "input_axes": None, "output_axes": None}),
    (I.VarianceScaling(2.0, "fan_out", "uniform", 3, [0], [1]),
     {"seed": 3, "scale": 2.0, "mode": "fan_out", "distribution": "uniform", "input_axes": [0],
      "output_axes": [1]}),
    (I.GlorotNormal(), SEED_AXES),
    (I.GlorotUniform(seed=1), {**SEED_AXES, "seed": 1}),
    (I.HeNormal(), SEED_AXES),
    (I.HeUniform(), SEED_AXES),
    (I.LecunNormal(), SEED_AXES),
    (I.LecunUniform(), SEED_AXES),
    (I.Orthogonal(gain=2.0, seed=4), {"seed": 4, "gain": 2.0}),
    (I.STFT(), {"side": "real", "window": "hann", "periodic": False, "scaling": "density"}),
]


@pytest.mark.parametrize("init, config", CONFIGS,
                         ids=[f"{type(row[0]).__name__}-{i}" for i, row in enumerate(CONFIGS)])
def test_config_and_round_trip(init, config):
    assert init.get_config() == config
    assert list(init.get_config()) == list(config)  # key order as Keras (visible in JSON)
    clone = init.clone()
    assert type(clone) is type(init) and clone.get_config() == config
    serialized = I.serialize(init)
    assert serialized == {"module": "keras.initializers", "class_name": type(init).__name__,
                          "config": config, "registered_name": None}
    back = I.deserialize(serialized)
    assert type(back) is type(init) and back.get_config() == config
    if not isinstance(init, I.Constant) and config.get("seed", 0) is not None:  # deterministic values
        assert_close(back((4, 3, 2) if isinstance(init, I.STFT) else (4, 3)),
                     to_numpy(init((4, 3, 2) if isinstance(init, I.STFT) else (4, 3))))


def test_constant_array_round_trip_values():
    init = I.Constant.from_config(I.Constant(np.array([1.0, 2.0])).get_config())
    assert_close(init((2,)), np.array([1.0, 2.0], "float32"))


def test_seed_generator_in_config():
    init = I.HeUniform(seed=kc.random.SeedGenerator(5))
    seed = init.get_config()["seed"]
    assert seed["module"] == "keras.random" and seed["class_name"] == "SeedGenerator"
    assert seed["config"]["seed"] == 5
    back = I.deserialize(I.serialize(init))
    assert isinstance(back.seed, kc.random.SeedGenerator)
    assert_close(back((3, 2)), to_numpy(I.HeUniform(seed=kc.random.SeedGenerator(5))((3, 2))))


# (identifier, expected class): every alias Keras 3.15's get accepts
NAMES = [
    ("glorot_uniform", I.GlorotUniform), ("GlorotUniform", I.GlorotUniform), ("he_normal", I.HeNormal),
    ("lecun_uniform", I.LecunUniform), ("zeros", I.Zeros), ("zero", I.Zeros), ("one", I.Ones),
    ("ones", I.Ones), ("constant", I.Constant), ("identity", I.Identity),
    ("IdentityInitializer", I.Identity), ("orthogonal", I.Orthogonal),
    ("OrthogonalInitializer", I.Orthogonal), ("stft", I.STFT), ("STFTInitializer", I.STFT),
    ("uniform", I.RandomUniform), ("normal", I.RandomNormal), ("random_normal", I.RandomNormal),
    ("truncated_normal", I.TruncatedNormal), ("variance_scaling", I.VarianceScaling),
]


@pytest.mark.parametrize("name, cls", NAMES)
def test_get_by_name(name, cls):
    assert type(I.get(name)) is cls
    assert type(I.deserialize(name)) is cls


def test_get_other_identifiers():
    assert I.get(None) is None
    init = I.Ones()
    assert I.get(init) is init
    fn = lambda shape, dtype=None: kc.ops.zeros(shape, dtype=dtype)  # noqa: E731
    assert I.get(fn) is fn
    assert type(I.get(I.Zeros)) is I.Zeros
    got = I.get({"class_name": "RandomNormal", "config": {"stddev": 2.0}})
    assert type(got) is I.RandomNormal and got.stddev == 2.0
    got = I.get({"class_name": "random_normal", "config": {"stddev": 3.0}})
    assert type(got) is I.RandomNormal and got.stddev == 3.0


def test_get_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="get: unknown initializer 'glorot_uniformm'.*'glorot_uniform'"):
        I.get("glorot_uniformm")
    with pytest.raises(ValueError, match="deserialize: unknown initializer 'nope'.*'he_normal'"):
        I.deserialize("nope")
    with pytest.raises(ValueError, match="could not interpret initializer identifier 3"):
        I.get(3)


def test_custom_initializer_round_trip():
    @kc.serialization.register_keras_serializable(package="test_init")
    class Fives(I.Initializer):
        def __call__(self, shape, dtype=None):
            return kc.ops.full(shape, 5.0, dtype=dtype)

    serialized = I.serialize(Fives())
    assert serialized["registered_name"] == "test_init>Fives"
    assert_close(I.get(serialized)((2,)), np.array([5.0, 5.0], "float32"))
