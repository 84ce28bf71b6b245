"""The built-in learning-rate schedules, each a closed form of the step."""

from __future__ import annotations

import math

from kc.optimizers.schedules._base import LearningRateSchedule


def _f(x):
    from kc import config, ops

    return ops.cast(x, config.floatx())


def _positive(owner: str, name: str, value) -> None:
    if value is None or value <= 0:
        raise ValueError(f"{owner}: argument `{name}` must be > 0, got {value!r}.")


class _BuiltinSchedule(LearningRateSchedule):
    """A built-in schedule: keeps its constructor arguments as attributes (``_<name>`` for the
    names in ``_private``, as Keras) and writes them, in signature order, as its config."""

    _private: tuple = ()

    def _keep_args(self, args: dict, positive: str | None = None) -> None:
        """Store the constructor's ``args`` (its ``locals()``); ``positive`` names one that must be > 0."""
        if positive is not None:
            _positive(type(self).__name__, positive, args[positive])
        self._arg_names = [k for k in args if k not in ("self", "__class__")]
        for key in self._arg_names:
            setattr(self, self._attr(key), args[key])

    def _attr(self, key: str) -> str:
        return f"_{key}" if key in self._private else key

    def get_config(self):
        return {key: getattr(self, self._attr(key)) for key in self._arg_names}


class _StepDecay(_BuiltinSchedule):
    """Base of ExponentialDecay and InverseTimeDecay: the progress ``step / decay_steps``."""

    def _progress(self, step):
        from kc import ops

        p = _f(step) / _f(self.decay_steps)
        return ops.floor(p) if self.staircase else p


class ExponentialDecay(_StepDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: steps per decay period (> 0).
        decay_rate: factor per period.
        staircase: if True, ``step / decay_steps`` is floored (a step function).
        name: name of the schedule.

    Example:
        >>> s = kc.optimizers.schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)
        >>> float(s(100))
        0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        self._keep_args(locals(), positive="decay_steps")

    def __call__(self, step):
        from kc import ops

        return _f(self.initial_learning_rate) * ops.power(_f(self.decay_rate), self._progress(step))


class PiecewiseConstantDecay(_BuiltinSchedule):
    """``values[i]`` for ``boundaries[i-1] < step <= boundaries[i]``.

    Args:
        boundaries: increasing step boundaries.
        values: one more value than boundaries.
        name: name of the schedule.

    Example:
        >>> s = kc.optimizers.schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
        >>> float(s(15))
        0.5
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "PiecewiseConstantDecay: `values` must have one more element than `boundaries`; "
                f"got {len(values)} values and {len(boundaries)} boundaries."
            )
        self._keep_args(locals())

    def __call__(self, step):
        from kc import ops

        step = _f(step)
        result = _f(self.values[-1])
        for boundary, value in zip(reversed(self.boundaries), reversed(self.values[:-1])):
            result = ops.where(step <= _f(boundary), _f(value), result)
        return result


class PolynomialDecay(_BuiltinSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate``.

    ``(initial - end) * (1 - step / decay_steps) ** power + end`` with ``step``
    capped at ``decay_steps``; with ``cycle=True`` ``decay_steps`` grows to the
    next multiple of itself past ``step`` instead.

    Example:
        >>> s = kc.optimizers.schedules.PolynomialDecay(1.0, 10, end_learning_rate=0.0)
        >>> float(s(5))
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        self._keep_args(locals(), positive="decay_steps")

    def __call__(self, step):
        from kc import ops

        step = _f(step)
        decay_steps = _f(self.decay_steps)
        if self.cycle:
            periods = ops.ceil(step / decay_steps)
            decay_steps = decay_steps * ops.where(step == 0, _f(1.0), periods)
        else:
            step = ops.minimum(step, decay_steps)
        frac = 1.0 - step / decay_steps
        start, end = _f(self.initial_learning_rate), _f(self.end_learning_rate)
        return (start - end) * ops.power(frac, _f(self.power)) + end


class InverseTimeDecay(_StepDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

    Example:
        >>> s = kc.optimizers.schedules.InverseTimeDecay(1.0, 10, 0.5)
        >>> float(s(10))
        0.6666667
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        self._keep_args(locals(), positive="decay_steps")

    def __call__(self, step):
        return _f(self.initial_learning_rate) / (1.0 + _f(self.decay_rate) * self._progress(step))


class CosineDecay(_BuiltinSchedule):
    """Optional linear warmup, then cosine decay to ``alpha`` times the peak rate.

    For ``warmup_steps`` steps the rate goes linearly from
    ``initial_learning_rate`` to ``warmup_target``; then over ``decay_steps``
    steps it follows ``peak * ((1 - alpha) * 0.5 * (1 + cos(pi * t)) + alpha)``,
    ``t`` going from 0 to 1 (``peak`` is ``warmup_target`` or, without warmup,
    ``initial_learning_rate``).

    Example:
        >>> s = kc.optimizers.schedules.CosineDecay(1.0, decay_steps=10)
        >>> float(s(5))
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        self._keep_args(locals(), positive="decay_steps")

    def __call__(self, step):
        from kc import ops

        step = _f(step)
        initial = _f(self.initial_learning_rate)
        if self.warmup_target is None:
            peak = initial
        else:
            peak = _f(self.warmup_target)
        warmup_steps = _f(self.warmup_steps)
        t = ops.minimum(ops.maximum(step - warmup_steps, 0.0), _f(self.decay_steps))
        t = t / _f(self.decay_steps)
        cosine = 0.5 * (1.0 + ops.cos(math.pi * t))
        decayed = peak * ((1.0 - self.alpha) * cosine + self.alpha)
        if self.warmup_target is None or not self.warmup_steps:
            return decayed
        warm = initial + (peak - initial) * (step / warmup_steps)
        return ops.where(step < warmup_steps, warm, decayed)


class CosineDecayRestarts(_BuiltinSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2017).

    The first period lasts ``first_decay_steps``; each next one ``t_mul`` times
    longer and starting from ``m_mul`` times the previous peak.

    Example:
        >>> s = kc.optimizers.schedules.CosineDecayRestarts(1.0, first_decay_steps=10)
        >>> float(s(10))
        1.0
    """

    _private = ("t_mul", "m_mul")

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        self._keep_args(locals(), positive="first_decay_steps")

    def __call__(self, step):
        from kc import ops

        frac = _f(step) / _f(self.first_decay_steps)
        t_mul, m_mul = _f(self._t_mul), _f(self._m_mul)
        if self._t_mul == 1.0:
            restart = ops.floor(frac)
            frac = frac - restart
        else:
            restart = ops.floor(ops.log(1.0 - frac * (1.0 - t_mul)) / ops.log(t_mul))
            done = (1.0 - ops.power(t_mul, restart)) / (1.0 - t_mul)
            frac = (frac - done) / ops.power(t_mul, restart)
        peak = ops.power(m_mul, restart)
        cosine = 0.5 * peak * (1.0 + ops.cos(math.pi * frac))
        return _f(self.initial_learning_rate) * ((1.0 - self.alpha) * cosine + self.alpha)


SCHEDULES = (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay,
             CosineDecay, CosineDecayRestarts)
