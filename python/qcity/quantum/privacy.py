"""Privacy amplification and key verification by Toeplitz hashing.

A Toeplitz matrix T (m x n) is fixed by a seed s of n + m - 1 bits:
T[i, j] = s[i - j + n - 1]. Then y = T x mod 2 is coefficient i + n - 1 of the product of
the polynomials S(z) and X(z) over GF(2), which the compiled kernel computes exactly with
carry-less Karatsuba products on 64-bit words (cpp/quantum/gf2poly.h): O(n^1.58) word
operations and no rounding, where a convolution over the integers needs three float FFTs
and a precision check. Toeplitz hashing is a two-universal family, so the leftover hash
lemma applies (Krawczyk 1994; Tomamichel et al. 2011).
"""

from __future__ import annotations

import hashlib

import numpy as np

from ..native import load_core


def toeplitz_hash(bits: np.ndarray, seed: np.ndarray, output_length: int) -> np.ndarray:
    """m = output_length bits T x mod 2 for a Toeplitz T given by `seed` (n + m - 1 bits).

    `bits` may be 2-D (one key per row, e.g. Alice's and Bob's): all rows are hashed
    with the same matrix.
    """
    for name, values in (("bits", bits), ("seed", seed)):  # before the cast to bytes, which would wrap 256 to 0
        bad = np.flatnonzero((np.asarray(values) < 0) | (np.asarray(values) > 1))
        if bad.size:
            raise ValueError(f"{name} must hold 0/1 values, found {np.ravel(values)[bad[0]]} at index {bad[0]}")
    x = np.asarray(bits, dtype=np.uint8)
    s = np.ascontiguousarray(seed, dtype=np.uint8)
    rows = x.reshape(1, -1) if x.ndim == 1 else x
    if rows.ndim != 2:
        raise ValueError(f"bits must be 1-D or 2-D, got {x.ndim} dimensions")
    n, m = rows.shape[1], int(output_length)
    if m < 0:
        raise ValueError(f"output length must not be negative, got {m}")
    if m == 0 or n == 0 or rows.shape[0] == 0:
        out = np.zeros((rows.shape[0], m), dtype=np.uint8)
        return out[0] if x.ndim == 1 else out
    if s.ndim != 1 or s.size != n + m - 1:
        raise ValueError(f"seed must have n + m - 1 = {n + m - 1} bits, got {s.size}")
    core = load_core()
    out = np.vstack([core.toeplitz_hash(np.ascontiguousarray(row), s, m) for row in rows])
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
