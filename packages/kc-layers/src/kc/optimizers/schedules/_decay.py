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


class ExponentialDecay(LearningRateSchedule):
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
        _positive("ExponentialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        from kc import ops

        p = _f(step) / _f(self.decay_steps)
        if self.staircase:
            p = ops.floor(p)
        return _f(self.initial_learning_rate) * ops.power(_f(self.decay_rate), p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
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
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        from kc import ops

        step = _f(step)
        result = _f(self.values[-1])
        for boundary, value in zip(reversed(self.boundaries), reversed(self.values[:-1])):
            result = ops.where(step <= _f(boundary), _f(value), result)
        return result

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
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
        _positive("PolynomialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

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

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

    Example:
        >>> s = kc.optimizers.schedules.InverseTimeDecay(1.0, 10, 0.5)
        >>> float(s(10))
        0.6666667
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        _positive("InverseTimeDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        from kc import ops

        p = _f(step) / _f(self.decay_steps)
        if self.staircase:
            p = ops.floor(p)
        return _f(self.initial_learning_rate) / (1.0 + _f(self.decay_rate) * p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
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
        _positive("CosineDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

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

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2017).

    The first period lasts ``first_decay_steps``; each next one ``t_mul`` times
    longer and starting from ``m_mul`` times the previous peak.

    Example:
        >>> s = kc.optimizers.schedules.CosineDecayRestarts(1.0, first_decay_steps=10)
        >>> float(s(10))
        1.0
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        _positive("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

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

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


SCHEDULES = (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay,
             CosineDecay, CosineDecayRestarts)
