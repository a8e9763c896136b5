"""Finite-key decoy-state BB84 with one signal and two decoy intensities.

Lim, Curty, Walenta, Xu & Zbinden, "Concise security bounds for practical decoy-state quantum
key distribution", Phys. Rev. A 89, 022307 (2014), Eqs. (1)-(5) with Hoeffding's inequality.
Intensities mu_1 > mu_2 + mu_3, mu_2 > mu_3 >= 0, sent with probabilities p_k. The key comes
from the *key basis* detections of all three intensities; the *test basis* detections are
disclosed to bound the phase error. With n_k the key-basis detections of intensity k and
n = sum_k n_k:

    tau_j   = sum_k p_k e^(-mu_k) mu_k^j / j!                  (probability of a j-photon pulse)
    n_k^pm  = e^(mu_k) / p_k (n_k pm delta(n)),  delta(n) = sqrt(n/2 ln(21/eps_sec))
    s_0    >= tau_0 (mu_2 n_3^- - mu_3 n_2^+) / (mu_2 - mu_3)                      vacuum events
    s_1    >= tau_1 mu_1 [n_2^- - n_3^+ - (mu_2^2 - mu_3^2)/mu_1^2 (n_1^+ - s_0/tau_0)]
              / (mu_1 (mu_2 - mu_3) - mu_2^2 + mu_3^2)                              single-photon events
    v_1    <= tau_1 (m_2^+ - m_3^-) / (mu_2 - mu_3)      single-photon errors in the test basis
              (m_k^pm from the test basis' errors, delta(m) from their total)
    phi    <= v_1/t_1 + gamma(eps_sec, v_1/t_1, t_1, s_1)     phase error of the key's single photons
              (t_1: s_1's bound on the test basis; gamma the random-sampling term, Eq. (5))
    l = floor(s_0 + s_1 (1 - h(phi)) - leak_EC - 6 log2(21/eps_sec) - log2(2/eps_cor))

Epsilon budget (Lim et al.): every one of the 21 error terms of the parameter estimation and
privacy amplification gets eps_sec/21, so the key is eps_sec-secret and eps_cor-correct
(eps_sec + eps_cor-secure in all). The *asymptotic* rate is the same bounds on the expected
counts with no statistical terms (delta = gamma = 0, no eps cost), per pulse: the rate the
finite-key length approaches as the block grows. The *exact* rate knows s_0, s_1 and the
single-photon error exactly (infinitely many decoys) and bounds both from above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .keyrate import LinkParameters, binary_entropy, gain


@dataclass(frozen=True)
class ThreeIntensities:
    """The protocol's intensities (signal, decoy, weak decoy or vacuum), their probabilities and the key basis's."""

    mu: tuple[float, float, float] = (0.5, 0.1, 0.0)
    p: tuple[float, float, float] = (0.8, 0.1, 0.1)
    p_key_basis: float = 0.5  # probability each side chooses the key basis
    eps_sec: float = 1e-10
    eps_cor: float = 1e-15

    def __post_init__(self):
        m1, m2, m3 = self.mu
        if not (m3 >= 0 and m2 > m3 and m1 > m2 + m3):
            raise ValueError(f"intensities must satisfy mu1 > mu2 + mu3, mu2 > mu3 >= 0, got {self.mu}")
        if min(self.p) <= 0 or abs(sum(self.p) - 1) > 1e-9:
            raise ValueError(f"the three intensity probabilities must be positive and sum to 1, got {self.p}")
        if not 0 < self.p_key_basis < 1:
            raise ValueError(f"p_key_basis must be in (0, 1), got {self.p_key_basis}")
        if not (0 < self.eps_sec < 1 and 0 < self.eps_cor < 1):
            raise ValueError(f"eps_sec and eps_cor must be in (0, 1), got {self.eps_sec}, {self.eps_cor}")

    def tau(self, photons: int) -> float:
        """Probability that a pulse holds ``photons`` photons."""
        return sum(p * math.exp(-m) * m**photons / math.factorial(photons) for m, p in zip(self.mu, self.p))


@dataclass(frozen=True)
class DecoyCounts:
    """What one block observed, per intensity (signal, decoy, weak decoy): key-basis detections, test-basis
    detections and test-basis errors; ``leak_ec`` the bits error correction disclosed (and verification)."""

    key: tuple[float, float, float]
    test: tuple[float, float, float]
    test_errors: tuple[float, float, float]
    leak_ec: float


@dataclass(frozen=True)
class FiniteKey:
    """The bounds of one block and its secret key length (bits; 0 when none can be extracted)."""

    s0: float
    s1: float
    test_s1: float
    test_v1: float
    phase_error: float
    length: int


def _bounds(counts: DecoyCounts, proto: ThreeIntensities, finite: bool) -> tuple[float, float, float, float, float]:
    m1, m2, m3 = proto.mu
    tau0, tau1 = proto.tau(0), proto.tau(1)
    ln_term = math.log(21 / proto.eps_sec) if finite else 0.0

    def corrected(values, sign):
        delta = math.sqrt(sum(values) / 2 * ln_term)
        return [math.exp(m) / p * (v + sign * delta) for m, p, v in zip(proto.mu, proto.p, values)]

    def vacuum_and_single(values):
        lo, hi = corrected(values, -1), corrected(values, +1)
        s0 = max(0.0, tau0 * (m2 * lo[2] - m3 * hi[1]) / (m2 - m3))
        s1 = tau1 * m1 * (lo[1] - hi[2] - (m2**2 - m3**2) / m1**2 * (hi[0] - s0 / tau0)) / (m1 * (m2 - m3) - m2**2 + m3**2)
        return s0, max(0.0, s1)

    s0, s1 = vacuum_and_single(counts.key)
    _, t1 = vacuum_and_single(counts.test)
    lo_e, hi_e = corrected(counts.test_errors, -1), corrected(counts.test_errors, +1)
    v1 = max(0.0, tau1 * (hi_e[1] - lo_e[2]) / (m2 - m3))
    if t1 <= 0 or s1 <= 0:
        return s0, s1, t1, v1, 0.5
    ratio = min(0.5, v1 / t1)
    phi = ratio + (_gamma(proto.eps_sec, ratio, t1, s1) if finite else 0.0)
    return s0, s1, t1, v1, min(0.5, phi)


def _gamma(a: float, b: float, c: float, d: float) -> float:
    """Lim et al.'s random-sampling term (Eq. 5 and Appendix): the phase error of d key events given c test events
    with error rate b, failing with probability a."""
    if b <= 0 or b >= 1:
        return 0.0
    inner = (c + d) / (c * d * (1 - b) * b * a**2)
    if inner <= 1:
        return 0.0
    return math.sqrt((c + d) * (1 - b) * b / (c * d * math.log(2)) * math.log2(inner))


def finite_key(counts: DecoyCounts, proto: ThreeIntensities) -> FiniteKey:
    """The secret key length of one block (Lim et al. 2014; see the module docstring)."""
    for name in ("key", "test", "test_errors"):
        values = getattr(counts, name)
        if len(values) != 3 or min(values) < 0:
            raise ValueError(f"{name} needs three non-negative counts (signal, decoy, weak decoy), got {values}")
    s0, s1, t1, v1, phi = _bounds(counts, proto, finite=True)
    cost = 6 * math.log2(21 / proto.eps_sec) + math.log2(2 / proto.eps_cor)
    length = s0 + s1 * (1 - binary_entropy(phi)) - counts.leak_ec - cost
    return FiniteKey(s0, s1, t1, v1, phi, max(0, math.floor(length)))


def expected_counts(pulses: float, distance_km: float, link: LinkParameters, proto: ThreeIntensities) -> DecoyCounts:
    """The counts a block of ``pulses`` pulses gives on average (gains and errors of qcity.quantum.keyrate);
    error correction leaks f_ec h(E) per key bit."""
    eta = link.transmittance(distance_km)
    pk, pt = proto.p_key_basis**2, (1 - proto.p_key_basis) ** 2
    gains = [gain(m, eta, link.y0) for m in proto.mu]
    error_gains = [link.e0 * link.y0 + link.e_detector * (1 - math.exp(-eta * m)) for m in proto.mu]  # E_k Q_k
    key = tuple(pulses * p * pk * q for p, q in zip(proto.p, gains))
    test = tuple(pulses * p * pt * q for p, q in zip(proto.p, gains))
    test_errors = tuple(pulses * p * pt * eq for p, eq in zip(proto.p, error_gains))
    key_errors = sum(pulses * p * pk * eq for p, eq in zip(proto.p, error_gains))
    qber = key_errors / sum(key) if sum(key) > 0 else 0.5
    return DecoyCounts(key, test, test_errors, link.f_ec * sum(key) * binary_entropy(qber))


def finite_key_rate(pulses: float, distance_km: float, link: LinkParameters, proto: ThreeIntensities) -> float:
    """Secret bits per pulse of a block of ``pulses`` pulses with the expected counts."""
    return finite_key(expected_counts(pulses, distance_km, link, proto), proto).length / pulses


def asymptotic_key_rate(distance_km: float, link: LinkParameters, proto: ThreeIntensities) -> float:
    """The same bounds with no statistical terms, per pulse: the limit of :func:`finite_key_rate`."""
    counts = expected_counts(1.0, distance_km, link, proto)
    s0, s1, _, _, phi = _bounds(counts, proto, finite=False)
    return max(0.0, s0 + s1 * (1 - binary_entropy(phi)) - counts.leak_ec)


def exact_key_rate(distance_km: float, link: LinkParameters, proto: ThreeIntensities) -> float:
    """Per pulse, with the vacuum and single-photon events and the single-photon error known exactly."""
    eta = link.transmittance(distance_km)
    y1 = 1 - (1 - link.y0) * (1 - eta)
    e1 = (link.e0 * link.y0 + link.e_detector * eta) / y1
    pk = proto.p_key_basis**2
    counts = expected_counts(1.0, distance_km, link, proto)
    return max(0.0, pk * (proto.tau(0) * link.y0 + proto.tau(1) * y1 * (1 - binary_entropy(e1))) - counts.leak_ec)


def minimum_block(distance_km: float, link: LinkParameters, proto: ThreeIntensities,
                  largest: float = 1e16) -> float:
    """The fewest pulses (to 1 %) whose block gives a key on average; inf if not even ``largest`` do."""
    if finite_key(expected_counts(largest, distance_km, link, proto), proto).length <= 0:
        return math.inf
    lo, hi = 1.0, largest
    while hi / lo > 1.01:
        mid = math.sqrt(lo * hi)
        if finite_key(expected_counts(mid, distance_km, link, proto), proto).length > 0:
            hi = mid
        else:
            lo = mid
    return hi


def rate_rows(distances_km, pulses: float, link: LinkParameters, proto: ThreeIntensities) -> list[dict]:
    """Finite-key, asymptotic (same protocol) and exact rates per pulse at each distance."""
    return [{"distance_km": float(d), "rate_finite": finite_key_rate(pulses, d, link, proto),
             "rate_asymptotic": asymptotic_key_rate(d, link, proto), "rate_exact": exact_key_rate(d, link, proto)}
            for d in np.asarray(distances_km, dtype=float)]
