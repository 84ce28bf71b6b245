"""Layer core: building, weights, tracking, training flag, masks, losses, configs,
stateless calls, and the native integration of each backend."""

import numpy as np
import pytest

import kc
from kc import layers, ops
from kc_testing import BACKEND, assert_close, to_numpy


class Scale(layers.Layer):
    """y = x * w + b, with w of the last input dimension."""

    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
        self.b = self.add_weight(shape=(), initializer="zeros", name="b", trainable=False)

    def call(self, x):
        return x * self.w * self.factor + self.b


class TrainingProbe(layers.Layer):
    def call(self, x, training=None):
        self.seen = training
        return x * 2.0 if training else x


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = []
        self.dense.append(layers.Dense(3, kernel_initializer="ones"))
        self.named = {"probe": TrainingProbe()}
        self.seed = kc.random.SeedGenerator(1)

    def call(self, x):
        return self.named["probe"](self.dense[0](x))


def test_build_from_first_call_and_weights():
    layer = Scale(factor=2.0)
    assert not layer.built
    y = layer(np.array([[1.0, 2.0]], "float32"))
    assert layer.built
    assert_close(y, np.array([[2.0, 4.0]], "float32"))
    assert [v.path for v in layer.weights] == [f"{layer.name}/w", f"{layer.name}/b"]
    assert [v.name for v in layer.trainable_weights] == ["w"]
    assert [v.name for v in layer.non_trainable_weights] == ["b"]
    assert layer.count_params() == 3


def test_freezing_moves_weights_to_non_trainable():
    layer = Scale()
    layer.build((None, 2))
    layer.trainable = False
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 2
    assert not layer.w.trainable
    layer.trainable = True
    assert [v.name for v in layer.trainable_weights] == ["w"]


def test_nested_tracking_of_lists_dicts_and_seed_generators():
    block = Block()
    block(np.ones((2, 4), "float32"))
    assert [type(l).__name__ for l in block._kc_layers] == ["Dense", "TrainingProbe"]
    assert len(block.weights) == 2  # kernel, bias
    assert len(block.variables) == 3  # + seed generator state
    assert block.weights[0].path.startswith(block.name + "/")
    block.dense.pop()
    assert [type(l).__name__ for l in block._kc_layers] == ["TrainingProbe"]


def test_training_flag_propagates_to_nested_layers():
    block = Block()
    x = np.ones((1, 2), "float32")
    block(x, training=True)
    assert block.named["probe"].seen is True
    block(x)
    assert block.named["probe"].seen is None
    block(x, training=False)
    assert block.named["probe"].seen is False


class MaskProducer(layers.Layer):
    def call(self, x):
        return x

    def compute_mask(self, x, mask=None):
        return ops.not_equal(x[..., 0], 0)


class MaskConsumer(layers.Layer):
    def call(self, x, mask=None):
        self.mask = mask
        if mask is None:
            return ops.sum(x, axis=1)
        w = ops.cast(ops.expand_dims(mask, -1), x.dtype)
        return ops.sum(x * w, axis=1)


def test_mask_propagates_eagerly_and_symbolically():
    x = np.array([[[1.0], [2.0], [0.0]]], "float32")
    producer, consumer = MaskProducer(), MaskConsumer()
    y = consumer(producer(x))
    assert_close(to_numpy(consumer.mask), np.array([[True, True, False]]))
    assert_close(y, np.array([[3.0]], "float32"))
    inputs = kc.Input((3, 1))
    model = kc.Model(inputs, MaskConsumer()(MaskProducer()(inputs)))
    assert_close(model(x), np.array([[3.0]], "float32"))


class LossAdder(layers.Layer):
    def call(self, x):
        self.add_loss(ops.sum(x))
        return x


def test_add_loss_cleared_at_each_outermost_call():
    inputs = kc.Input((2,))
    model = kc.Model(inputs, LossAdder()(inputs))
    model(np.ones((1, 2), "float32"))
    model(np.ones((1, 2), "float32"))
    assert len(model.losses) == 1
    assert_close(model.losses[0], np.float32(2.0))


