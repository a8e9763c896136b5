"""Privacy amplification and key verification by Toeplitz hashing.

A Toeplitz matrix T (m x n) is fixed by a seed s of n + m - 1 bits:
T[i, j] = s[i - j + n - 1]. Then y = T x mod 2 is the (n+m-1)-term convolution
of s and x, read at positions n-1 .. n+m-2, computed with an FFT in
O((n+m) log(n+m)) on a transform of length about n+m. Toeplitz hashing is a two-universal family, so the leftover
hash lemma applies (Krawczyk 1994; Tomamichel et al. 2011).
"""

from __future__ import annotations

import hashlib

import numpy as np
from scipy import fft as sp_fft

_FFT_EXACT_LIMIT = 2**26  # sums below this are exact after rounding in float64 FFTs of this size


def toeplitz_hash(bits: np.ndarray, seed: np.ndarray, output_length: int) -> np.ndarray:
    """m = output_length bits T x mod 2 for a Toeplitz T given by `seed` (n + m - 1 bits).

    `bits` may be 2-D (one key per row, e.g. Alice's and Bob's): all rows are hashed
    with the same matrix and the seed's transform is computed once.
    """
    x = np.asarray(bits, dtype=np.uint8)
    s = np.asarray(seed, dtype=np.uint8)
    rows = x.reshape(1, -1) if x.ndim == 1 else x
    if rows.ndim != 2:
        raise ValueError(f"bits must be 1-D or 2-D, got {x.ndim} dimensions")
    n, m = rows.shape[1], int(output_length)
    if m < 0:
        raise ValueError(f"output length must not be negative, got {m}")
    if m == 0 or n == 0:
        out = np.zeros((rows.shape[0], m), dtype=np.uint8)
        return out[0] if x.ndim == 1 else out
    if s.ndim != 1 or s.size != n + m - 1:
        raise ValueError(f"seed must have n + m - 1 = {n + m - 1} bits, got {s.size}")
    if max(rows.max(initial=0), s.max(initial=0)) > 1:
        raise ValueError("bits and seed must hold 0/1 values")
    if min(n, m) >= _FFT_EXACT_LIMIT:
        raise ValueError(f"inputs of {n} x {m} bits are beyond the exact range of the float FFT")
    # A circular convolution of length L >= n + m - 1 is free of wrap-around exactly at the
    # outputs n-1 .. n+m-2 we need (the aliased terms land below n-1), so L need not cover 2n+m.
    size = sp_fft.next_fast_len(n + m - 1, real=True)
    seed_f = sp_fft.rfft(s.astype(np.float64), size, workers=-1)
    conv = sp_fft.irfft(sp_fft.rfft(rows.astype(np.float64), size, axis=1, workers=-1) * seed_f, size, axis=1, workers=-1)
    window = conv[:, n - 1 : n - 1 + m]
    counts = np.rint(window)
    if np.max(np.abs(window - counts), initial=0) > 0.25:  # guard: rounding must be unambiguous
        raise ArithmeticError("FFT convolution lost precision; Toeplitz hash would be wrong")
    out = (counts.astype(np.int64) & 1).astype(np.uint8)
    return out[0] if x.ndim == 1 else out


def verification_tag(bits: np.ndarray, key: bytes, tag_bits: int = 64) -> bytes:
    """Tag both sides compare after error correction: keyed BLAKE2b of the packed key.

    A fresh random key per block makes a collision of two different keys about
    2^-tag_bits likely; the tag's bits count as disclosed.
    """
    if tag_bits % 8 or not 8 <= tag_bits <= 512:
        raise ValueError(f"tag_bits must be a multiple of 8 in [8, 512], got {tag_bits}")
    x = np.asarray(bits, dtype=np.uint8)
    data = np.packbits(x).tobytes() + x.size.to_bytes(8, "little")
    return hashlib.blake2b(data, key=key[:64], digest_size=tag_bits // 8).digest()
