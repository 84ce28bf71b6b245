"""`CompileLoss` and `CompileMetrics`: the losses and metrics given to `Model.compile`.

Both apply a specification — one item, a list (one per output) or a dict (by output
name) — to the model's outputs, as Keras 3 does:

* outputs are named by the model (`output_names_of`: a functional model's output layers,
  or the keys of a dict of outputs); unnamed outputs (a subclassed model returning a list)
  are matched by position;
* a single loss applies to every output; the total is the sum of each output's loss times
  its ``loss_weights`` entry; with more than one loss, each output's (unweighted) loss is
  tracked by a `Mean` named ``"<output>_loss"`` (``"<loss name>_loss"`` when unnamed);
* ``metrics`` see no sample weights, ``weighted_metrics`` do; a weighted metric whose
  name an unweighted one already uses is logged as ``"weighted_<name>"``; the logs of a
  multi-output model are prefixed with the output name (``"out1_accuracy"``);
* ``"accuracy"``/``"acc"`` become `BinaryAccuracy` (output's last axis of size 1),
  `SparseCategoricalAccuracy` (integer labels: ``y_true`` of lower rank, or a last axis of
  size 1 against several classes) or `CategoricalAccuracy`, from the shapes. kc also
  resolves ``"crossentropy"``/``"ce"`` the same way (Keras 3.15 rejects them; Keras 2 took
  them).

Example:
    >>> loss = CompileLoss(["categorical_crossentropy", "mse"], loss_weights=[1.0, 0.5],
    ...                    output_names=["label", "score"])
    >>> total = loss([y_label, y_score], [p_label, p_score])
"""

from __future__ import annotations

import numpy as np

from kc import losses as losses_module
from kc import metrics as metrics_module
from kc import ops, tree
from kc.backend.common.naming import to_snake_case
from kc.metrics import Metric

_ACCURACY = ("accuracy", "acc")
_CROSSENTROPY = ("crossentropy", "ce")


def output_names_of(model) -> list | None:
    """The names of a model's outputs, as Keras 3 logs them (None when they have none).

    A functional model names its outputs after the layers that make them; a dict of
    outputs is named by its keys (resolved from the outputs themselves at build).
    """
    struct = model.__dict__.get("_kc_outputs_struct")
    if isinstance(struct, dict):
        return None  # named by their keys
    names = getattr(model, "output_names", None)
    if names:
        return list(names)
    if struct is None:
        return None
    names = []
    for t in tree.flatten(struct):
        history = getattr(t, "_keras_history", None)
        if history is None:
            return None
        names.append(history[0].name)
    return names


def _shape(x) -> tuple:
    return tuple(x.shape)


def _is_leaf(x) -> bool:
    return not isinstance(x, (list, tuple, dict))


class _Outputs:
    """How a structure of model outputs is flattened and named, fixed at build.

    ``kind`` is "single" (one tensor), "list" or "dict"; ``names`` lists the outputs'
    names (None for unnamed outputs); ``keys`` the dict keys in flattening order.
    """

    def __init__(self, y_pred, output_names):
        if _is_leaf(y_pred):
            self.kind, self.keys, self.count = "single", None, 1
            self.names = list(output_names[:1]) if output_names and len(output_names) == 1 \
                else [None]
        elif isinstance(y_pred, dict):
            self.kind = "dict"
            self.keys = sorted(y_pred)
            self.count = len(self.keys)
            self.names = list(self.keys)
        else:
            self.kind, self.keys = "list", None
            self.count = len(y_pred)
            if output_names and len(output_names) == self.count:
                self.names = list(output_names)
            else:
                self.names = [None] * self.count
        self.named = all(n is not None for n in self.names)

    def describe(self) -> str:
        if self.named:
            return f"{self.count} output(s) named {self.names}"
        return f"{self.count} unnamed output(s)"

    def flat_pred(self, y_pred) -> list:
        if self.kind == "single":
            if not _is_leaf(y_pred):
                y_pred = tree.flatten(y_pred)
                if len(y_pred) != 1:
                    raise ValueError(f"expected one model output, got {len(y_pred)}.")
                return y_pred
            return [y_pred]
        if self.kind == "dict":
            return [y_pred[k] for k in self.keys]
        return list(y_pred)

    def align(self, value, what: str, allow_broadcast: bool = False) -> list:
        """``value`` (y_true or sample_weight) as a list with one entry per output."""
        n = self.count
        if value is None:
            return [None] * n
        if _is_leaf(value):
            if n == 1 or allow_broadcast:
                return [value] * n
            raise ValueError(
                f"{what} must have one entry per model output ({self.describe()}): a list of "
                f"{n} or a dict keyed by output name; got a single {type(value).__name__} "
                f"of shape {getattr(value, 'shape', None)}."
            )
        if isinstance(value, dict):
            if self.named:
                unknown = sorted(set(value) - set(self.names))
                if unknown:
                    raise ValueError(
                        f"{what}: keys {unknown} are not output names; the model's outputs "
                        f"are {self.names}."
                    )
                return [value.get(name) for name in self.names]
            if n == 1 and len(value) == 1:
                return list(value.values())
            raise ValueError(
                f"{what} is a dict (keys {sorted(value)}) but the model's outputs have no "
                f"names ({self.describe()}); pass a list."
            )
        value = list(value)
        if len(value) != n:
            if n == 1 and len(value) > 1 and what == "y":  # nested target of one output
                return [value]
            raise ValueError(
                f"{what} must have one entry per model output ({self.describe()}); got a "
                f"{type(value).__name__} of {len(value)}."
            )
        return value


