"""kc.losses API: Loss reductions, sample weights, masks, dtypes, configs, get/serialize, errors.

Reduction semantics (checked against Keras 3.15 with the oracle when this was written):
"sum_over_batch_size" and "mean" divide the weighted sum by the number of (unmasked)
values; "mean_with_sample_weight" divides by the sum of the (masked) weights.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import kc
from kc import losses
from kc_testing import assert_close, keras_oracle

Y_TRUE = np.zeros((2, 3), "float32")
Y_PRED = np.arange(6, dtype="float32").reshape(2, 3)
SQ = Y_PRED**2  # elementwise squared errors


class Elementwise(losses.Loss):
    """Per-element squared error (no averaging), to test reductions on rank-2 values."""

    def call(self, y_true, y_pred):
        return kc.ops.square(y_true - y_pred)


W_FULL = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]], "float32")
MASK = np.array([[True, True, False], [True, False, False]])

# (reduction, sample_weight, mask, expected) for Elementwise on Y_TRUE, Y_PRED.
REDUCTION_CASES = [
    ("sum", None, None, SQ.sum()),
    ("sum_over_batch_size", None, None, SQ.mean()),
    ("mean", None, None, SQ.mean()),
    ("mean_with_sample_weight", None, None, SQ.mean()),
    ("none", None, None, SQ),
    (None, None, None, SQ),
    ("sum", W_FULL, None, (SQ * W_FULL).sum()),
    ("sum_over_batch_size", W_FULL, None, (SQ * W_FULL).sum() / 6),
    ("mean", W_FULL, None, (SQ * W_FULL).sum() / 6),
    ("mean_with_sample_weight", W_FULL, None, (SQ * W_FULL).sum() / W_FULL.sum()),
    (None, W_FULL, None, SQ * W_FULL),
    ("sum_over_batch_size", None, MASK, (SQ * MASK).sum() / MASK.sum()),
    ("mean_with_sample_weight", None, MASK, (SQ * MASK).sum() / MASK.sum()),
    ("sum", None, MASK, (SQ * MASK).sum()),
    (None, None, MASK, SQ * MASK),
    ("sum_over_batch_size", W_FULL, MASK, (SQ * W_FULL * MASK).sum() / MASK.sum()),
    ("mean_with_sample_weight", W_FULL, MASK,
     (SQ * W_FULL * MASK).sum() / (W_FULL * MASK).sum()),
    # Weights broadcast: per-sample (batch, 1), per-sample (batch,) expanded, and a scalar.
    ("sum", np.array([[1.0], [3.0]], "float32"), None, (SQ * [[1.0], [3.0]]).sum()),
    ("sum", np.array([1.0, 3.0], "float32"), None, (SQ * [[1.0], [3.0]]).sum()),
    ("mean_with_sample_weight", np.array([1.0, 3.0], "float32"), None,
     (SQ * [[1.0], [3.0]]).sum() / 12.0),
    ("sum_over_batch_size", np.float32(2.0), None, (SQ * 2).mean()),
    # Per-class weights (classes,) broadcast along the last axis, as NumPy (and Keras).
    ("sum", np.array([1.0, 0.0, 2.0], "float32"), None, (SQ * [1.0, 0.0, 2.0]).sum()),
]


def _with_mask(x, mask):
    # A copy: on NumPy, convert_to_tensor returns the array itself, and the mask would stick
    # to the module-level array for later tests.
    t = kc.ops.convert_to_tensor(np.array(x, copy=True))
    if mask is not None:
        kc.backend.set_keras_mask(t, kc.ops.convert_to_tensor(mask))
    return t


@pytest.mark.parametrize("case", REDUCTION_CASES,
                         ids=lambda c: f"{c[0]}-w{c[1] is not None}-m{c[2] is not None}")
def test_reductions_weights_and_masks(case):
    reduction, weight, mask, expected = case
    loss = Elementwise(reduction=reduction)
    got = loss(Y_TRUE, _with_mask(Y_PRED, mask), sample_weight=weight)
    assert_close(got, np.asarray(expected, "float32"), dtype="float32")


def test_per_sample_mask_on_a_builtin_loss():
    # MSE per sample: [5/3, 50/3]; the mask drops the second sample.
    y_pred = _with_mask(Y_PRED, np.array([True, False]))
    assert_close(losses.MeanSquaredError()(Y_TRUE, y_pred), SQ[0].mean(), dtype="float32")
    assert_close(losses.MeanSquaredError(reduction=None)(Y_TRUE, y_pred), [SQ[0].mean(), 0.0],
                 dtype="float32")
    y_pred = _with_mask(Y_PRED, np.array([1.0, 0.0], "float32"))  # float masks work too
    assert_close(losses.MeanSquaredError(reduction="sum")(Y_TRUE, y_pred), SQ[0].mean(),
                 dtype="float32")


def test_fully_masked_batch_gives_zero_not_nan():
    y_pred = _with_mask(Y_PRED, np.array([False, False]))
    assert_close(losses.MeanSquaredError()(Y_TRUE, y_pred), 0.0, dtype="float32")


def test_function_forms_ignore_masks_and_squeeze_trailing_axis():
    y_pred = np.array([[0.2], [0.7]], "float32")
    got = losses.mean_squared_error(np.array([0.0, 1.0], "float32"), y_pred)
    assert_close(got, [0.04, 0.09], dtype="float32")
    assert_close(losses.MeanSquaredError()(np.array([0, 1]), y_pred), 0.065, dtype="float32")


def test_loss_dtype_and_integer_inputs():
    assert losses.MeanSquaredError().dtype == kc.config.floatx()
    assert losses.MeanSquaredError(dtype="float16").dtype == "float16"
    got = losses.MeanSquaredError()(np.array([[0, 1]]), np.array([[1, 1]]))
    assert_close(got, 0.5, dtype="float32")
    policy = kc.dtype_policies.DTypePolicy("mixed_float16")
    assert losses.MeanSquaredError(dtype=policy).dtype == "float16"


def test_default_and_auto_names():
    assert losses.MeanSquaredError().name == "mean_squared_error"
    assert losses.Huber().name == "huber_loss"
    assert losses.Huber(name=None).name.startswith("huber")
    assert losses.LossFunctionWrapper(losses.mean_squared_error).name.startswith(
        "loss_function_wrapper")


def test_base_loss_call_is_abstract():
    with pytest.raises(NotImplementedError, match="call"):
        losses.Loss()(Y_TRUE, Y_PRED)


# --- configs and (de)serialization ---------------------------------------------------------
CONFIG_CASES = [
    ("MeanSquaredError", {"reduction": "sum"}),
    ("MeanAbsoluteError", {"name": "mae_x"}),
    ("MeanAbsolutePercentageError", {}),
    ("MeanSquaredLogarithmicError", {}),
    ("CosineSimilarity", {"axis": 0}),
    ("Huber", {"delta": 2.5}),
    ("LogCosh", {"reduction": None}),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1, "axis": 0}),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.4, "gamma": 3.0}),
    ("CategoricalCrossentropy", {"label_smoothing": 0.2}),
    ("CategoricalFocalCrossentropy", {"alpha": 0.1, "gamma": 1.0, "from_logits": True}),
    ("SparseCategoricalCrossentropy", {"ignore_class": 3, "axis": 1}),
    ("KLDivergence", {}),
    ("Poisson", {"reduction": "mean_with_sample_weight"}),
    ("CategoricalGeneralizedCrossEntropy", {"q": 0.2}),
    ("Hinge", {}),
    ("SquaredHinge", {}),
    ("CategoricalHinge", {}),
    ("Dice", {"axis": (1, 2)}),
    ("Tversky", {"alpha": 0.3, "beta": 0.7, "axis": -1}),
    ("Circle", {"gamma": 10.0, "margin": 0.2, "remove_diagonal": False}),
    ("CTC", {"name": "my_ctc"}),
]


@pytest.mark.parametrize("case", CONFIG_CASES, ids=lambda c: c[0])
def test_config_round_trips(case):
    cls_name, kwargs = case
    cls = getattr(losses, cls_name)
    loss = cls(**kwargs)
    config = loss.get_config()
    for key, value in kwargs.items():
        assert config[key] == value
    assert cls.from_config(config).get_config() == config
    serialized = losses.serialize(loss)
    assert serialized["module"] == "keras.losses" and serialized["class_name"] == cls_name
    restored = losses.deserialize(serialized)
    assert type(restored) is cls and restored.get_config() == config
    assert type(losses.get(serialized)) is cls


@pytest.mark.slow  # imports Keras (20-40 s on a shared machine)
def test_configs_match_keras():
    """Default configs equal Keras 3.15's, except the keys Keras forgets to write."""
    keras = keras_oracle()
    extra = {"CosineSimilarity": {"axis"}, "Huber": {"delta"},
             "SparseCategoricalCrossentropy": {"axis"}}
    for cls_name, _ in CONFIG_CASES:
        ours = getattr(losses, cls_name)().get_config()
        theirs = getattr(keras.losses, cls_name)().get_config()
        for key in extra.get(cls_name, ()):
            ours.pop(key)
        assert ours == theirs, cls_name


