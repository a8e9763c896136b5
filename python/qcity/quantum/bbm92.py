"""BBM92 on a link profile (entangled pairs with Pauli errors), one block at a time.

Each side measures its half of a pair in Z with probability p_z, else X. Key bits
come from Z-Z coincidences, whose errors are QBER_Z; X-X coincidences estimate
the phase error QBER_X, which privacy amplification must remove. The key length
is Tomamichel et al.'s finite-key formula (qcity.quantum.keyrate.finite_key_length)
with the phase error seen on the X-X pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bb84 import TAG_BITS, BlockResult, postprocess, postprocess_sifted
from .cascade import VARIANTS
from .keyrate import finite_key_length
from .linkprofile import LinkProfile


@dataclass(frozen=True)
class Bbm92Settings:
    p_z: float = 0.9  # asymmetric basis choice: most pairs make key
    sample_fraction: float = 0.1
    qber_abort: float = 0.11
    cascade: str = "option7"
    eps_sec: float = 1e-10
    eps_cor: float = 1e-15

    def __post_init__(self):
        if not 0 < self.p_z < 1:
            raise ValueError(f"p_z must be in (0, 1), got {self.p_z}")
        if self.cascade not in VARIANTS:
            raise ValueError(f"unknown Cascade variant {self.cascade!r}")


def run_bbm92_block(profile: LinkProfile, settings: Bbm92Settings, duration_s: float, rng: np.random.Generator) -> BlockResult:
    """Pairs arriving in `duration_s` seconds, turned into a key (or an abort)."""
    s = settings
    pairs = int(rng.poisson(profile.bell_pair_rate * duration_s))
    n_z, n_x, _ = rng.multinomial(pairs, [s.p_z**2, (1 - s.p_z) ** 2, 1 - s.p_z**2 - (1 - s.p_z) ** 2])
    errors_z = int(rng.binomial(n_z, profile.qber_z))
    errors_x = int(rng.binomial(n_x, profile.qber_x))
    r = BlockResult(pairs, [pairs], [int(n_z), int(n_x)], [errors_z, errors_x])
    phase_error = errors_x / n_x if n_x else 0.5
    r.e1_upper = phase_error

    def secret_length(key_bits: int, qber_estimate: float, leaked: int) -> int:
        return finite_key_length(key_bits, max(int(n_x), 1), phase_error, leaked + TAG_BITS, s.eps_sec, s.eps_cor)

    return postprocess(r, int(n_z), errors_z, s.sample_fraction, s.qber_abort, s.cascade, secret_length, rng)


def run_bbm92_on_outcomes(alice_bases: np.ndarray, alice_bits: np.ndarray, bob_bases: np.ndarray, bob_bits: np.ndarray,
                          settings: Bbm92Settings, rng: np.random.Generator) -> BlockResult:
    """BBM92 on measured pairs: each end's basis (``"Z"``, ``"X"``, or another basis, which is sifted out) and
    outcome (0/1) per pair, in pair order, for pairs ideally in the Bell state Phi+ (equal outcomes in Z and in X).

    Z-Z pairs make the key, X-X pairs give the phase-error estimate; ``settings.p_z`` is not used (the bases were
    chosen where the pairs were measured).
    """
    alice_bases, bob_bases = np.asarray(alice_bases), np.asarray(bob_bases)
    alice_bits, bob_bits = np.asarray(alice_bits, dtype=np.uint8), np.asarray(bob_bits, dtype=np.uint8)
    n = alice_bases.size
    if not (bob_bases.size == alice_bits.size == bob_bits.size == n):
        raise ValueError(f"both ends need a basis and an outcome for every pair: got {alice_bases.size}, "
                         f"{alice_bits.size}, {bob_bases.size}, {bob_bits.size}")
    if np.any(alice_bits > 1) or np.any(bob_bits > 1):
        raise ValueError("outcomes must be 0 or 1")
    zz = (alice_bases == "Z") & (bob_bases == "Z")
    xx = (alice_bases == "X") & (bob_bases == "X")
    n_z, n_x = int(np.count_nonzero(zz)), int(np.count_nonzero(xx))
    errors_z = int(np.count_nonzero(alice_bits[zz] != bob_bits[zz]))
    errors_x = int(np.count_nonzero(alice_bits[xx] != bob_bits[xx]))
    r = BlockResult(n, [n], [n_z, n_x], [errors_z, errors_x])
    phase_error = errors_x / n_x if n_x else 0.5
    r.e1_upper = phase_error

    def secret_length(key_bits: int, qber_estimate: float, leaked: int) -> int:
        return finite_key_length(key_bits, max(n_x, 1), phase_error, leaked + TAG_BITS, settings.eps_sec,
                                 settings.eps_cor)

    return postprocess_sifted(r, alice_bits[zz], bob_bits[zz], settings.sample_fraction, settings.qber_abort,
                              settings.cascade, secret_length, rng)
