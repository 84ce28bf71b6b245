"""kc.random on the active backend: shapes, dtypes, seeds, statistics, jit/tf.function."""

from __future__ import annotations

import numpy as np
import pytest

import kc
from kc_testing import BACKEND, assert_close, dtype_name, to_numpy

R = kc.random
N = 10_000  # samples for the statistical checks
FLOAT64 = "float64" if BACKEND != "jax" else "float32"  # jax without x64 narrows

# (name, call(seed)) for every drawing op, small shapes.
DRAWS = [
    ("normal", lambda s: R.normal((2, 3), seed=s)),
    ("uniform", lambda s: R.uniform((2, 3), seed=s)),
    ("truncated_normal", lambda s: R.truncated_normal((2, 3), seed=s)),
    ("randint", lambda s: R.randint((2, 3), 0, 100, seed=s)),
    ("categorical", lambda s: R.categorical([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]], 3, seed=s)),
    ("dropout", lambda s: R.dropout(np.ones((2, 8), "float32"), 0.5, seed=s)),
    ("shuffle", lambda s: R.shuffle(np.arange(12), seed=s)),
    ("gamma", lambda s: R.gamma((2, 3), 2.0, seed=s)),
    ("beta", lambda s: R.beta((2, 3), 2.0, 3.0, seed=s)),
    ("binomial", lambda s: R.binomial((2, 3), 10, 0.5, seed=s)),
]

# (call, expected shape, expected dtype)
SHAPES_DTYPES = [
    (lambda: R.normal((2, 3)), (2, 3), "float32"),
    (lambda: R.normal((), seed=1), (), "float32"),
    (lambda: R.normal((4,), dtype="float16", seed=1), (4,), "float16"),
    (lambda: R.normal((4,), dtype="float64", seed=1), (4,), FLOAT64),
    (lambda: R.uniform((1, 2, 3), dtype="bfloat16", seed=1), (1, 2, 3), "bfloat16"),
    (lambda: R.truncated_normal((0, 3), seed=1), (0, 3), "float32"),
    (lambda: R.randint((3,), 0, 5, seed=1), (3,), "int32"),
    (lambda: R.randint((3,), 0, 5, dtype="uint8", seed=1), (3,), "uint8"),
    (lambda: R.randint((3,), 0, 5, dtype="int16", seed=1), (3,), "int16"),
    (lambda: R.categorical(np.zeros((2, 4), "float32"), 5, seed=1), (2, 5), "int32"),
    (lambda: R.categorical(np.zeros((2, 4), "float32"), 5, dtype="int64", seed=1), (2, 5),
     "int64" if BACKEND != "jax" else "int32"),
    (lambda: R.dropout(np.ones((2, 3), "float16"), 0.5, seed=1), (2, 3), "float16"),
    (lambda: R.dropout(np.ones((2, 3), "int32"), 0.5, seed=1), (2, 3), "int32"),
    (lambda: R.shuffle(np.arange(6, dtype="int16").reshape(2, 3), axis=1, seed=1), (2, 3), "int16"),
    (lambda: R.gamma((2,), 1.0, dtype="float64", seed=1), (2,), FLOAT64),
    (lambda: R.beta((2,), 1.0, 1.0, seed=1), (2,), "float32"),
    (lambda: R.binomial((2,), 5, 0.5, seed=1), (2,), "float32"),
    (lambda: R.binomial((2,), 5, 0.5, dtype="int32", seed=1), (2,), "int32"),
]


@pytest.mark.parametrize("call, shape, dtype", SHAPES_DTYPES)
def test_shape_and_dtype(call, shape, dtype):
    out = call()
    assert tuple(out.shape) == shape
    assert dtype_name(out) == dtype


@pytest.mark.parametrize("name, draw", DRAWS, ids=[d[0] for d in DRAWS])
def test_int_seed_is_reproducible(name, draw):
    np.testing.assert_array_equal(to_numpy(draw(42)), to_numpy(draw(42)))


@pytest.mark.parametrize("name, draw", [d for d in DRAWS if d[0] != "categorical"],
                         ids=[d[0] for d in DRAWS if d[0] != "categorical"])
def test_different_seeds_differ(name, draw):
    assert not np.array_equal(to_numpy(draw(1)), to_numpy(draw(2)))


@pytest.mark.parametrize("name, draw", DRAWS, ids=[d[0] for d in DRAWS])
def test_seed_generator_stream(name, draw):
    gen_a, gen_b = R.SeedGenerator(7), R.SeedGenerator(7)
    first = [to_numpy(draw(gen_a)) for _ in range(3)]
    second = [to_numpy(draw(gen_b)) for _ in range(3)]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)  # same seed -> same stream
    assert any(not np.array_equal(first[0], f) for f in first[1:])  # the stream moves


