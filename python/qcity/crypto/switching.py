"""Adaptive QKD/PQC switching per session (QESIF Eq. 5, with QSC-Net's QBER health check).

Q_adapt = 1 (quantum keys) when the smoothed dynamic key rate K_IoT >= epsilon_min,
else 0 (post-quantum). QESIF says the binary rule is applied per session "with
threshold smoothing"; qcity smooths K_IoT with an exponentially weighted moving
average and adds hysteresis (leave QKD below epsilon_min, return only above
epsilon_min x (1 + hysteresis)) so the mode does not flap. Independently of the
rate, a measured QBER above the health limit (QSC-Net: 11 %, where BB84 can no
longer give a key) forces PQC at once. A pool too low for a session key also
forces PQC. Every change is recorded with its cause.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SwitchEvent:
    time: float
    mode: str
    cause: str


@dataclass
class AdaptiveSwitch:
    epsilon_min: float = 0.3  # minimum K_IoT for quantum-secured sessions
    hysteresis: float = 0.2  # relative margin needed to switch back to QKD
    smoothing: float = 0.5  # EWMA weight of the newest K_IoT
    qber_limit: float = 0.11  # health check: above it, PQC whatever the rate
    hybrid: bool = False  # in quantum mode use QKD and ML-KEM together
    mode: str = "pqc"
    smoothed: float | None = None
    events: list[SwitchEvent] = field(default_factory=list)

    def __post_init__(self):
        if not 0 < self.smoothing <= 1:
            raise ValueError(f"smoothing must be in (0, 1], got {self.smoothing}")
        if self.hysteresis < 0 or self.epsilon_min < 0:
            raise ValueError("hysteresis and epsilon_min must not be negative")

    def decide(self, time: float, k_iot: float, qber: float, pool_ok: bool = True) -> str:
        """Mode for the session starting at `time` ("qkd", "hybrid" or "pqc")."""
        self.smoothed = k_iot if self.smoothed is None else self.smoothing * k_iot + (1 - self.smoothing) * self.smoothed
        quantum = self.mode in ("qkd", "hybrid")
        if qber > self.qber_limit:
            new, cause = "pqc", f"QBER {qber:.3f} above the health limit {self.qber_limit}"
        elif not pool_ok:
            new, cause = "pqc", "key pool too low for a session key"
        elif quantum and self.smoothed < self.epsilon_min:
            new, cause = "pqc", f"K_IoT {self.smoothed:.3f} below epsilon_min {self.epsilon_min}"
        elif not quantum and self.smoothed >= self.epsilon_min * (1 + self.hysteresis):
            new, cause = ("hybrid" if self.hybrid else "qkd"), f"K_IoT {self.smoothed:.3f} recovered"
        else:
            new, cause = self.mode, ""
        if new != self.mode:
            self.mode = new
            self.events.append(SwitchEvent(time, new, cause))
        return self.mode