def test_activity_and_weight_regularizers_join_losses():
    dense = layers.Dense(2, kernel_initializer="ones", kernel_regularizer=kc.regularizers.L2(0.1),
                         activity_regularizer=kc.regularizers.L1(0.5))
    x = np.ones((4, 3), "float32")
    y = dense(x)  # every output is 3
    losses = sorted(float(to_numpy(l)) for l in dense.losses)
    expected = sorted([0.5 * np.abs(to_numpy(y)).sum() / 4, 0.1 * 6.0])
    assert np.allclose(losses, expected, rtol=1e-5)


def test_input_spec_error_names_layer_spec_and_shape():
    dense = layers.Dense(2, name="head")
    dense(np.ones((1, 3), "float32"))
    with pytest.raises(ValueError, match=r"head.*axis -1.*value 3.*\(1, 5\)"):
        dense(np.ones((1, 5), "float32"))
    with pytest.raises(ValueError, match=r"head.*min_ndim=2"):
        dense(np.ones((3,), "float32"))


def test_auto_get_config_and_round_trip():
    layer = Scale(factor=3.0, name="scaler")
    config = layer.get_config()
    assert config["factor"] == 3.0 and config["name"] == "scaler"
    clone = Scale.from_config(config)
    assert clone.factor == 3.0 and clone.name == "scaler"


def test_unserializable_constructor_argument_needs_get_config():
    class Holder(layers.Layer):
        def __init__(self, table, **kwargs):
            super().__init__(**kwargs)
            self.table = table

    with pytest.raises(NotImplementedError, match="get_config"):
        Holder(np.ones(2)).get_config()


def test_uninitialized_subclass_gives_clear_error():
    class Broken(layers.Layer):
        def __init__(self):
            pass

        def call(self, x):
            return x

    with pytest.raises(RuntimeError, match="super"):
        Broken()(np.ones((1,), "float32"))


def test_compute_output_shape_from_symbolic_trace():
    assert Scale().compute_output_shape((None, 5)) == (None, 5)
    out = Block()(kc.KerasTensor((None, 4)))
    assert out.shape == (None, 3)


def test_get_set_weights_checks_shapes():
    layer = Scale(name="s")
    layer.build((None, 2))
    layer.set_weights([np.array([2.0, 3.0], "float32"), np.array(1.0, "float32")])
    assert_close(layer(np.ones((1, 2), "float32")), np.array([[3.0, 4.0]], "float32"))
    with pytest.raises(ValueError, match=r"s.*w.*\(2,\).*\(3,\)"):
        layer.set_weights([np.ones(3, "float32"), np.array(1.0, "float32")])
    with pytest.raises(ValueError, match="2 arrays"):
        layer.set_weights([np.ones(2, "float32")])