@pytest.mark.slow  # imports Keras
def test_signatures_match_keras():
    keras = keras_oracle()
    for name in dir(keras.losses):
        if name.startswith("_"):
            continue
        ours, theirs = getattr(losses, name), getattr(keras.losses, name)
        assert _params(ours) == _params(theirs), name


def _params(fn):
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


def test_loss_function_wrapper_config_round_trip():
    loss = losses.LossFunctionWrapper(losses.huber, reduction="sum", name="w", delta=3.0)
    config = loss.get_config()
    assert config == {"name": "w", "reduction": "sum", "delta": 3.0,
                      "fn": {"module": "builtins", "class_name": "function",
                             "config": "huber", "registered_name": "function"}}
    restored = losses.LossFunctionWrapper.from_config(config)
    assert restored.fn is losses.huber
    assert_close(restored(np.zeros((1, 1)), np.full((1, 1), 4.0)), 3.0 * 4.0 - 4.5,
                 dtype="float32")
    assert losses.deserialize(losses.serialize(loss)).get_config() == config


@pytest.mark.parametrize("name,expected", [
    ("mse", "mean_squared_error"), ("MSE", "mean_squared_error"), ("mae", "mean_absolute_error"),
    ("MAPE", "mean_absolute_percentage_error"), ("msle", "mean_squared_logarithmic_error"),
    ("kld", "kl_divergence"), ("KLD", "kl_divergence"), ("bce", "binary_crossentropy"),
    ("huber", "huber"), ("log_cosh", "log_cosh"), ("ctc", "ctc"), ("dice", "dice"),
    ("categorical_generalized_cross_entropy", "categorical_generalized_cross_entropy"),
])
def test_get_names_give_functions(name, expected):
    assert losses.get(name) is getattr(losses, expected)
    assert losses.deserialize(name) is getattr(losses, expected)


