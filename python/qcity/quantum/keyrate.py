"""Key-rate theory for prepare-and-measure and entanglement-based QKD.

Notation follows Ma, Qi, Zhao & Lo, "Practical decoy state for quantum key
distribution", Phys. Rev. A 72, 012326 (2005) (hereafter MQZL05), which builds on
Gottesman, Lo, Lütkenhaus & Preskill (GLLP, 2004):

- eta = 10^(-alpha L / 10) * eta_bob: overall transmittance (fibre x Bob's detection)
- Y0: background (dark count) yield per pulse; e0 = 1/2 its error rate
- e_d: probability a photon hits the wrong detector (misalignment)
- Q_mu = Y0 + 1 - exp(-eta mu): gain of a coherent pulse of mean photon number mu
- E_mu Q_mu = e0 Y0 + e_d (1 - exp(-eta mu)): its error gain
- R = q { -Q_mu f h(E_mu) + Q_1 [1 - h(e_1)] }: secure key per pulse (GLLP)

All rates here are secret bits per pulse sent (or per sifted pair for BBM92);
multiply by the pulse rate for bit/s.

Checked against an independent implementation, TNO's qkd-key-rate package (Attema et
al., 2021), on MQZL05's GYS link: with their conventions matched (no sifting factor,
f = 1, two detectors' dark counts, misalignment as polarisation drift) the infinite-decoy
rate here plus the key of vacuum pulses, p0 Y0, which their estimate counts and GLLP as
MQZL05 writes it does not, agrees with theirs to 1e-3 from 0 to 140 km
(tests/test_keyrate.py). MQZL05's own tables could not be consulted here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar


def binary_entropy(p):
    """h(p) = -p log2 p - (1-p) log2 (1-p), with h(0) = h(1) = 0; works on arrays."""
    if isinstance(p, (float, int)):  # the common scalar case without NumPy's per-call overhead
        return 0.0 if p <= 0 or p >= 1 else -p * math.log2(p) - (1 - p) * math.log2(1 - p)
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -p * np.log2(p) - (1 - p) * np.log2(1 - p)
    h = np.where((p <= 0) | (p >= 1), 0.0, h)
    return float(h) if h.ndim == 0 else h


@dataclass(frozen=True)
class LinkParameters:
    """A fibre QKD link. Defaults are the GYS experiment's (Gobby, Yuan & Shields 2004) as used in MQZL05."""

    alpha_db_per_km: float = 0.21  # fibre loss
    eta_bob: float = 0.045  # Bob's internal transmittance x detector efficiency
    y0: float = 1.7e-6  # background yield per pulse
    e_detector: float = 0.033  # misalignment / detector error probability e_d
    f_ec: float = 1.22  # error-correction inefficiency (leak = f h(E))
    q: float = 0.5  # sifting factor (1/2 for standard BB84)
    e0: float = 0.5  # error rate of background counts

    def __post_init__(self):
        for name in ("alpha_db_per_km", "y0"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, got {getattr(self, name)}")
        for name in ("eta_bob", "q"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"{name} must be in (0, 1], got {getattr(self, name)}")
        if not 0 <= self.e_detector <= 0.5:
            raise ValueError(f"e_detector must be in [0, 0.5], got {self.e_detector}")
        if self.f_ec < 1:
            raise ValueError(f"f_ec must be at least 1 (Shannon limit), got {self.f_ec}")

    def transmittance(self, distance_km: float) -> float:
        """eta: probability that a photon sent is detected at Bob."""
        if distance_km < 0:
            raise ValueError(f"distance must not be negative, got {distance_km}")
        return 10 ** (-self.alpha_db_per_km * distance_km / 10) * self.eta_bob


def gain(mu: float, eta: float, y0: float) -> float:
    """Q_mu: probability that a pulse of mean photon number mu gives a detection."""
    return y0 + 1 - math.exp(-eta * mu)


def error_rate(mu: float, eta: float, y0: float, e_detector: float, e0: float = 0.5) -> float:
    """E_mu: QBER of pulses of mean photon number mu."""
    q = gain(mu, eta, y0)
    return (e0 * y0 + e_detector * (1 - math.exp(-eta * mu))) / q


def decoy_rate_infinite(distance_km: float, p: LinkParameters, mu: float) -> float:
    """GLLP rate with the single-photon yield and error known exactly (infinitely many decoys)."""
    eta = p.transmittance(distance_km)
    q_mu, e_mu = gain(mu, eta, p.y0), error_rate(mu, eta, p.y0, p.e_detector, p.e0)
    y1 = p.y0 + eta - p.y0 * eta  # = 1 - (1 - Y0)(1 - eta); MQZL05 uses Y0 + eta for small values
    e1 = (p.e0 * p.y0 + p.e_detector * eta) / y1
    q1 = y1 * mu * math.exp(-mu)
    return max(0.0, p.q * (-q_mu * p.f_ec * binary_entropy(e_mu) + q1 * (1 - binary_entropy(e1))))


def decoy_rate_vacuum_weak(distance_km: float, p: LinkParameters, mu: float, nu: float) -> float:
    """GLLP rate with vacuum + one weak decoy of intensity nu (MQZL05, Eqs. 34-35 bounds on Y1 and e1)."""
    if not 0 < nu < mu:
        raise ValueError(f"need 0 < nu < mu, got nu={nu}, mu={mu}")
    eta = p.transmittance(distance_km)
    q_mu, e_mu = gain(mu, eta, p.y0), error_rate(mu, eta, p.y0, p.e_detector, p.e0)
    q_nu, e_nu = gain(nu, eta, p.y0), error_rate(nu, eta, p.y0, p.e_detector, p.e0)
    y1_low = mu / (mu * nu - nu**2) * (q_nu * math.exp(nu) - q_mu * math.exp(mu) * nu**2 / mu**2
                                        - (mu**2 - nu**2) / mu**2 * p.y0)
    if y1_low <= 0:
        return 0.0
    e1_up = min(0.5, (e_nu * q_nu * math.exp(nu) - p.e0 * p.y0) / (y1_low * nu))
    q1_low = y1_low * mu * math.exp(-mu)
    return max(0.0, p.q * (-q_mu * p.f_ec * binary_entropy(e_mu) + q1_low * (1 - binary_entropy(e1_up))))


def optimal_mu(rate_of_mu, low: float = 1e-3, high: float = 1.5) -> tuple[float, float]:
    """The signal intensity maximising `rate_of_mu(mu)` on [low, high]: (mu, rate); (nan, 0) if no key is possible."""
    grid = np.linspace(low, high, 61)
    values = [rate_of_mu(m) for m in grid]
    best = int(np.argmax(values))
    if values[best] <= 0:
        return math.nan, 0.0
    a, b = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    res = minimize_scalar(lambda m: -rate_of_mu(m), bounds=(a, b), method="bounded", options={"xatol": 1e-7})
    mu = float(res.x) if -res.fun >= values[best] else float(grid[best])
    return mu, float(rate_of_mu(mu))


def bb84_rate(gain_q: float, qber: float) -> float:
    """R = Q [1 - H(e)]: the simple BB84 rate of seed 003 (single-photon source, perfect reconciliation)."""
    return max(0.0, gain_q * (1 - binary_entropy(qber)))


def bbm92_rate(qber_x: float, qber_z: float, f_ec: float = 1.0) -> float:
    """Asymptotic BBM92 secret fraction per sifted pair: 1 - h(e_X) - f h(e_Z) (key from Z, phase error from X)."""
    return max(0.0, 1 - binary_entropy(qber_x) - f_ec * binary_entropy(qber_z))


def plob_bound(eta: float) -> float:
    """Repeaterless capacity -log2(1 - eta) in bits per channel use (Pirandola et al., Nat. Commun. 8, 15043, 2017)."""
    if not 0 <= eta < 1:
        raise ValueError(f"transmittance must be in [0, 1), got {eta}")
    return -math.log2(1 - eta)


def finite_key_length(n: int, k: int, qber: float, leak_ec: float, eps_sec: float = 1e-10, eps_cor: float = 1e-15) -> int:
    """Secret key length from n sifted key bits after k bits were sacrificed to estimate the QBER.

    Tomamichel, Lim, Gisin & Renner, "Tight finite-key analysis for quantum
    cryptography", Nat. Commun. 3, 634 (2012), Eq. (2) for BB84 with single photons:
    l = n [1 - h(Q + mu)] - leak_EC - log2(2 / (eps_sec^2 eps_cor)),
    mu = sqrt((n + k)/(n k) (k + 1)/k ln(2/eps_sec)), the statistical bound on the
    phase error of the key bits given the error rate Q seen on the k test bits.
    """
    if n <= 0 or k <= 0:
        return 0
    mu = math.sqrt((n + k) / (n * k) * (k + 1) / k * math.log(2 / eps_sec))
    e_ph = min(0.5, qber + mu)
    length = n * (1 - binary_entropy(e_ph)) - leak_ec - math.log2(2 / (eps_sec**2 * eps_cor))
    return max(0, math.floor(length))


def rate_table(distances_km, p: LinkParameters | None = None, nu: float = 0.05) -> list[dict]:
    """Key rate per pulse vs distance: infinite decoy and vacuum+weak decoy (optimal mu each), and PLOB."""
    p = p or LinkParameters()
    rows = []
    for d in distances_km:
        mu_inf, r_inf = optimal_mu(lambda m, d=d: decoy_rate_infinite(d, p, m))
        mu_vw, r_vw = optimal_mu(lambda m, d=d: decoy_rate_vacuum_weak(d, p, m, nu) if m > nu else 0.0,
                                 low=nu * 1.01)
        rows.append({"distance_km": float(d), "eta": p.transmittance(d), "mu_infinite": mu_inf, "rate_infinite": r_inf,
                     "mu_vacuum_weak": mu_vw, "rate_vacuum_weak": r_vw, "plob": plob_bound(p.transmittance(d))})
    return rows
