"""One `Trainer` per backend, behind `get_trainer(model)`.

Each ``kc/train/_backends/<backend>.py`` defines a ``Trainer(model)`` with the
default `train_step`/`test_step`/`predict_step`, the loop functions
(`make_train_function`, ...) and the state hand-over (`begin`, `end`,
`sync_variables`, `reset_metrics`) that the fit/evaluate/predict loops of
`kc.train` drive (see the kc-train contract).
"""

from __future__ import annotations

import importlib

from kc import config


def get_trainer(model):
    """The model's Trainer for the active backend, made on first use and cached.

    The Trainer is kept in ``model._kc_trainer_state``; `Model.compile` resets
    it to None so that the next loop makes a fresh one.

    Args:
        model: a `kc.Model`.

    Returns:
        The backend's ``Trainer`` instance for ``model``.

    Example:
        >>> trainer = get_trainer(model)
        >>> trainer is get_trainer(model)
        True
    """
    trainer = getattr(model, "_kc_trainer_state", None)
    if trainer is None:
        backend = config.backend()
        module = importlib.import_module(f"kc.train._backends.{backend}")
        trainer = module.Trainer(model)
        setter = getattr(model, "_kc_plain_setattr", None)
        if setter is not None:
            setter("_kc_trainer_state", trainer)
        else:
            model._kc_trainer_state = trainer
    return trainer
