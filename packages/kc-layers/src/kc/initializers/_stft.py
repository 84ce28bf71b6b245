"""The STFT initializer: a Conv1D kernel whose output is the windowed DFT of each frame."""

from __future__ import annotations

import numpy as np

from kc import backend
from kc.initializers._base import Initializer, standardize_float_dtype, standardize_shape

_SIDES = ("real", "imag")
_SCALINGS = (None, "density", "spectrum")


def _cosine_sum(m: int, coefs) -> np.ndarray:
    n = np.arange(m)
    return sum(c * np.cos(2.0 * np.pi * k * n / (m - 1)) * (-1) ** k for k, c in enumerate(coefs))


def _symmetric_window(name: str, m: int) -> np.ndarray:
    if m == 1:
        return np.ones(1)
    if name in ("hann", "hanning"):
        return _cosine_sum(m, (0.5, 0.5))
    if name == "hamming":
        return _cosine_sum(m, (0.54, 0.46))
    if name == "blackman":
        return _cosine_sum(m, (0.42, 0.5, 0.08))
    if name in ("bartlett", "triang_bartlett"):
        n = np.arange(m)
        return 1.0 - np.abs(2.0 * n / (m - 1) - 1.0)
    if name in ("boxcar", "rectangular", "ones"):
        return np.ones(m)
    return None


_BUILTIN_WINDOWS = ("hann", "hamming", "blackman", "bartlett", "boxcar")


def _named_window(window, length: int, periodic: bool) -> np.ndarray:
    """A named window of ``length`` samples; periodic windows drop the last sample of a one-longer one."""
    if isinstance(window, str):
        w = _symmetric_window(window, length + 1 if periodic else length)
        if w is not None:
            return w[:length]
    try:
        from scipy.signal import get_window
    except ImportError as e:
        raise ImportError(
            f"STFT: window={window!r} needs scipy (install it); without it, kc knows the windows "
            f"{list(_BUILTIN_WINDOWS)}."
        ) from e
    try:
        return np.asarray(get_window(window, length, fftbins=periodic), dtype="float64")
    except ValueError as e:
        raise ValueError(
            f"STFT: unknown window {window!r}; expected a name from scipy.signal.windows "
            f"(e.g. {list(_BUILTIN_WINDOWS)}), an array of length {length}, or None."
        ) from e


class STFT(Initializer):
    """Initializer of Conv1D kernels that compute a short-time Fourier transform.

    For a kernel of shape ``(frame_length, input_channels, fft_bins)`` the
    entry ``[n, c, k]`` is ``w[n] * cos(2 pi n k / fft_length)`` (``side="real"``)
    or ``-w[n] * sin(2 pi n k / fft_length)`` (``side="imag"``), with
    ``fft_length = 2 * (fft_bins - 1)`` and ``w`` the window. Convolving frames
    with it gives the real or imaginary part of their one-sided DFT, as used
    by the ``STFTSpectrogram`` layer.

    Args:
        side: ``"real"`` or ``"imag"``: which part of the DFT the kernel computes.
        window: name of a window of ``scipy.signal.windows`` (``"hann"``,
            ``"hamming"``, ... ; hann, hamming, blackman, bartlett and boxcar
            need no scipy), an array of ``frame_length`` values, or None (no
            window).
        scaling: ``"density"`` (window divided by its L2 norm), ``"spectrum"``
            (divided by its sum) or None. Applies only when there is a window.
        periodic: whether a named window is periodic (as for spectral
            analysis) rather than symmetric.

    Example:
        >>> kernel = kc.initializers.STFT("real", "hann")((256, 1, 129))
        >>> kernel.shape
        (256, 1, 129)

    Unlike Keras 3.15, kc honours ``dtype`` and an ``input_channels`` above 1
    (the kernel is repeated over channels).
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in _SIDES:
            raise ValueError(f"STFT: side must be one of {list(_SIDES)}, got side={side!r}.")
        if scaling not in _SCALINGS:
            raise ValueError(f"STFT: scaling must be one of {list(_SCALINGS)}, got scaling={scaling!r}.")
        self.side = side
        self.window = window
        self.scaling = scaling
        self.periodic = periodic

    def _window(self, length: int):
        if self.window is None:
            return None
        if isinstance(self.window, (str, tuple)):
            w = _named_window(self.window, length, bool(self.periodic))
        else:
            w = np.asarray(backend.convert_to_numpy(self.window) if backend.is_tensor(self.window)
                           else self.window, dtype="float64")
            if w.shape != (length,):
                raise ValueError(
                    f"STFT: window must have shape ({length},) (the frame length), got shape {w.shape}."
                )
        if self.scaling == "density":
            w = w / np.sqrt(np.sum(w * w))
        elif self.scaling == "spectrum":
            w = w / np.sum(w)
        return w

    def __call__(self, shape, dtype=None):
        shape = standardize_shape(shape, "STFT")
        dtype = standardize_float_dtype(dtype, "STFT")
        if len(shape) != 3:
            raise ValueError(
                f"STFT: the kernel must have shape (frame_length, input_channels, fft_bins), got shape={shape}."
            )
        frame_length, channels, bins = shape
        fft_length = max(2 * (bins - 1), 1)
        n = np.arange(frame_length, dtype="float64")[:, None]
        k = np.arange(bins, dtype="float64")[None, :]
        angle = 2.0 * np.pi * ((n * k) % fft_length) / fft_length
        kernel = np.cos(angle) if self.side == "real" else -np.sin(angle)
        window = self._window(frame_length)
        if window is not None:
            kernel = kernel * window[:, None]
        kernel = np.repeat(kernel[:, None, :], channels, axis=1)
        return backend.convert_to_tensor(kernel, dtype=dtype)

    def get_config(self) -> dict:
        window = self.window
        if isinstance(window, np.ndarray) or backend.is_tensor(window):
            window = backend.convert_to_numpy(window).tolist()  # JSON-friendly
        return {"side": self.side, "window": window, "periodic": self.periodic, "scaling": self.scaling}
