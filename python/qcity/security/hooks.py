"""The security hook of the SessionManager module (securityHook), one instance per module."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import mlkem

from ..crypto.security import session_levels, theorem1_bound
from ..crypto.switching import AdaptiveSwitch
from ..nedparams import Parameter, model_fields
from ..quantum.qesif import decoherence_impact, iot_key_rate, quantum_entropy

#: SessionManager.ned's parameters the hook's Python classes carry (tests/test_ned_defaults.py)
PARAMETERS: tuple[Parameter, ...] = (
    Parameter("epsilonMin", "epsilon_min", AdaptiveSwitch, "epsilon_min"),
    Parameter("hysteresis", "hysteresis", AdaptiveSwitch, "hysteresis"),
    Parameter("smoothing", "smoothing", AdaptiveSwitch, "smoothing"),
    Parameter("qberLimit", "qber_limit", AdaptiveSwitch, "qber_limit"),
    Parameter("hybridWhenQuantum", "hybrid", AdaptiveSwitch, "hybrid"),
    Parameter("classicalLevel", "classical_level", session_levels, "classical_level"),
)


class SecuritySession:
    """Chooses each session's mode and sets up its post-quantum part for real.

    args: time, mode ("qkd", "pqc", "hybrid" or "adaptive"), qber and key_rate_bps of the
    QKD link, pool_ok, demand_bps (session key bits per second), trust, qber_ref,
    epsilon_min, hysteresis, smoothing, qber_limit, hybrid, classical_level. K_IoT is QESIF Eq. 1 with
    H_q = 1 - h(QBER), delta = max(1, QBER / QBER_ref) and communication cost
    eta = demand / key rate. For PQC and hybrid sessions an ML-KEM-768 encapsulation
    to the peer is made and checked against its decapsulation.
    """

    def __init__(self):
        self.switch: AdaptiveSwitch | None = None
        self.peer = mlkem.MLKEM768PrivateKey.generate()

    def __call__(self, args: dict) -> dict:
        qber = float(args["qber"])
        rate = float(args["key_rate_bps"])
        cost = float(args["demand_bps"]) / rate if rate > 0 else float("inf")
        h_q = quantum_entropy(min(qber, 0.5))
        k_iot = iot_key_rate(h_q, float(args["trust"]), min(cost, 1e9), decoherence_impact(qber, float(args["qber_ref"])))
        mode = args["mode"]
        cause = ""
        if mode == "adaptive":
            if self.switch is None:
                self.switch = AdaptiveSwitch(**model_fields(args, PARAMETERS, AdaptiveSwitch))
            before = len(self.switch.events)
            mode = self.switch.decide(float(args["time"]), k_iot, qber, bool(args["pool_ok"]))
            if len(self.switch.events) > before:
                cause = self.switch.events[-1].cause
        elif mode not in ("qkd", "pqc", "hybrid"):
            raise ValueError(f"mode must be qkd, pqc, hybrid or adaptive, got {mode!r}")
        fallback = mode in ("qkd", "hybrid") and not bool(args["pool_ok"])
        if fallback:  # not enough QKD key for this session: a post-quantum one instead
            mode, cause = "pqc", "key pool too low for a session key"
        kem_bytes = 0
        if mode in ("pqc", "hybrid"):
            secret, ciphertext = self.peer.public_key().encapsulate()
            if self.peer.decapsulate(ciphertext) != secret:
                raise RuntimeError("ML-KEM decapsulation disagrees with encapsulation")
            kem_bytes = len(ciphertext)
        classical = float(args["classical_level"])
        levels = session_levels(min(qber, 1.0), classical)
        bounds = {m: theorem1_bound(classical, int(m != "pqc")) for m in levels}
        return {"mode": mode, "k_iot": k_iot, "cause": cause, "kem_bytes": kem_bytes, "fallback": fallback,
                "security_levels": levels, "theorem1_bounds": bounds}