def _per_output_spec(spec, outputs: _Outputs, what: str, leaf_applies_to_all: bool) -> list:
    """A loss/metrics/loss_weights argument as a list with one entry per output."""
    n = outputs.count
    if isinstance(spec, dict):
        if not outputs.named:
            if n == 1 and len(spec) == 1:
                return list(spec.values())
            raise ValueError(
                f"`{what}` is a dict (keys {sorted(spec)}) but the model's outputs have no "
                f"names ({outputs.describe()}); pass a list with one entry per output."
            )
        unknown = sorted(set(spec) - set(outputs.names))
        if unknown:
            raise ValueError(
                f"`{what}`: keys {unknown} are not output names; expected keys among "
                f"{outputs.names}, got {sorted(spec)}."
            )
        return [spec.get(name) for name in outputs.names]
    if isinstance(spec, (list, tuple)):
        if len(spec) != n:
            raise ValueError(
                f"`{what}` must have one entry per model output ({outputs.describe()}): "
                f"expected {n}, got {len(spec)} ({list(spec)!r}). Use None for an output "
                "without one."
            )
        return list(spec)
    if n == 1 or leaf_applies_to_all:
        return [spec] * n
    raise ValueError(
        f"`{what}` must be a list with one entry per model output or a dict keyed by output "
        f"name ({outputs.describe()}); got {spec!r}."
    )


def _uniquify(name: str, used: set) -> str:
    if name not in used:
        return name
    i = 1
    while f"{name}_{i}" in used:
        i += 1
    return f"{name}_{i}"


# Losses -------------------------------------------------------------------------------------
def _loss_object(identifier, reduction: str, where: str):
    """``(loss callable, name)`` for one output's loss identifier."""
    if isinstance(identifier, losses_module.Loss):
        return identifier, identifier.name
    if isinstance(identifier, str):
        name = identifier
        fn = losses_module.get(identifier)
    elif isinstance(identifier, dict):
        fn = losses_module.get(identifier)
        name = getattr(fn, "name", None) or getattr(fn, "__name__", "loss")
    elif callable(identifier):
        fn, name = identifier, getattr(identifier, "__name__", None) or to_snake_case(
            type(identifier).__name__)
    else:
        raise TypeError(
            f"{where}: a loss must be a name, a `kc.losses.Loss`, a function or None; got "
            f"{type(identifier).__name__}: {identifier!r}."
        )
    if isinstance(fn, losses_module.Loss):
        return fn, fn.name if not isinstance(identifier, str) else name
    return losses_module.LossFunctionWrapper(fn, reduction=reduction, name=name), name


def _is_sparse_loss(loss) -> bool:
    fn = getattr(loss, "fn", None)
    name = getattr(fn, "__name__", None) or type(loss).__name__
    return "sparse" in name.lower() or "Sparse" in type(loss).__name__


