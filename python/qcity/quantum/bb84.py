"""Decoy-state BB84, one block at a time: counts sampled from the channel
statistics, then sifting, parameter estimation, Cascade, verification and
privacy amplification on real bit strings.

A block of 10^9 pulses costs a few binomial draws, not 10^9 events: the
detections of each intensity are Binomial(N_i, Q_i), the sifted ones a binomial
thinning of those, the errors Binomial(S_i, E_i) (Q_i, E_i from qcity.quantum.channel).
Only the signal's sifted bits become bit strings, because only they go through
error correction and privacy amplification.

Secret length per block, two formulas (DecoySettings.key_length):

- "finite" (default): Lim, Curty, Walenta, Xu & Zbinden, PRA 89, 022307 (2014), as
  qcity.quantum.finitekey computes it. The key is the Z-basis (key basis) detections of all
  three intensities; the X-basis (test basis) detections are disclosed and bound the phase
  error of the key's single-photon events; the QBER the block reports (abort threshold,
  QESIF score) is that of the signal's test-basis bits, so no key bit is sacrificed.
  Composable: eps_sec-secret and eps_cor-correct, every statistical term accounted for.
  Blocks below a minimum size (about 10^8 pulses at 10-20 km with the default link) give no key.
- "margin": the earlier GLLP-with-decoy length, l = n1 [1 - h(e1)] - leak_EC - tag -
  log2(2/(eps_sec^2 eps_cor)), n1 and e1 from the vacuum + weak decoy estimates (MQZL05) on the
  block's observed counts, e1 with a Hoeffding margin sqrt(ln(1/eps_sec)/(2 n1)). The key is
  the sifted signal bits of both bases, a share `sample_fraction` of them disclosed to estimate
  the QBER. It ignores the statistical error of the decoy estimates themselves, so it claims
  keys from blocks the finite-key analysis refuses; kept for the scenarios calibrated with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .cascade import VARIANTS, reconcile
from .channel import Channel, single_photon_bounds
from .finitekey import DecoyCounts, ThreeIntensities, finite_key
from .keyrate import binary_entropy
from .privacy import toeplitz_hash, verification_tag

TAG_BITS = 64
KEY_LENGTHS = ("finite", "margin")


@dataclass(frozen=True)
class DecoySettings:
    """Alice's and Bob's protocol settings."""

    mu: float = 0.5  # signal intensity
    nu: float = 0.1  # weak decoy intensity
    p_mu: float = 0.8  # probability of sending a signal pulse
    p_nu: float = 0.1  # probability of a weak decoy (the rest are vacuum decoys)
    p_z: float = 0.5  # probability of choosing the Z basis (each side)
    sample_fraction: float = 0.1  # share of sifted signal bits disclosed to estimate the QBER
    qber_abort: float = 0.11  # abort the block above this estimated QBER
    cascade: str = "option7"
    eps_sec: float = 1e-10
    eps_cor: float = 1e-15
    key_length: str = "finite"  # "finite" (Lim et al. 2014) or "margin" (see the module docstring)

    def __post_init__(self):
        if not 0 < self.nu < self.mu:
            raise ValueError(f"need 0 < nu < mu, got nu={self.nu}, mu={self.mu}")
        if not (0 < self.p_mu <= 1 and 0 <= self.p_nu and self.p_mu + self.p_nu <= 1):
            raise ValueError(f"p_mu and p_nu must be probabilities summing to at most 1, got {self.p_mu}, {self.p_nu}")
        if not 0 < self.p_z < 1:
            raise ValueError(f"p_z must be in (0, 1), got {self.p_z}")
        if not 0 < self.sample_fraction < 1:
            raise ValueError(f"sample_fraction must be in (0, 1), got {self.sample_fraction}")
        if not 0 < self.qber_abort <= 0.5:
            raise ValueError(f"qber_abort must be in (0, 0.5], got {self.qber_abort}")
        if self.cascade not in VARIANTS:
            raise ValueError(f"unknown Cascade variant {self.cascade!r} (known: {', '.join(VARIANTS)})")
        if self.key_length not in KEY_LENGTHS:
            raise ValueError(f"key_length must be one of {', '.join(KEY_LENGTHS)}, got {self.key_length!r}")

    def three_intensities(self) -> ThreeIntensities:
        """The finite-key analysis's view: signal, weak decoy, vacuum; the key basis is Z."""
        return ThreeIntensities((self.mu, self.nu, 0.0), (self.p_mu, self.p_nu, 1 - self.p_mu - self.p_nu), self.p_z,
                                self.eps_sec, self.eps_cor)