class Counter(layers.Layer):
    """Counts calls in a non-trainable variable (like batch-norm statistics)."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False)

    def call(self, x):
        self.count.assign(self.count + 1.0)
        self.add_loss(ops.sum(self.w))
        return x * self.w


def test_stateless_call_returns_new_state_and_leaves_variables():
    layer = Counter()
    layer.build((None, 2))
    x = np.ones((1, 2), "float32")
    out, non_trainable, losses = layer.stateless_call(
        [np.array([2.0, 3.0], "float32")], [np.array(5.0, "float32")], x, return_losses=True)
    assert_close(out, np.array([[2.0, 3.0]], "float32"))
    assert_close(non_trainable[0], np.float32(6.0))
    assert_close(losses[0], np.float32(5.0))
    assert_close(layer.count, np.float32(0.0))
    assert_close(layer.w, np.ones(2, "float32"))
    with pytest.raises(ValueError, match="1 trainable_variables"):
        layer.stateless_call([], [np.array(5.0, "float32")], x)


@pytest.mark.skipif(BACKEND != "jax", reason="jax.jit/jax.grad integration")
def test_stateless_call_under_jax_jit_and_grad():
    import jax
    import jax.numpy as jnp

    layer = Counter()
    layer.build((None, 2))
    x = jnp.ones((3, 2))

    @jax.jit
    def loss_fn(w, count):
        out, (new_count,) = layer.stateless_call([w], [count], x)
        return jnp.sum(out ** 2), new_count

    (value, new_count), grads = jax.value_and_grad(loss_fn, has_aux=True)(
        jnp.array([1.0, 2.0]), jnp.array(0.0))
    assert float(value) == pytest.approx(15.0)
    assert float(new_count) == 1.0
    assert_close(grads, np.array([6.0, 12.0], "float32"))


@pytest.mark.skipif(BACKEND != "torch", reason="torch.nn.Module integration")
def test_layers_are_torch_modules():
    import torch

    inputs = kc.Input((3,))
    hidden = layers.Dense(4, name="hidden")
    model = kc.Model(inputs, layers.Dense(1, name="out")(hidden(inputs)))
    assert isinstance(model, torch.nn.Module)
    assert len(list(model.parameters())) == 4
    assert set(model.state_dict()) == {"hidden.kernel", "hidden.bias", "out.kernel", "out.bias"}
    model.to("cpu")
    before = hidden.kernel.numpy().copy()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss = model(torch.ones(2, 3)).sum()
    loss.backward()
    optimizer.step()
    assert not np.allclose(hidden.kernel.numpy(), before)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="tf.GradientTape integration")
def test_gradient_tape_sees_trainable_variables():
    import tensorflow as tf

    model = kc.Sequential([kc.Input((3,)), layers.Dense(2), layers.Dense(1)])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(tf.ones((2, 3))))
    grads = tape.gradient(loss, model.trainable_variables)
    assert len(grads) == 4 and all(g is not None for g in grads)


def test_mixed_precision_layer_computes_in_float16_keeps_float32_weights():
    dense = layers.Dense(3, dtype="mixed_float16", kernel_initializer="ones")
    y = dense(np.ones((2, 4), "float32"))
    assert kc.dtypes.standardize_dtype(y.dtype) == "float16"
    assert dense.kernel.dtype == "float32" and dense.compute_dtype == "float16"
    assert_close(y, np.full((2, 3), 4.0, "float16"))
    assert dense.get_config()["dtype"]["config"]["name"] == "mixed_float16"


def test_add_weight_resolves_names_and_attaches_regularizer_and_constraint():
    class WithConstraint(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(2,), initializer="ones", regularizer="l2",
                                     constraint="non_neg")

        def call(self, x):
            return x * self.w

    layer = WithConstraint()
    layer.build((None, 2))
    assert isinstance(layer.w.regularizer, kc.regularizers.L2)
    assert isinstance(layer.w.constraint, kc.constraints.NonNeg)
    assert_close(layer.losses[0], np.float32(0.01 * 2))
    with pytest.raises(ValueError, match="glorot_uniform"):
        layer.add_weight(shape=(1,), initializer="not_an_initializer")


class _WithUnits(layers.Layer):
    def __init__(self, units=1, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def get_config(self):
        return {**super().get_config(), "units": self.units}


_L2 = {"module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.01},
       "registered_name": None}


@pytest.mark.parametrize("make, expected", [  # Keras 3: a subclass writes it only when set
    (lambda: layers.Dense(3, activity_regularizer="l2"), _L2),
    (lambda: layers.Dense(3), "absent"),
    (lambda: layers.Flatten(activity_regularizer="l2"), _L2),
    (lambda: _WithUnits(activity_regularizer="l2"), _L2),
    (lambda: _WithUnits(), "absent"),
    (lambda: layers.Layer(), None),  # the bare Layer always writes it
])
def test_activity_regularizer_in_config_and_round_trip(make, expected):
    layer = make()
    config = layer.get_config()
    assert config.get("activity_regularizer", "absent") == expected
    clone = type(layer).from_config(config)
    assert type(clone.activity_regularizer) is type(layer.activity_regularizer)