class CompileLoss:
    """The loss(es) of `Model.compile`, applied to the model's outputs.

    Args:
        loss: a loss (name, `kc.losses.Loss` or function) for every output, a list with
            one per output, or a dict ``{output_name: loss}`` naming every output (None:
            no loss for that output).
        loss_weights: a float (one output), a list or a dict of per-output weights
            (default 1.0).
        reduction: the reduction of losses given as names or functions.
        output_names: the model's output names (see `output_names_of`).

    Called as ``compile_loss(y_true, y_pred, sample_weight=None)``: the weighted sum of the
    outputs' losses (None when no output has a loss).

    Example:
        >>> cl = CompileLoss("mse")
        >>> float(cl(np.ones((2, 1)), np.zeros((2, 1))))
        1.0
    """

    def __init__(self, loss, loss_weights=None, reduction="sum_over_batch_size",
                 output_names=None):
        self._loss_spec = loss
        self._weights_spec = loss_weights
        self.reduction = reduction
        self.output_names = list(output_names) if output_names else None
        self.built = False
        self._outputs = None
        self._entries = []  # (index, loss, weight, name)
        self._trackers = []  # Mean per output loss (multi-loss models), aligned with _entries
        self._single = None  # the one entry of a one-output model: the per-step fast path

    @property
    def metrics(self) -> list:
        """The per-output loss trackers (``"<output>_loss"``); empty for one loss."""
        return list(self._trackers)

    @property
    def variables(self) -> list:
        return [v for m in self._trackers for v in m.variables]

    def build(self, y_true, y_pred) -> None:
        """Resolve the losses and weights against the outputs (tensors or KerasTensors)."""
        from kc import backend

        outputs = _Outputs(y_pred, self.output_names)
        where = "compile(loss=...)"
        per_output = _per_output_spec(self._loss_spec, outputs, "loss", True)
        if isinstance(self._loss_spec, dict) and outputs.named:
            missing = [n for n in outputs.names if n not in self._loss_spec]
            if missing:  # Keras 3 asks for every output in a loss dict
                raise ValueError(
                    f"`loss` dict: expected keys {outputs.names}, got {sorted(self._loss_spec)}"
                    f" (missing {missing}); use None for an output without a loss."
                )
        weights = self._weights_spec
        if weights is None:
            weights = [None] * outputs.count
        elif isinstance(weights, (int, float)) and outputs.count == 1:
            weights = [float(weights)]
        elif isinstance(weights, (list, tuple)) and len(weights) != outputs.count:
            raise ValueError(
                f"`loss_weights` must have one weight per output ({outputs.describe()}): "
                f"expected {outputs.count}, got {len(weights)} ({list(weights)!r})."
            )
        else:
            weights = _per_output_spec(weights, outputs, "loss_weights", False)
        entries = []
        for i, (spec, weight) in enumerate(zip(per_output, weights)):
            if spec is None:
                continue
            loss, loss_name = _loss_object(spec, self.reduction, where)
            entries.append((i, loss, None if weight is None else float(weight), loss_name))
        if isinstance(self._loss_spec, dict) and outputs.named:
            # Keras 3 sums the losses and makes the "<output>_loss" trackers in the order of
            # the user's loss dict, not of the outputs.
            order = {name: k for k, name in enumerate(self._loss_spec)}
            entries.sort(key=lambda entry: order[outputs.names[entry[0]]])
        self._outputs = outputs
        self._entries = entries
        self._trackers = []
        if len(entries) > 1:
            used: set = set()
            with backend.name_scope("compile_loss"):
                for i, _, _, loss_name in entries:
                    base = outputs.names[i] if outputs.names[i] is not None else loss_name
                    name = _uniquify(f"{base}_loss", used)
                    used.add(name)
                    self._trackers.append(metrics_module.Mean(name=name))
        self._single = entries[0] if outputs.kind == "single" and len(entries) == 1 else None
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        single = self._single
        if (single is not None and y_true is not None and _is_leaf(y_true)
                and _is_leaf(y_pred) and _is_leaf(sample_weight)):
            # One output, one loss, plain tensors: what the general path below does, without
            # building the per-output lists on every step.
            _, loss, weight, loss_name = single
            try:
                value = loss(y_true, y_pred, sample_weight)
            except Exception as e:
                self._raise_shape_error(e, 0, loss, loss_name, y_true, y_pred)
                raise
            return value if weight is None else value * weight
        outputs = self._outputs
        preds = outputs.flat_pred(y_pred)
        trues = outputs.align(y_true, "y")
        weights = outputs.align(sample_weight, "sample_weight", allow_broadcast=True)
        total = None
        trackers = self._trackers
        for k, (i, loss, weight, loss_name) in enumerate(self._entries):
            y_t, y_p = trues[i], preds[i]
            if y_t is None:
                raise ValueError(
                    f"compile loss: output {self._label(i)} has a loss ({loss_name}) but no "
                    f"target was given for it (y_pred shape {_shape(y_p)})."
                )
            try:
                value = loss(y_t, y_p, weights[i])
            except Exception as e:
                self._raise_shape_error(e, i, loss, loss_name, y_t, y_p)
                raise
            if trackers:
                trackers[k].update_state(value, sample_weight=_batch_size(y_p))
            if weight is not None:
                value = value * weight
            total = value if total is None else total + value
        return total

    def _label(self, i: int) -> str:
        name = self._outputs.names[i]
        return repr(name) if name is not None else f"#{i}"

    def _raise_shape_error(self, error, i, loss, loss_name, y_true, y_pred) -> None:
        """Re-raise a failing loss call as a ValueError naming the output and the shapes, when
        the target's shape is what does not fit."""
        t_shape = _shape(y_true) if hasattr(y_true, "shape") else np.shape(y_true)
        p_shape = _shape(y_pred)
        if _is_sparse_loss(loss):
            expected = f"{p_shape[:-1]} or {p_shape[:-1] + (1,)} (integer class labels)"
            ok = t_shape in (p_shape[:-1], p_shape[:-1] + (1,))
        else:
            expected = f"{p_shape} (the output's shape)"
            ok = _compatible(t_shape, p_shape)
        if ok:
            return
        raise ValueError(
            f"compile loss: the target y for output {self._label(i)} does not fit its loss "
            f"{loss_name!r}: expected shape {expected}, received y of shape {t_shape} (the "
            f"model output has shape {p_shape}). Loss error: {error}"
        ) from error


