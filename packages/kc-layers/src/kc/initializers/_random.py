"""Random initializers: normal, uniform, truncated normal and the variance-scaling family.

Seeds follow Keras 3: ``seed=None`` picks a random int seed when the
initializer is built, so one initializer gives the same values on every call
(and two unseeded initializers differ); an int seed gives the same values on
every call and in every initializer built with it; a `kc.random.SeedGenerator`
gives new values on each call. The config keeps the seed as given (None stays
None, so a clone of an unseeded initializer draws its own seed).
"""

from __future__ import annotations

import math
import numbers
import operator
import random as _python_random

from kc import random
from kc.initializers._base import (
    Initializer,
    compute_fans,
    standardize_float_dtype,
    standardize_shape,
)

# Standard deviation of a standard normal truncated to [-2, 2]: dividing by it
# gives a truncated normal the requested standard deviation.
_TRUNCATION_STDDEV = math.sqrt(1.0 - 4.0 * math.exp(-2.0) / math.sqrt(2.0 * math.pi) / math.erf(math.sqrt(2.0)))


class RandomInitializer(Initializer):
    """Base of the seeded initializers (not public in Keras either).

    Holds ``seed`` (an int or a `kc.random.SeedGenerator`; None replaced by a
    random int) and writes the seed as given into the config.
    """

    def __init__(self, seed=None):
        self._init_seed = _check_seed(seed, type(self).__name__)
        self.seed = _python_random.randint(1, 10**9) if seed is None else self._init_seed

    def get_config(self) -> dict:
        seed = self._init_seed
        if isinstance(seed, random.SeedGenerator):
            from kc import serialization

            seed = serialization.serialize_keras_object(seed)
        return {"seed": seed}

    @classmethod
    def from_config(cls, config: dict) -> "RandomInitializer":
        config = dict(config)
        if isinstance(config.get("seed"), dict):
            from kc import serialization

            config["seed"] = serialization.deserialize_keras_object(config["seed"])
        return cls(**config)


def _check_seed(seed, where: str):
    if seed is None or isinstance(seed, random.SeedGenerator):
        return seed
    if not isinstance(seed, bool):
        try:
            return operator.index(seed)
        except TypeError:
            pass
    raise ValueError(
        f"{where}: seed must be None, an int or a kc.random.SeedGenerator, "
        f"got {seed!r} of type {type(seed).__name__}."
    )


class _Normal(RandomInitializer):
    """RandomNormal and TruncatedNormal: ``mean`` and ``stddev`` of the `kc.random` function
    named ``_draw``."""

    _draw = "normal"

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        where = type(self).__name__
        return getattr(random, self._draw)(
            standardize_shape(shape, where), mean=self.mean, stddev=self.stddev,
            dtype=standardize_float_dtype(dtype, where), seed=self.seed)

    def get_config(self) -> dict:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomNormal(_Normal):
    """Initializer drawing from a normal distribution.

    Args:
        mean: mean of the distribution.
        stddev: standard deviation of the distribution.
        seed: None, an int, or a `kc.random.SeedGenerator` (see the module notes).

    Example:
        >>> kc.initializers.RandomNormal(stddev=1.0, seed=1)((2, 2)).shape
        (2, 2)
    """

    _draw = "normal"


class TruncatedNormal(_Normal):
    """Initializer drawing from a normal distribution truncated to two standard deviations.

    Draws further than ``2 * stddev`` from ``mean`` are redrawn, so the values
    lie in ``[mean - 2 * stddev, mean + 2 * stddev]`` (their standard deviation
    is about ``0.88 * stddev``).

    Args:
        mean: mean of the untruncated distribution.
        stddev: standard deviation of the untruncated distribution.
        seed: None, an int, or a `kc.random.SeedGenerator`.

    Example:
        >>> kc.initializers.TruncatedNormal(stddev=1.0, seed=1)((2, 2)).shape
        (2, 2)
    """

    _draw = "truncated_normal"