@dataclass
class BlockResult:
    pulses: int
    detections: list[int]  # signal, weak decoy, vacuum
    sifted: list[int]
    errors: list[int]
    qber_estimate: float = math.nan  # from the disclosed sample
    qber: float = math.nan  # actual error rate of the key bits (known to the simulation only)
    y1_lower: float = math.nan  # "margin" length: lower bound on the single-photon yield Y1 (decoy bounds)
    s1_lower: float = math.nan  # "finite" length: lower bound on the key bits from single photons (Lim et al. 2014)
    e1_upper: float = 0.5       # upper bound on the single-photon (phase) error rate, either way
    key_bits: int = 0  # sifted signal bits kept after sampling
    leaked_ec: int = 0
    cascade_efficiency: float = math.nan
    secret_bits: int = 0
    aborted: bool = False
    reason: str = ""
    alice_key: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8), repr=False)
    bob_key: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8), repr=False)

    @property
    def sifted_bits(self) -> int:
        return self.sifted[0]

    @property
    def leak_fraction(self) -> float:
        """Bits disclosed in reconciliation and verification per kept key bit."""
        return min(1.0, (self.leaked_ec + TAG_BITS) / self.key_bits) if self.key_bits else 1.0


def run_block(channel: Channel, settings: DecoySettings, pulses: int, rng: np.random.Generator) -> BlockResult:
    """Simulates one block of `pulses` pulses end to end; the keys are bit-identical unless aborted."""
    if pulses <= 0:
        raise ValueError(f"pulses must be positive, got {pulses}")
    s = settings
    intensities = [s.mu, s.nu, 0.0]
    n_sent = rng.multinomial(pulses, [s.p_mu, s.p_nu, 1 - s.p_mu - s.p_nu])
    q, e = channel.gains(intensities, s.mu)
    detections = rng.binomial(n_sent, q)
    match = s.p_z**2 + (1 - s.p_z) ** 2
    sifted = rng.binomial(detections, match)
    errors = rng.binomial(sifted, e)
    r = BlockResult(pulses, detections.tolist(), sifted.tolist(), errors.tolist())
    if s.key_length == "finite":
        return _finite_block(r, s, sifted, errors, rng)

    # decoy estimates from this block's observed statistics
    obs_q = detections / np.maximum(n_sent, 1)

    def secret_length(key_bits: int, qber_estimate: float, leaked: int) -> int:
        obs_e = np.where(sifted > 0, errors / np.maximum(sifted, 1), 0.5)
        r.y1_lower, r.e1_upper = single_photon_bounds(s.mu, s.nu, obs_q[0], qber_estimate, obs_q[1], obs_e[1], obs_q[2])
        q1 = r.y1_lower * s.mu * math.exp(-s.mu)
        n1 = key_bits * q1 / obs_q[0] if obs_q[0] > 0 else 0.0
        e1 = min(0.5, r.e1_upper + (math.sqrt(math.log(1 / s.eps_sec) / (2 * n1)) if n1 > 0 else 0.5))
        return math.floor(n1 * (1 - binary_entropy(e1)) - leaked - TAG_BITS - math.log2(2 / (s.eps_sec**2 * s.eps_cor)))

    return postprocess(r, int(sifted[0]), int(errors[0]), s.sample_fraction, s.qber_abort, s.cascade, secret_length, rng)


