"""QESIF (seed 001, Smart Cities 2025): entropy-weighted key generation, session score, key utilisation.

The paper states Eqs. 1, 2 and 6 in words; qcity ties each symbol to a quantity
its link model measures, so the equations can be evaluated on simulated blocks:

- H_q(t), "quantum entropy ... of the polarisation basis mismatch": the basis
  mismatch itself is 1/2 by design in BB84 and carries no information, so qcity
  uses the entropy per sifted bit that survives the observed errors,
  H_q = 1 - h(QBER) (1 on a perfect channel, 0 at QBER 1/2).
- gamma(d_i), device trust factor in [0, 1]: an input (the trust/authentication
  layer supplies it; 1 when unknown).
- eta(d_i, t), communication cost: the device's demand for key relative to the
  link's supply, >= 0 (an input).
- delta(theta), decoherence impact, increasing in the photon noise theta: qcity
  takes theta = QBER / QBER_ref (QBER_ref the calibrated clean-channel QBER) and
  delta = theta, floored at 1 so a clean channel is not rewarded above baseline.
- L(tau), the loss: information disclosed on the public channel per sifted bit
  (error-correction leakage plus verification), in [0, 1].
- K_max(t) in Eq. 6: the asymptotic decoy-state key the same devices and fibre
  could yield for the pulses sent (qcity.quantum.keyrate).
"""

from __future__ import annotations

from .keyrate import binary_entropy


def quantum_entropy(qber: float) -> float:
    """H_q = 1 - h(QBER)."""
    if not 0 <= qber <= 1:
        raise ValueError(f"QBER must be in [0, 1], got {qber}")
    return 1.0 - binary_entropy(min(qber, 0.5))


def decoherence_impact(qber: float, qber_ref: float) -> float:
    """delta(theta) with theta = QBER / QBER_ref, floored at 1."""
    if qber_ref <= 0:
        raise ValueError(f"QBER_ref must be positive, got {qber_ref}")
    return max(1.0, qber / qber_ref)


def iot_key_rate(h_q: float, trust: float, cost: float, delta: float) -> float:
    """Eq. 1: K_IoT = H_q gamma / (1 + eta delta)."""
    if not 0 <= trust <= 1:
        raise ValueError(f"trust factor gamma must be in [0, 1], got {trust}")
    if cost < 0:
        raise ValueError(f"communication cost eta must not be negative, got {cost}")
    return h_q * trust / (1 + cost * delta)


def session_score_increment(h_q: float, delta: float, loss: float, lam: float) -> float:
    """One window's term of Eq. 2: H_q / delta - lambda L (Algorithm 1, line 9)."""
    return h_q / delta - lam * loss


def key_utilisation(generated_bits: float, max_bits: float) -> float:
    """Eq. 6: U_K = K_generated / K_max."""
    if max_bits <= 0:
        return 0.0
    return generated_bits / max_bits
