"""Channel, detector and attacks of a decoy-state BB84 link, as photon-number yields.

Everything observable (gains and error rates per intensity) follows from the
n-photon yields Y_n and their error rates e_n, so an attack is a change to those:

- a plain fibre link: Y_n = 1 - (1 - Y0)(1 - eta)^n, e_n Y_n = e0 Y0 + e_d (1 - (1 - eta)^n)
  (MQZL05, Eqs. 3-9; see qcity.quantum.keyrate for the notation);
- a noisy channel: extra depolarising error `noise` on every signal photon;
- detector afterpulsing (off by default): each detection triggers a spurious
  click with probability p_ap, a random bit, so Y_n -> Y_n (1 + p_ap) and the
  error gain grows by p_ap Y_n / 2 (the linear model of e.g. Fung et al. 2009);
- intercept-resend on a fraction f of pulses: Eve measures in a random basis and
  resends, so those detections err with probability 1/4 on top of the channel's
  own errors (QBER rises by about f/4, the textbook 25 % at f = 1);
- photon-number splitting: Eve keeps a photon of every multi-photon pulse, sends
  the rest on a lossless channel, and blocks single-photon pulses as needed to
  keep the signal gain what Alice and Bob expect. Invisible in the signal QBER;
  the decoy statistics expose it (the single-photon yield bound collapses).

The QESIF channel classes (clean, noisy, eavesdropped) are ini configurations of
these parameters, not built-in constants.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.stats import poisson

N_MAX = 40  # photon numbers summed over; P(n > 40) is negligible for mu <= 2


@dataclass(frozen=True)
class Attack:
    """What Eve does on the quantum channel (all zero: no eavesdropper)."""

    intercept_resend: float = 0.0  # fraction of pulses measured and resent
    pns: bool = False  # photon-number-splitting attack on multi-photon pulses

    def __post_init__(self):
        if not 0 <= self.intercept_resend <= 1:
            raise ValueError(f"intercept_resend must be in [0, 1], got {self.intercept_resend}")


@dataclass(frozen=True)
class Channel:
    """Fibre, detectors and environment of one gateway-to-gateway link."""

    distance_km: float = 10.0
    alpha_db_per_km: float = 0.2
    eta_bob: float = 0.1  # detector efficiency x Bob's optics
    y0: float = 1e-6  # dark/background counts per pulse (both detectors)
    e_detector: float = 0.01  # misalignment: probability a photon lands in the wrong detector
    noise: float = 0.0  # extra depolarising error of the environment (e.g. Raman noise, crosstalk)
    afterpulsing: float = 0.0  # probability that a detection is followed by a spurious click
    attack: Attack = Attack()

    def __post_init__(self):
        if self.distance_km < 0:
            raise ValueError(f"distance_km must not be negative, got {self.distance_km}")
        if not 0 < self.eta_bob <= 1:
            raise ValueError(f"eta_bob must be in (0, 1], got {self.eta_bob}")
        if not 0 <= self.y0 < 1:
            raise ValueError(f"y0 must be in [0, 1), got {self.y0}")
        if not 0 <= self.afterpulsing < 1:
            raise ValueError(f"afterpulsing must be in [0, 1), got {self.afterpulsing}")
        for name in ("e_detector", "noise"):
            if not 0 <= getattr(self, name) <= 0.5:
                raise ValueError(f"{name} must be in [0, 0.5], got {getattr(self, name)}")

    @property
    def transmittance(self) -> float:
        return 10 ** (-self.alpha_db_per_km * self.distance_km / 10) * self.eta_bob

    def yields(self, mu_signal: float) -> tuple[np.ndarray, np.ndarray]:
        """(Y_n, e_n) for n = 0..N_MAX under this channel and attack."""
        n = np.arange(N_MAX + 1)
        eta = self.transmittance
        e_photon = self.e_detector + self.noise - 2 * self.e_detector * self.noise  # two independent flips
        y = 1 - (1 - self.y0) * (1 - eta) ** n
        err = (0.5 * self.y0 + e_photon * (1 - (1 - eta) ** n)) / y
        if self.attack.pns:
            y, err = self._pns_yields(mu_signal, y, e_photon)
        f = self.attack.intercept_resend
        if f > 0:
            signal_part = 1 - 0.5 * self.y0 / y  # share of detections from photons, which Eve can disturb
            resent = 0.25 + err - 2 * 0.25 * err
            err = np.where(n > 0, (1 - f * signal_part) * err + f * signal_part * resent, err)
        if self.afterpulsing > 0:
            y_ap = y * (1 + self.afterpulsing)
            err = (err * y + 0.5 * self.afterpulsing * y) / y_ap
            y = np.minimum(y_ap, 1.0)
        return y, err

    def _pns_yields(self, mu: float, y_normal: np.ndarray, e_photon: float) -> tuple[np.ndarray, np.ndarray]:
        n = np.arange(N_MAX + 1)
        p = poisson.pmf(n, mu)
        target = float(np.sum(p * y_normal))
        def multi(t_multi: float) -> np.ndarray:
            # multi-photon pulses: Eve keeps one photon and forwards the rest with transmittance t_multi
            return 1 - (1 - self.y0) * (1 - self.eta_bob * t_multi) ** np.maximum(n - 1, 0)

        def single(t1: float) -> float:
            return 1 - (1 - self.y0) * (1 - self.eta_bob * t1)

        def gain_with(t1: float, t_multi: float) -> float:
            return float(p[0] * self.y0 + p[1] * single(t1) + np.sum(p[2:] * multi(t_multi)[2:])) - target

        # Eve keeps the signal gain Alice and Bob expect: she blocks single photons as far as
        # needed; if blocking all of them is not enough, she also attenuates the multi-photon part.
        if gain_with(0.0, 1.0) <= 0:
            t1, t_multi = brentq(lambda t: gain_with(t, 1.0), 0.0, 1.0) if gain_with(1.0, 1.0) > 0 else 1.0, 1.0
        else:
            t1, t_multi = 0.0, brentq(lambda t: gain_with(0.0, t), 0.0, 1.0)
        y = multi(t_multi)
        y[0] = self.y0
        y[1] = single(t1)
        err = (0.5 * self.y0 + e_photon * (y - self.y0)) / y
        return y, err

    def gains(self, intensities, mu_signal: float) -> tuple[np.ndarray, np.ndarray]:
        """Expected gain Q and QBER E for each intensity."""
        y, e = self.yields(mu_signal)
        n = np.arange(N_MAX + 1)
        q_list, e_list = [], []
        for mu in intensities:
            p = poisson.pmf(n, mu) if mu > 0 else (n == 0).astype(float)
            q = float(np.sum(p * y))
            q_list.append(q)
            e_list.append(float(np.sum(p * y * e)) / q if q > 0 else 0.5)
        return np.array(q_list), np.array(e_list)


def single_photon_bounds(mu: float, nu: float, q_mu: float, e_mu: float, q_nu: float, e_nu: float,
                         y0: float) -> tuple[float, float]:
    """Lower bound on the single-photon yield Y1 and upper bound on its error e1 from measured
    signal, weak-decoy and vacuum statistics (MQZL05, vacuum + weak decoy, Eqs. 34-35)."""
    if not 0 < nu < mu:
        raise ValueError(f"need 0 < nu < mu, got nu={nu}, mu={mu}")
    y1 = mu / (mu * nu - nu**2) * (q_nu * math.exp(nu) - q_mu * math.exp(mu) * nu**2 / mu**2
                                    - (mu**2 - nu**2) / mu**2 * y0)
    if y1 <= 0:
        return 0.0, 0.5
    e1 = (e_nu * q_nu * math.exp(nu) - 0.5 * y0) / (y1 * nu)
    return y1, float(min(0.5, max(0.0, e1)))