def _compatible(t: tuple, p: tuple) -> bool:
    """Whether a target shape fits an output shape (same shape up to a trailing 1)."""
    if len(t) == len(p) + 1 and t[-1] == 1:
        t = t[:-1]
    elif len(p) == len(t) + 1 and p[-1] == 1:
        p = p[:-1]
    if len(t) != len(p):
        return False
    return all(a is None or b is None or a == b or a == 1 or b == 1 for a, b in zip(t, p))


def _batch_size(x):
    shape = x.shape
    if not len(shape):
        return 1
    return shape[0] if shape[0] is not None else ops.shape(x)[0]


# Metrics ------------------------------------------------------------------------------------
def _resolve_by_shapes(identifier: str, y_true, y_pred):
    """The accuracy / crossentropy metric class Keras 3 picks for these shapes."""
    p = _shape(y_pred)
    t = _shape(y_true) if y_true is not None and hasattr(y_true, "shape") else p
    if len(p) and p[-1] == 1:
        kind = "binary"
    elif len(t) < len(p) or (len(t) and t[-1] == 1 and len(p) and p[-1] != 1):
        kind = "sparse"
    else:
        kind = "categorical"
    table = {
        "accuracy": {"binary": metrics_module.BinaryAccuracy,
                     "sparse": metrics_module.SparseCategoricalAccuracy,
                     "categorical": metrics_module.CategoricalAccuracy},
        "crossentropy": {"binary": metrics_module.BinaryCrossentropy,
                         "sparse": metrics_module.SparseCategoricalCrossentropy,
                         "categorical": metrics_module.CategoricalCrossentropy},
    }
    family = "accuracy" if identifier in _ACCURACY else "crossentropy"
    return table[family][kind](name=identifier)


def _metric_object(identifier, y_true, y_pred, where: str):
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if identifier in _ACCURACY or identifier in _CROSSENTROPY:
            return _resolve_by_shapes(identifier, y_true, y_pred)
        try:
            metric = metrics_module.get(identifier)
        except ValueError as e:
            raise ValueError(
                f"{where}: unknown metric {identifier!r}. Besides the names below, "
                f"{list(_ACCURACY + _CROSSENTROPY)} are resolved from the output's shape. {e}"
            ) from e
        if isinstance(metric, Metric):
            metric.name = identifier  # Keras logs a metric given by name under that name
            return metric
        return metrics_module.MeanMetricWrapper(metric, name=identifier)
    if isinstance(identifier, dict):
        metric = metrics_module.get(identifier)
        if isinstance(metric, Metric):
            return metric
        return metrics_module.MeanMetricWrapper(metric, name=metric.__name__)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return metrics_module.MeanMetricWrapper(
            identifier, name=getattr(identifier, "__name__", None))
    raise TypeError(
        f"{where}: a metric must be a name, a `kc.metrics.Metric` or a function; got "
        f"{type(identifier).__name__}: {identifier!r}."
    )


def _check_top_level(spec, what: str) -> None:
    if spec is not None and not isinstance(spec, (list, tuple, dict)):
        raise ValueError(
            f"Expected `{what}` to be a list, a tuple or a dict (by output name); got "
            f"{what}={spec!r} of type {type(spec).__name__}."
        )


