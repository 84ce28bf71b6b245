"""The complex FFTs shared by the NumPy and JAX backends (rules in kc.ops._math)."""

from __future__ import annotations

from types import ModuleType
from typing import Callable


def _m():
    """Rules of kc.ops._math (imported late: it imports the backends)."""
    from kc.ops import _math

    return _math


def fft_ops(xp: ModuleType, core: ModuleType, complex_input: Callable, window_of: Callable,
            overlap_add: Callable) -> dict[str, Callable]:
    """Return ``fft``, ``fft2``, ``ifft2``, ``istft`` over array module ``xp`` and the helper ``_pair``.

    Args:
        xp: ``numpy`` or ``jax.numpy``.
        core: The backend's ``core`` module.
        complex_input: ``complex_input(x, name, rank=1)`` turns a (real, imag) pair into
            (complex tensor, output dtype name).
        window_of: ``window_of(window, sequence_length, fft_length, dtype)``, the window
            zero-padded to ``fft_length``, or None.
        overlap_add: ``overlap_add(frames, stride)`` sums frames into a signal.

    Returns:
        The functions keyed by name; ``_pair(c, dtype)`` splits a complex result back
        into (real, imag) of dtype name ``dtype``.
    """

    def _pair(c, dtype: str) -> tuple:
        dtype = core.to_native_dtype(dtype)
        return xp.real(c).astype(dtype), xp.imag(c).astype(dtype)

    def fft(x):
        c, dtype = complex_input(x, "fft")
        return _pair(xp.fft.fft(c, axis=-1), dtype)

    def fft2(x):
        c, dtype = complex_input(x, "fft2", 2)
        return _pair(xp.fft.fft2(c, axes=(-2, -1)), dtype)

    def ifft2(x):
        c, dtype = complex_input(x, "ifft2", 2)
        return _pair(xp.fft.ifft2(c, axes=(-2, -1)), dtype)

    def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
        c, dtype = complex_input(x, "istft", 2)
        _m().check_stft_args(sequence_length, fft_length, window, "istft")
        frames = xp.fft.irfft(c, n=fft_length, axis=-1)
        win = window_of(window, sequence_length, fft_length, frames.dtype)
        if win is None:
            win = xp.ones(fft_length, frames.dtype)
        signal = overlap_add(frames * win, sequence_stride)
        norm = overlap_add(xp.broadcast_to(win * win, frames.shape[-2:]), sequence_stride)
        signal = signal / xp.where(norm > 1e-10, norm, 1.0)
        if center:
            pad = fft_length // 2
            signal = signal[..., pad:signal.shape[-1] - pad]
        if length is not None:
            signal = signal[..., :length]
            signal = xp.pad(signal, [(0, 0)] * (signal.ndim - 1) + [(0, length - signal.shape[-1])])
        return signal.astype(core.to_native_dtype(dtype))

    return {"_pair": _pair, "fft": fft, "fft2": fft2, "ifft2": ifft2, "istft": istft}
