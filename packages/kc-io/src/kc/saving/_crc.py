"""CRC-32 (the zip checksum): a fast implementation when one is installed, and combining.

`crc32` uses python-isal (SIMD, several GB/s) when it is importable, else zlib.
`crc32_combine(a, b, len_b)` gives the CRC of the concatenation of two byte
strings from their CRCs, by multiplying by x^(8 len_b) modulo the CRC
polynomial, so that a file written in pieces never has to be read back.

Example:
    >>> crc32_combine(crc32(b"ab"), crc32(b"cd"), 2) == crc32(b"abcd")
    True
"""

from __future__ import annotations

try:
    from isal.isal_zlib import crc32
except ImportError:  # pragma: no cover - isal is a dependency of kc-io; zlib is its fallback
    from zlib import crc32

__all__ = ["crc32", "crc32_combine"]

_POLY = 0xEDB88320  # the reflected CRC-32 polynomial


def _multiply(a: int, b: int) -> int:
    """a * b modulo the polynomial, in the reflected bit order (bit 31 is x^0)."""
    product, mask = 0, 1 << 31
    while True:
        if a & mask:
            product ^= b
            if a & (mask - 1) == 0:
                return product
        mask >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1
        if not mask:
            return product


def _powers() -> list:
    table = [1 << 30]  # x^1
    for _ in range(31):
        table.append(_multiply(table[-1], table[-1]))  # x^(2^k)
    return table


_X_POW_2K = _powers()


def _x_pow_8n(n: int) -> int:
    """x^(8 n) modulo the polynomial."""
    result, k = 1 << 31, 3  # x^0, and 8 = 2^3
    while n:
        if n & 1:
            result = _multiply(_X_POW_2K[k & 31], result)
        n >>= 1
        k += 1
    return result


def crc32_combine(crc_a: int, crc_b: int, length_b: int) -> int:
    """The CRC-32 of ``a + b`` from ``crc32(a)``, ``crc32(b)`` and ``len(b)``."""
    return _multiply(_x_pow_8n(length_b), crc_a) ^ crc_b
