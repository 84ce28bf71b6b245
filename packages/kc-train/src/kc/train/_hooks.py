"""The backend-independent defaults behind `Model.compute_loss`, `compute_metrics`, ...

`Model` (kc-layers) forwards these methods here; users override them on their `Model`
subclass exactly as in Keras 3, and every trainer calls them through the model. The
trainers update ``model._loss_tracker`` themselves (in ``train_step``/``test_step``), as
Keras does: `compute_metrics` updates only the compiled metrics.

Example:
    >>> y_pred = model(x, training=True)
    >>> loss = model.compute_loss(x, y, y_pred)          # compiled loss + model.losses
    >>> logs = model.compute_metrics(x, y, y_pred)       # {"loss": ..., "accuracy": ...}
"""

from __future__ import annotations

from kc import backend, ops
from kc import config as kc_config
from kc.backend import StatelessScope


def additional_losses(model) -> list:
    """The model's `losses` (regularization and ``add_loss``) for this step.

    A trainer that runs the forward pass statelessly (jax) collects these itself and sets
    ``model._losses_override`` to that list while it calls `compute_loss` (as Keras does);
    otherwise ``model.losses`` is read.
    """
    override = model.__dict__.get("_losses_override")
    if override is not None:
        return list(override)
    return model.losses


def compute_loss(model, x=None, y=None, y_pred=None, sample_weight=None, training=True):
    """The compiled loss of ``y_pred`` against ``y`` plus the sum of the model's losses.

    Raises:
        ValueError: the model was compiled without a loss and added none.
    """
    del x, training  # part of the signature users override
    total = None
    compile_loss = model._compile_loss
    if compile_loss is not None:
        total = compile_loss(y, y_pred, sample_weight)
    extra = additional_losses(model)
    if extra:
        dtype = kc_config.floatx()
        for value in extra:
            value = ops.cast(value, dtype) if backend.standardize_dtype(value.dtype) != dtype \
                else value
            value = ops.sum(value) if len(value.shape) else value
            total = value if total is None else total + value
    if total is None:
        raise ValueError(
            f"Model '{model.name}': no loss to compute: compile() got no `loss` and the model "
            "added no losses (add_loss or weight regularizers). Pass `loss=` to compile(), or "
            "override compute_loss."
        )
    return total


def stateless_compute_loss(model, trainable_variables, non_trainable_variables,
                           metrics_variables, x=None, y=None, y_pred=None, sample_weight=None,
                           training=True):
    """`compute_loss` with the given variable values; changes no state.

    Returns:
        ``(loss, (trainable_variables, non_trainable_variables, metrics_variables))`` with
        the new values (the per-output loss trackers are among the metrics variables).
    """
    groups = (
        (model.trainable_variables, trainable_variables, "trainable_variables"),
        (model.non_trainable_variables, non_trainable_variables, "non_trainable_variables"),
        (model.metrics_variables, metrics_variables, "metrics_variables"),
    )
    mapping = []
    for variables, values, what in groups:
        values = list(values)
        if len(values) != len(variables):
            raise ValueError(
                f"Model '{model.name}': stateless_compute_loss expects {len(variables)} "
                f"{what} (model.{what}), got {len(values)}."
            )
        mapping.extend(zip(variables, values))
    with StatelessScope(mapping) as scope:
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                  training=training)
    new_values = []
    for variables, values, _ in groups:
        new = []
        for v, old in zip(variables, values):
            value = scope.get_current_value(v)
            new.append(old if value is None else value)
        new_values.append(new)
    return loss, tuple(new_values)


def compute_metrics(model, x, y, y_pred, sample_weight=None) -> dict:
    """Update the compiled metrics with a batch; return `get_metrics_result`."""
    del x
    compile_metrics = model._compile_metrics
    if compile_metrics is not None:
        compile_metrics.update_state(y, y_pred, sample_weight)
    return model.get_metrics_result()


def get_metrics_result(model, pythonify: bool = False) -> dict:
    """``{name: value}`` of every metric in ``model.metrics`` (dict results flattened).

    Values are tensors, as Keras 3 returns them from ``train_step``; ``pythonify=True``
    converts scalars to Python floats (what the loop does for the epoch logs).
    """
    out = {}
    for metric in model.metrics:
        value = metric.result()
        if isinstance(value, dict):
            out.update(value)
        else:
            out[metric.name] = value
    if pythonify:
        out = pythonify_logs(out)
    return out


def pythonify_logs(logs: dict) -> dict:
    """Logs with scalar tensors as Python floats (other values as NumPy arrays)."""
    out = {}
    for key, value in logs.items():
        if isinstance(value, dict):
            out.update(pythonify_logs(value))
            continue
        if backend.is_tensor(value) or hasattr(value, "__array__"):
            value = backend.convert_to_numpy(value)
            if value.ndim == 0:
                value = float(value)
        out[key] = value
    return out


def reset_metrics(model) -> None:
    """Reset every metric of ``model.metrics``."""
    for metric in model.metrics:
        metric.reset_state()


def build_containers(model, y, y_pred) -> None:
    """Build the compiled loss and metrics from ``y`` and ``y_pred`` (tensors or
    `kc.KerasTensor` specs) so that their state variables exist before a stateless loop
    collects ``model.metrics_variables``."""
    if model._compile_loss is not None and not model._compile_loss.built:
        model._compile_loss.build(y, y_pred)
    if model._compile_metrics is not None and not model._compile_metrics.built:
        model._compile_metrics.build(y, y_pred)