def _finite_block(r: BlockResult, s: DecoySettings, sifted: np.ndarray, errors: np.ndarray,
                  rng: np.random.Generator) -> BlockResult:
    """The "finite" key length: sifted pairs split into key (Z) and test (X) basis, test bits disclosed."""
    key = rng.binomial(sifted, s.p_z**2 / (s.p_z**2 + (1 - s.p_z) ** 2))
    key_errors = rng.hypergeometric(errors, sifted - errors, key)  # which of the errors fell on key-basis pairs
    test, test_errors = sifted - key, errors - key_errors
    proto = s.three_intensities()
    qber = float(test_errors[0] / test[0]) if test[0] > 0 else math.nan

    def secret_length(key_bits: int, qber_estimate: float, leaked: int) -> int:
        fk = finite_key(DecoyCounts(tuple(key.tolist()), tuple(test.tolist()), tuple(test_errors.tolist()),
                                    leaked + TAG_BITS), proto)
        r.s1_lower, r.e1_upper = fk.s1, fk.phase_error
        return fk.length

    return postprocess(r, int(key.sum()), int(key_errors.sum()), 0.0, s.qber_abort, s.cascade, secret_length, rng,
                       qber_estimate=qber)


def postprocess(r: BlockResult, n_sifted: int, n_errors: int, sample_fraction: float, qber_abort: float, cascade: str,
                secret_length, rng: np.random.Generator, qber_estimate: float | None = None) -> BlockResult:
    """Sifted key bits to a shared secret key: QBER sampling, Cascade, verification, privacy amplification.

    `secret_length(key_bits, qber_estimate, leaked_bits)` is the protocol's key-length formula.
    With ``qber_estimate`` given (measured on bits outside the key), no key bit is disclosed.
    """
    # the sifted bits as real strings: Alice's random bits, Bob's with the sampled errors
    alice = rng.integers(0, 2, n_sifted, dtype=np.uint8)
    flips = np.zeros(n_sifted, dtype=np.uint8)
    flips[rng.choice(n_sifted, size=n_errors, replace=False)] = 1
    return postprocess_sifted(r, alice, alice ^ flips, sample_fraction, qber_abort, cascade, secret_length, rng,
                              qber_estimate)


def postprocess_sifted(r: BlockResult, alice: np.ndarray, bob: np.ndarray, sample_fraction: float, qber_abort: float,
                       cascade: str, secret_length, rng: np.random.Generator,
                       qber_estimate: float | None = None) -> BlockResult:
    """Both ends' sifted bit strings (uint8 arrays of 0/1, same length) to a shared secret key.

    The same steps as :func:`postprocess`, for bits measured elsewhere (e.g. a QuISP run).
    """
    n_sifted = alice.size
    if qber_estimate is not None:  # estimated outside the key (the test basis): every key bit is kept
        if n_sifted == 0 or qber_estimate != qber_estimate:
            r.aborted, r.reason = True, "too few detections for parameter estimation"
            return r
        r.qber_estimate = qber_estimate
    else:  # parameter estimation on a disclosed random sample
        k = int(round(sample_fraction * n_sifted))
        if k == 0 or n_sifted - k == 0:
            r.aborted, r.reason = True, "too few detections for parameter estimation"
            return r
        sample = np.zeros(n_sifted, dtype=bool)
        sample[rng.choice(n_sifted, size=k, replace=False)] = True
        r.qber_estimate = float(np.count_nonzero(alice[sample] != bob[sample])) / k
        alice, bob = alice[~sample], bob[~sample]
    r.key_bits = alice.size
    r.qber = float(np.count_nonzero(alice != bob)) / alice.size
    if r.qber_estimate > qber_abort:
        r.aborted, r.reason = True, f"estimated QBER {r.qber_estimate:.4f} above the abort threshold {qber_abort}"
        return r

    # error correction and verification
    rec = reconcile(alice, bob, max(r.qber_estimate, 1e-4), int(rng.integers(2**63)), cascade)
    r.leaked_ec, r.cascade_efficiency = rec.leaked_bits, rec.efficiency
    tag_key = rng.bytes(32)
    if verification_tag(alice, tag_key, TAG_BITS) != verification_tag(rec.corrected, tag_key, TAG_BITS):
        r.aborted, r.reason = True, "verification hash mismatch after error correction"
        return r

    # privacy amplification
    r.secret_bits = max(0, secret_length(alice.size, r.qber_estimate, r.leaked_ec))
    if r.secret_bits == 0:
        r.aborted, r.reason = True, "no secret key can be extracted (phase-error estimate too weak)"
        return r
    pa_seed = rng.integers(0, 2, alice.size + r.secret_bits - 1, dtype=np.uint8)
    r.alice_key, r.bob_key = toeplitz_hash(np.vstack([alice, rec.corrected]), pa_seed, r.secret_bits)
    return r