def test_get_other_identifiers():
    assert losses.get(None) is None
    assert type(losses.get("MeanSquaredError")) is losses.MeanSquaredError
    loss = losses.Huber()
    assert losses.get(loss) is loss

    def custom(y_true, y_pred):
        return y_pred

    assert losses.get(custom) is custom
    config = losses.serialize(losses.mean_squared_error)
    assert config == {"module": "builtins", "class_name": "function",
                      "config": "mean_squared_error", "registered_name": "function"}
    assert losses.get(config) is losses.mean_squared_error
    assert losses.serialize("mse") == "mse" and losses.serialize(None) is None


def test_custom_objects_and_registered_losses():
    class Scaled(losses.Loss):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, y_true, y_pred):
            return self.factor * kc.ops.mean(kc.ops.abs(y_true - y_pred), axis=-1)

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    config = losses.serialize(Scaled(3.0, name="s"))
    restored = losses.deserialize(config, custom_objects={"Scaled": Scaled})
    assert restored.factor == 3.0 and restored.name == "s"
    assert_close(restored([[0.0, 0.0]], [[1.0, 3.0]]), 6.0, dtype="float32")


# --- errors ----------------------------------------------------------------------------------
def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"unknown loss 'msee'.*mean_squared_error"):
        losses.get("msee")
    with pytest.raises(ValueError, match="could not interpret loss identifier 3"):
        losses.get(3)


def test_invalid_reduction():
    with pytest.raises(ValueError, match=r"MeanSquaredError.*`reduction`.*got reduction='avg'"):
        losses.MeanSquaredError(reduction="avg")


def test_invalid_q():
    with pytest.raises(ValueError, match=r"`q`.*\(0, 1\).*q=1.5"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.5)


@pytest.mark.parametrize("fn,y_true_shape,y_pred_shape", [
    ("mean_squared_error", (2, 3), (2, 4)),
    ("mean_absolute_error", (2, 3), (3, 3)),
    ("hinge", (2,), (2, 3)),
    ("dice", (4,), (2, 2)),
    ("binary_crossentropy", (2, 1), (2, 3)),
    ("categorical_crossentropy", (2, 1), (2, 3)),
])
def test_mismatched_shapes_raise_clear_errors(fn, y_true_shape, y_pred_shape):
    message = (rf"{fn}: `y_true` and `y_pred` must have the same shape.*"
               rf"{re.escape(str(y_true_shape))}.*{re.escape(str(y_pred_shape))}")
    y_true, y_pred = np.zeros(y_true_shape, "float32"), np.ones(y_pred_shape, "float32")
    with pytest.raises(ValueError, match=message):
        getattr(losses, fn)(y_true, y_pred)
    with pytest.raises(ValueError, match=message):
        losses.LossFunctionWrapper(getattr(losses, fn))(y_true, y_pred)


def test_categorical_with_integer_labels_hints_at_the_sparse_form():
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        losses.categorical_crossentropy(np.zeros((2, 1)), np.ones((2, 3)) / 3)


def test_sparse_label_shape_error():
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy: `y_true` must have "
                                         r"the shape of `y_pred` without its class axis"):
        losses.sparse_categorical_crossentropy(np.zeros((2, 3)), np.ones((2, 3)) / 3)
