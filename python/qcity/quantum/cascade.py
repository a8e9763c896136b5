"""Cascade error correction (the reconciliation runs in C++, cpp/quantum/cascade.cc).

Block-size schedules, from Martinez-Mateo, Pacher, Peev, Ciurana & Martin,
"Demystifying the information reconciliation protocol Cascade", QIC 15 (2015):

- "original" (Brassard & Salvail 1993): k1 = ceil(0.73/e), k_i = 2 k_(i-1), 4 passes;
- "option7": k1 = 2^ceil(log2(1/e)), k2 = 4 k1, then n/2, 14 passes;
- "option8": a = log2(1/e) - 0.5, k1 = 2^ceil(a), k2 = 2^ceil((a+12)/2), k3 = 4096, then n/2, 14 passes.

All use back-tracking (the "cascade" into earlier passes) and reuse sub-block
parities already disclosed, so each leaked parity is counted once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .keyrate import binary_entropy

VARIANTS = ("original", "option7", "option8")
_MIN_QBER = 1e-5


def block_sizes(variant: str, qber_estimate: float, n: int) -> list[int]:
    """Block size of each pass for a key of n bits and an estimated QBER."""
    e = max(qber_estimate, _MIN_QBER)
    if variant == "original":
        k1 = math.ceil(0.73 / e)
        return [k1 * 2**i for i in range(4)]
    if variant == "option7":
        k1 = 2 ** math.ceil(math.log2(1 / e))
        return [k1, 4 * k1] + [max(1, n // 2)] * 12
    if variant == "option8":
        a = math.log2(1 / e) - 0.5
        return [2 ** math.ceil(a), 2 ** math.ceil((a + 12) / 2), 4096] + [max(1, n // 2)] * 11
    raise ValueError(f"unknown Cascade variant {variant!r} (known: {', '.join(VARIANTS)})")


@dataclass
class CascadeResult:
    corrected: np.ndarray  # Bob's key after reconciliation
    leaked_bits: int  # parities disclosed on the public channel
    bits_flipped: int
    efficiency: float  # leaked / (n h(e)) with e the actual error rate; nan when there were no errors


def reconcile(alice: np.ndarray, bob: np.ndarray, qber_estimate: float, seed: int, variant: str = "option7") -> CascadeResult:
    """Corrects Bob's key towards Alice's; counts every disclosed parity."""
    from ..native import load_core

    a = np.ascontiguousarray(alice, dtype=np.uint8)
    b = np.ascontiguousarray(bob, dtype=np.uint8)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"keys must be 1-D and equally long, got {a.shape} and {b.shape}")
    if a.size == 0:
        return CascadeResult(b.copy(), 0, 0, math.nan)
    r = load_core().cascade(a, b, block_sizes(variant, qber_estimate, a.size), seed)
    e = float(np.count_nonzero(a != b)) / a.size
    eff = r["leaked_bits"] / (a.size * binary_entropy(e)) if 0 < e < 1 else math.nan
    return CascadeResult(r["corrected"], int(r["leaked_bits"]), int(r["bits_flipped"]), eff)