def test_seed_none_differs_between_calls():
    assert not np.array_equal(to_numpy(R.normal((8,))), to_numpy(R.normal((8,))))


def test_seed_generator_state():
    gen = R.SeedGenerator(42, name="gen")
    state = gen.state
    assert (state.shape, state.trainable, state.path) == ((2,), False, "gen/seed_generator_state")
    expected_dtype = {"jax": "uint32", "numpy": "uint32", "tensorflow": "int64", "torch": "int32"}
    assert state.dtype == expected_dtype[BACKEND]
    assert_close(gen.next(), [42, 0])
    assert_close(gen.next(), [42, 1])
    assert_close(state.numpy(), [42, 2])
    assert gen.get_config() == {"seed": 42, "name": "gen"}
    assert R.SeedGenerator.from_config(gen.get_config()).state.numpy().tolist() == [42, 0]


def test_seed_generator_large_seed():
    gen = R.SeedGenerator(2**32 - 1)
    a, b = to_numpy(R.normal((3,), seed=gen)), to_numpy(R.normal((3,), seed=R.SeedGenerator(2**32 - 1)))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed", ["a", 1.5, True])
def test_bad_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        R.normal((2,), seed=seed)


@pytest.mark.parametrize("call, match", [
    (lambda: R.normal((2,), dtype="int32", seed=1), "float dtype"),
    (lambda: R.uniform((2,), dtype="int32", seed=1), "float dtype"),
    (lambda: R.randint((2,), 0, 5, dtype="float32", seed=1), "integer dtype"),
    (lambda: R.categorical(np.zeros((3,), "float32"), 2, seed=1), "2-D"),
    (lambda: R.dropout(np.ones((2,), "float32"), 1.5, seed=1), "rate"),
    (lambda: R.shuffle(np.ones((2,), "float32"), axis=1, seed=1), "axis 1"),
    (lambda: R.SeedGenerator(seed=1.5), "seed"),
])
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def _moments(x):
    x = to_numpy(x).astype(np.float64)
    return x.mean(), x.std()


# (name, draw of N samples with seed 0, expected mean, expected std, extra check)
STATS = [
    ("normal", lambda: R.normal((N,), mean=1.0, stddev=2.0, seed=0), 1.0, 2.0, None),
    ("uniform", lambda: R.uniform((N,), minval=-1.0, maxval=3.0, seed=0), 1.0, 4 / 12 ** 0.5,
     lambda x: (x >= -1.0).all() and (x < 3.0).all()),
    # std of a standard normal truncated at +-2: 0.8796
    ("truncated_normal", lambda: R.truncated_normal((N,), mean=1.0, stddev=2.0, seed=0), 1.0,
     2 * 0.8796, lambda x: (np.abs(x - 1.0) <= 4.0 + 1e-5).all()),
    ("gamma", lambda: R.gamma((N,), alpha=3.0, seed=0), 3.0, 3.0 ** 0.5, lambda x: (x > 0).all()),
    ("beta", lambda: R.beta((N,), alpha=2.0, beta=3.0, seed=0), 0.4, (6 / (25 * 6)) ** 0.5,
     lambda x: ((x >= 0) & (x <= 1)).all()),
    ("binomial", lambda: R.binomial((N,), counts=10, probabilities=0.3, seed=0), 3.0, 2.1 ** 0.5,
     lambda x: (x == np.round(x)).all() and (x >= 0).all() and (x <= 10).all()),
    ("randint", lambda: R.randint((N,), 2, 12, seed=0), 6.5, (99 / 12) ** 0.5,
     lambda x: set(np.unique(x)) == set(range(2, 12))),
]


@pytest.mark.parametrize("name, draw, mean, std, check", STATS, ids=[s[0] for s in STATS])
def test_statistics(name, draw, mean, std, check):
    x = draw()
    got_mean, got_std = _moments(x)
    assert abs(got_mean - mean) < 5 * std / N ** 0.5, (got_mean, mean)
    assert abs(got_std - std) < 0.05 * std, (got_std, std)
    if check is not None:
        assert check(to_numpy(x))


