"""Q-IDS: quantum-aware anomaly scoring with an adaptive threshold (QESIF, seed 001, Eq. 3-4, Algorithm 2).

A_q(t) = w1 |H_q(t) - H_bar| + w2 QBER(t) / QBER_ref + w3 Lambda_K(t)            (Eq. 3)
alpha(t+1) = alpha(t) + eta (dA_q/dt) (1 - P_n(t))                             (Eq. 4)
alert when A_q(t) >= alpha(t+1)                                               (Alg. 2)

qcity's reading of the symbols, per window of the quantum link's blocks:
- H_q = 1 - h(QBER) (as in qcity.quantum.qesif); H_bar its mean over a clean baseline;
- Lambda_K = keys dropped / keys attempted in the window (aborted or discarded blocks);
- dA_q/dt = (A_q(t) - A_q(t-1)) / window length;
- P_n(t), "the normalised probability of benign quantum noise": the probability that
  a clean link shows at least the observed QBER, from a normal approximation of the
  baseline's QBER spread: P_n = 1 - Phi((QBER - mu_b) / sigma_b).
The update is the paper's: a rising score raises the threshold in proportion to how
unlikely benign noise is; with eta < 1 the threshold lags a sudden jump, which is
when the alert fires.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ...quantum.qesif import quantum_entropy


@dataclass
class QuantumIds:
    qber_ref: float = 0.01
    weights: tuple[float, float, float] = (0.3, 0.5, 0.2)
    eta: float = 0.1  # learning rate of the threshold
    alpha: float = 3.0  # initial detection threshold
    baseline_qber_mean: float = 0.01
    baseline_qber_std: float = 0.002
    h_bar: float | None = None  # baseline H_q (default: from baseline_qber_mean)
    history: list[dict] = field(default_factory=list)
    _last: tuple[float, float] | None = None  # (time, score)

    def __post_init__(self):
        if abs(sum(self.weights) - 1) > 1e-9 or min(self.weights) < 0:
            raise ValueError(f"weights must be non-negative and sum to 1, got {self.weights}")
        if self.qber_ref <= 0 or self.baseline_qber_std <= 0:
            raise ValueError("qber_ref and baseline_qber_std must be positive")
        if self.h_bar is None:
            self.h_bar = quantum_entropy(self.baseline_qber_mean)

    def benign_probability(self, qber: float) -> float:
        z = (qber - self.baseline_qber_mean) / self.baseline_qber_std
        return 0.5 * math.erfc(z / math.sqrt(2))

    def update(self, time: float, qber: float, keys_dropped: int, keys_attempted: int) -> dict:
        """Scores one window; returns score, threshold, alert and the terms."""
        h_q = quantum_entropy(min(qber, 0.5))
        drop = keys_dropped / keys_attempted if keys_attempted else 0.0
        w1, w2, w3 = self.weights
        score = w1 * abs(h_q - self.h_bar) + w2 * qber / self.qber_ref + w3 * drop
        p_n = self.benign_probability(qber)
        if self._last is not None and time > self._last[0]:
            slope = (score - self._last[1]) / (time - self._last[0])
            self.alpha = self.alpha + self.eta * slope * (1 - p_n)
        self._last = (time, score)
        out = {"time": time, "score": score, "threshold": self.alpha, "alert": score >= self.alpha, "h_q": h_q,
               "key_drop": drop, "benign_probability": p_n}
        self.history.append(out)
        return out