class RandomUniform(RandomInitializer):
    """Initializer drawing uniformly from ``[minval, maxval)``.

    Args:
        minval: lower bound.
        maxval: upper bound.
        seed: None, an int, or a `kc.random.SeedGenerator`.

    Example:
        >>> kc.initializers.RandomUniform(-1.0, 1.0, seed=1)((2, 2)).shape
        (2, 2)
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        where = type(self).__name__
        return random.uniform(standardize_shape(shape, where), minval=self.minval, maxval=self.maxval,
                              dtype=standardize_float_dtype(dtype, where), seed=self.seed)

    def get_config(self) -> dict:
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


class VarianceScaling(RandomInitializer):
    """Initializer whose scale adapts to the fans of the weight.

    With ``n`` the fan chosen by ``mode`` (``fan_in``, ``fan_out`` or their
    mean ``fan_avg``): the ``"truncated_normal"`` and ``"untruncated_normal"``
    distributions have mean 0 and standard deviation ``sqrt(scale / n)``
    (after truncation at two standard deviations, for the truncated one);
    ``"uniform"`` draws from ``[-limit, limit]`` with
    ``limit = sqrt(3 * scale / n)``. Fans of a kernel of rank > 2 count its
    receptive field: ``fan_in = prod(shape[:-2]) * shape[-2]``.

    Args:
        scale: positive scaling factor.
        mode: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"``.
        distribution: ``"truncated_normal"``, ``"untruncated_normal"`` or
            ``"uniform"`` (case-insensitive; ``"normal"`` means
            ``"truncated_normal"``).
        seed: None, an int, or a `kc.random.SeedGenerator`.
        input_axes: with ``output_axes``, the axes whose sizes multiply to
            ``fan_in`` (instead of the rule above).
        output_axes: with ``input_axes``, the axes whose sizes multiply to
            ``fan_out``.

    Example:
        >>> init = kc.initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=1)
        >>> init((3, 3, 16, 32)).shape
        (3, 3, 16, 32)
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        where = type(self).__name__
        if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not scale > 0:
            raise ValueError(f"{where}: scale must be a positive float, got scale={scale!r}.")
        if mode not in _MODES:
            raise ValueError(f"{where}: mode must be one of {list(_MODES)}, got mode={mode!r}.")
        dist = distribution.lower() if isinstance(distribution, str) else distribution
        if dist == "normal":
            dist = "truncated_normal"
        if dist not in _DISTRIBUTIONS:
            raise ValueError(
                f"{where}: distribution must be one of {list(_DISTRIBUTIONS)}, got distribution={distribution!r}."
            )
        self.scale = scale
        self.mode = mode
        self.distribution = dist
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def _fan(self, shape: tuple) -> float:
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        return max(1.0, fan)

    def __call__(self, shape, dtype=None):
        where = type(self).__name__
        shape = standardize_shape(shape, where)
        dtype = standardize_float_dtype(dtype, where)
        variance = self.scale / self._fan(shape)
        if self.distribution == "truncated_normal":
            return random.truncated_normal(shape, mean=0.0, stddev=math.sqrt(variance) / _TRUNCATION_STDDEV,
                                           dtype=dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random.normal(shape, mean=0.0, stddev=math.sqrt(variance), dtype=dtype, seed=self.seed)
        limit = math.sqrt(3.0 * variance)
        return random.uniform(shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {**super().get_config(), "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class _PresetVarianceScaling(VarianceScaling):
    """A VarianceScaling with fixed scale, mode and distribution (Glorot, He, LeCun).

    A subclass sets ``_preset = (scale, mode, distribution)`` and a one-line docstring, which
    gets the equivalent `VarianceScaling`, the arguments and an example appended.
    """

    _preset: tuple = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "_preset" not in vars(cls) or not cls.__doc__:  # a user's subclass, or python -OO
            return
        scale, mode, distribution = cls._preset
        cls.__doc__ = f"""{cls.__doc__}

    Same as ``VarianceScaling({scale}, "{mode}", "{distribution}")``.

    Args:
        seed: None, an int, or a `kc.random.SeedGenerator`.
        input_axes: see `VarianceScaling`.
        output_axes: see `VarianceScaling`.

    Example:
        >>> kc.initializers.{cls.__name__}(seed=1)((4, 8)).shape
        (4, 8)
    """

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        scale, mode, distribution = self._preset
        super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed,
                         input_axes=input_axes, output_axes=output_axes)

    def get_config(self) -> dict:
        config = super().get_config()
        return {"seed": config["seed"], "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_PresetVarianceScaling):
    """Glorot (Xavier) uniform: ``[-limit, limit]`` with ``limit = sqrt(6 / (fan_in + fan_out))``."""

    _preset = (1.0, "fan_avg", "uniform")


class GlorotNormal(_PresetVarianceScaling):
    """Glorot (Xavier) normal: truncated normal, ``stddev = sqrt(2 / (fan_in + fan_out))``."""

    _preset = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_PresetVarianceScaling):
    """He normal: truncated normal with ``stddev = sqrt(2 / fan_in)``."""

    _preset = (2.0, "fan_in", "truncated_normal")


class HeUniform(_PresetVarianceScaling):
    """He uniform: ``[-limit, limit]`` with ``limit = sqrt(6 / fan_in)``."""

    _preset = (2.0, "fan_in", "uniform")


class LecunNormal(_PresetVarianceScaling):
    """LeCun normal: truncated normal with ``stddev = sqrt(1 / fan_in)``."""

    _preset = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_PresetVarianceScaling):
    """LeCun uniform: ``[-limit, limit]`` with ``limit = sqrt(3 / fan_in)``."""

    _preset = (1.0, "fan_in", "uniform")
