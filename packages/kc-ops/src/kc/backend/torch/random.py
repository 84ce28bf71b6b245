"""Random draws of the PyTorch backend: a ``torch.Generator`` seeded from the seed tensor.

The two 32-bit seed entries are mixed into one 64-bit seed (splitmix64), so
every (seed, counter) pair starts a different stream. Gamma and beta have no
generator argument in torch: they draw from torch's global generator seeded
the same way inside ``torch.random.fork_rng``, which restores it afterwards.
"""

from __future__ import annotations

import math

import torch

from kc.backend.common import random as common
from kc.backend.torch.core import convert_to_tensor, get_device, to_native_dtype

SEED_DTYPE = "int32"

_MASK64 = (1 << 64) - 1


def _mix(seed) -> int:
    """splitmix64 of the (seed, counter) pair: one well-spread 64-bit seed."""
    first, second = (int(s) & 0xFFFFFFFF for s in common.draw_seed(seed).tolist())
    z = ((first << 32) | second) + 0x9E3779B97F4A7C15 & _MASK64
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9 & _MASK64
    z = (z ^ (z >> 27)) * 0x94D049BB133111EB & _MASK64
    return z ^ (z >> 31)


def _generator(seed, device=None) -> torch.Generator:
    gen = torch.Generator(device=device or get_device())
    gen.manual_seed(_mix(seed))
    return gen


def _float(dtype, op):
    return to_native_dtype(common.float_dtype(dtype, op))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = _float(dtype, "normal")
    shape = common.shape_tuple(shape, "normal")
    device = get_device()
    x = torch.randn(shape, generator=_generator(seed, device), dtype=dtype, device=device)
    return (x * stddev + mean).to(dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = _float(dtype, "uniform")
    shape = common.shape_tuple(shape, "uniform")
    device = get_device()
    x = torch.rand(shape, generator=_generator(seed, device), dtype=dtype, device=device)
    return (x * (maxval - minval) + minval).to(dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = _float(dtype, "truncated_normal")
    shape = common.shape_tuple(shape, "truncated_normal")
    device = get_device()
    # Inverse CDF of the standard normal on the uniform draws between cdf(-2) and cdf(2).
    low = 0.5 * (1.0 + math.erf(-2.0 / math.sqrt(2.0)))
    u = torch.rand(shape, generator=_generator(seed, device), dtype=torch.float32, device=device)
    u = low + u * (1.0 - 2.0 * low)
    x = torch.special.ndtri(u).clamp(-2.0, 2.0)
    return (x * stddev + mean).to(dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    dtype = to_native_dtype(common.int_dtype(dtype, "randint"))
    shape = common.shape_tuple(shape, "randint")
    device = get_device()
    x = torch.randint(int(minval), int(maxval), shape, generator=_generator(seed, device),
                      dtype=torch.int64, device=device)
    return x.to(dtype)


def categorical(logits, num_samples, dtype="int32", seed=None):
    dtype = to_native_dtype(common.int_dtype(dtype, "categorical"))
    logits = convert_to_tensor(logits)
    common.check_logits(logits.shape)
    probs = torch.softmax(logits.float(), dim=-1)
    draws = torch.multinomial(probs, num_samples, replacement=True,
                              generator=_generator(seed, logits.device))
    return draws.to(dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    common.check_rate(rate)
    inputs = convert_to_tensor(inputs)
    noise_shape = common.noise_shape_of(noise_shape, tuple(inputs.shape))
    keep_prob = 1.0 - convert_to_tensor(rate, "float32").to(inputs.device)
    u = torch.rand(noise_shape, generator=_generator(seed, inputs.device), device=inputs.device)
    divisor = torch.where(keep_prob > 0, keep_prob, torch.ones_like(keep_prob))
    scaled = (inputs / divisor).to(inputs.dtype)
    return torch.where(u < keep_prob, scaled, torch.zeros_like(scaled))


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    axis = common.check_axis(axis, x.ndim)
    if x.ndim == 0:
        return x.clone()
    perm = torch.randperm(x.shape[axis], generator=_generator(seed, x.device), device=x.device)
    return x.index_select(axis, perm)


def _standard_gamma(shape, alphas, seed, dtype):
    """Gamma(alpha_i, 1) draws of ``shape`` for each alpha, from one seeded stream."""
    device = get_device()
    devices = [torch.device(device).index or 0] if str(device).startswith("cuda") else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(_mix(seed))
        compute = torch.float64 if dtype == torch.float64 else torch.float32
        return [torch._standard_gamma(torch.broadcast_to(convert_to_tensor(a, compute).to(device), shape)
                                      .contiguous())
                for a in alphas]


def gamma(shape, alpha, dtype=None, seed=None):
    dtype = _float(dtype, "gamma")
    shape = common.shape_tuple(shape, "gamma")
    (x,) = _standard_gamma(shape, [alpha], seed, dtype)
    return x.to(dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    dtype = _float(dtype, "beta")
    shape = common.shape_tuple(shape, "beta")
    x, y = _standard_gamma(shape, [alpha, beta], seed, dtype)
    return (x / (x + y)).to(dtype)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = to_native_dtype(common.real_dtype(dtype, "binomial"))
    shape = common.shape_tuple(shape, "binomial")
    device = get_device()
    counts = torch.broadcast_to(convert_to_tensor(counts, "float32").to(device), shape)
    probs = torch.broadcast_to(convert_to_tensor(probabilities, "float32").to(device), shape)
    draws = torch.binomial(counts.contiguous(), probs.contiguous(), generator=_generator(seed, device))
    return draws.to(dtype)