def test_categorical_frequencies():
    probs = np.array([0.1, 0.2, 0.7])
    logits = np.log(probs)[None, :].astype("float32").repeat(2, axis=0)
    logits[1] = [0.0, -np.inf, 0.0]
    draws = to_numpy(R.categorical(logits, N // 2, seed=0))
    freq = np.bincount(draws[0], minlength=3) / draws.shape[1]
    np.testing.assert_allclose(freq, probs, atol=0.03)
    assert set(np.unique(draws[1])) == {0, 2}


def test_dropout_statistics():
    rate = 0.3
    out = to_numpy(R.dropout(np.full((N,), 2.0, "float32"), rate, seed=0))
    dropped = (out == 0).mean()
    assert abs(dropped - rate) < 0.02
    np.testing.assert_allclose(out[out != 0], 2.0 / (1 - rate), rtol=1e-6)


def test_dropout_noise_shape_and_edges():
    out = to_numpy(R.dropout(np.ones((4, 50), "float32"), 0.5, noise_shape=(1, 50), seed=3))
    assert (out == out[0]).all()  # one mask shared along the first axis
    out = to_numpy(R.dropout(np.ones((4, 6), "float32"), 0.5, noise_shape=(None, 1), seed=3))
    assert (out == out[:, :1]).all()
    assert_close(R.dropout(np.ones((3,), "float32"), 0.0, seed=1), np.ones(3), "float32")
    assert_close(R.dropout(np.ones((3,), "float32"), 1.0, seed=1), np.zeros(3), "float32")


@pytest.mark.parametrize("shape, axis", [((10,), 0), ((3, 8), 1), ((8, 3), -2)])
def test_shuffle_is_permutation(shape, axis):
    x = np.arange(np.prod(shape)).reshape(shape)
    out = to_numpy(R.shuffle(x, axis=axis, seed=5))
    moved = np.moveaxis(out, axis, 0)
    original = np.moveaxis(x, axis, 0)
    assert sorted(map(tuple, moved.reshape(moved.shape[0], -1))) == \
        sorted(map(tuple, original.reshape(original.shape[0], -1)))  # whole slices move together
    assert not np.array_equal(out, x)


@pytest.mark.parametrize("call, shape, dtype", [
    (lambda x: R.dropout(x, 0.5), (None, 3), "float32"),
    (lambda x: R.shuffle(x, seed=1), (None, 3), "float32"),
    (lambda x: R.categorical(x, 5), (None, 5), "int32"),
])
def test_symbolic(call, shape, dtype):
    x = kc.KerasTensor((None, 3))
    out = call(x)
    assert isinstance(out, kc.KerasTensor)
    assert (out.shape, out.dtype) == (shape, dtype)


@pytest.mark.skipif(BACKEND != "jax", reason="jax only")
def test_jax_jit_with_seed_generator():
    import jax

    gen = R.SeedGenerator(3)

    @jax.jit
    def draw(state):
        with kc.StatelessScope([(gen.state, state)]) as scope:
            x = R.normal((4,), seed=gen)
            y = R.dropout(x, 0.5, seed=gen)
        return x, y, scope.get_current_value(gen.state)

    x1, y1, state = draw(gen.state.value)
    x2, _, state2 = draw(state)
    assert_close(state, [3, 2])
    assert_close(state2, [3, 4])
    assert not np.array_equal(to_numpy(x1), to_numpy(x2))
    eager = R.SeedGenerator(3)
    np.testing.assert_array_equal(to_numpy(x1), to_numpy(R.normal((4,), seed=eager)))
    int_seeded = jax.jit(lambda: R.uniform((3,), seed=9))()
    np.testing.assert_array_equal(to_numpy(int_seeded), to_numpy(R.uniform((3,), seed=9)))


@pytest.mark.skipif(BACKEND != "jax", reason="jax only")
def test_jax_jit_unseeded_is_refused():
    import jax

    with pytest.raises(ValueError, match="StatelessScope"):
        jax.jit(lambda: R.normal((2,)))()


@pytest.mark.skipif(BACKEND != "tensorflow", reason="tensorflow only")
def test_tf_function():
    import tensorflow as tf

    gen = R.SeedGenerator(3)

    @tf.function
    def draw():
        return R.normal((4,), seed=gen), R.shuffle(tf.range(6), seed=1), R.randint((3,), 0, 9, seed=gen)

    a, s, _ = draw()
    b, _, _ = draw()
    assert not np.array_equal(a.numpy(), b.numpy())  # the generator state advances in the graph
    assert sorted(s.numpy().tolist()) == list(range(6))
    np.testing.assert_array_equal(a.numpy(), R.normal((4,), seed=R.SeedGenerator(3)).numpy())
    assert gen.state.numpy().tolist() == [3, 4]
    unseeded = tf.function(lambda: R.uniform((3,)))
    assert not np.array_equal(unseeded().numpy(), unseeded().numpy())