class CompileMetrics(Metric):
    """The metrics of `Model.compile`: one `Metric` (named "compile_metrics") whose
    `result` is a dict of every metric's value.

    Args:
        metrics: a list of metrics (one output), a list with one entry (a metric or a list
            of metrics, or None) per output, or a dict ``{output_name: metrics}``. Entries
            are names, `Metric` objects or functions.
        weighted_metrics: the same, for metrics that receive the sample weights.
        name: default "compile_metrics".
        output_names: the model's output names (see `output_names_of`).

    Example:
        >>> cm = CompileMetrics(["accuracy"], None)
        >>> cm.update_state(np.array([[1.0]]), np.array([[0.8]]))
        >>> cm.result()
        {'accuracy': array(1., dtype=float32)}
    """

    def __init__(self, metrics, weighted_metrics, name: str = "compile_metrics",
                 output_names=None):
        super().__init__(name=name)
        _check_top_level(metrics, "metrics")
        _check_top_level(weighted_metrics, "weighted_metrics")
        self._metrics_spec = metrics
        self._weighted_spec = weighted_metrics
        self.output_names = list(output_names) if output_names else None
        self.built = False
        self._outputs = None
        self._unweighted = []  # (output index, metric, result key)
        self._weighted = []
        self._all = []  # unweighted then weighted
        self._single = False  # one output: the per-step fast path

    @property
    def metrics(self) -> list:
        """The metric objects, unweighted first (in output order), then weighted."""
        return [m for _, m, _ in self._unweighted + self._weighted]

    @property
    def variables(self) -> list:
        out = []
        for metric in self.metrics:
            out.extend(v for v in metric.variables if not any(v is o for o in out))
        return out

    def _per_output(self, spec, outputs: _Outputs, what: str) -> list:
        if spec is None:
            return [[] for _ in range(outputs.count)]
        if outputs.count == 1 and isinstance(spec, (list, tuple)):
            spec = [list(spec)]
        per_output = _per_output_spec(spec, outputs, what, False)
        out = []
        for item in per_output:
            if item is None:
                out.append([])
            elif isinstance(item, (list, tuple)):
                out.append([m for m in item if m is not None])
            else:
                out.append([item])
        return out

    def build(self, y_true, y_pred) -> None:
        """Make the metric objects from the first batch's (or symbolic) shapes."""
        outputs = _Outputs(y_pred, self.output_names)
        preds = outputs.flat_pred(y_pred)
        trues = outputs.align(y_true, "y") if y_true is not None else [None] * outputs.count
        prefix = [f"{n}_" if n is not None and outputs.count > 1 else ""
                  for n in outputs.names]
        used: set = set()
        unweighted, weighted = [], []
        for specs, target, what in ((self._metrics_spec, unweighted, "metrics"),
                                    (self._weighted_spec, weighted, "weighted_metrics")):
            plain_names = set(used)
            for i, items in enumerate(self._per_output(specs, outputs, what)):
                where = f"compile({what}=...) for output {outputs.names[i] or '#%d' % i}"
                for identifier in items:
                    metric = _metric_object(identifier, trues[i], preds[i], where)
                    base = prefix[i] + metric.name
                    if what == "weighted_metrics" and base in plain_names:
                        base = prefix[i] + "weighted_" + metric.name
                    key = _uniquify(base, used)
                    used.add(key)
                    target.append((i, metric, key))
        self._outputs = outputs
        self._unweighted, self._weighted = unweighted, weighted
        self._all = unweighted + weighted
        self._single = outputs.kind == "single"
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        if not self.built:
            self.build(y_true, y_pred)
        if self._single and _is_leaf(y_true) and _is_leaf(y_pred) and _is_leaf(sample_weight):
            # One output and plain tensors: the general path below without its per-step lists.
            if y_true is not None:
                for _, metric, _ in self._unweighted:
                    metric.update_state(y_true, y_pred)
                for _, metric, _ in self._weighted:
                    metric.update_state(y_true, y_pred, sample_weight=sample_weight)
            return
        outputs = self._outputs
        preds = outputs.flat_pred(y_pred)
        trues = outputs.align(y_true, "y")
        for i, metric, _ in self._unweighted:
            if trues[i] is not None:
                metric.update_state(trues[i], preds[i])
        if self._weighted:
            weights = outputs.align(sample_weight, "sample_weight", allow_broadcast=True)
            for i, metric, _ in self._weighted:
                if trues[i] is not None:
                    metric.update_state(trues[i], preds[i], sample_weight=weights[i])

    def result(self) -> dict:
        """``{log name: value}`` of every metric (tensors)."""
        out = {}
        for _, metric, key in self._all:
            value = metric.result()
            if isinstance(value, dict):
                out.update(value)
            else:
                out[key] = value
        return out

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()

    def get_config(self) -> dict:
        return {"name": self.name, "metrics": self._metrics_spec,
                "weighted_metrics": self._weighted_spec}
