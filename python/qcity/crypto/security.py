"""Security level of a session (seed 001, Theorem 1), on the theorem's 0..1 scale.

Theorem 1 of QESIF bounds the system's security level by
S_QESIF(t) >= min(S_classical, S_quantum * Q_adapt(t)), with S_quantum = 1 for an
ideal QKD link and S_QESIF -> 1 as QBER -> 0 in quantum mode. The paper leaves
S_classical and the function f(H_q, QBER) of quantum sessions open; qcity fixes them
as follows (modelling choices, stated so they can be changed):

- S_classical: the post-quantum KEM's NIST security category as a share of 256
  bits of symmetric security. ML-KEM-768 is category 3 (as hard to break as AES-192
  key search): 192 / 256 = 0.75; ML-KEM-1024 (category 5) would be 1.
- f(H_q, QBER) for a QKD session: the BB84 secret fraction 1 - 2h(QBER)
  (Shor-Preskill), the share of the sifted key that survives privacy
  amplification: 1 at QBER 0, 0 at the 11 % abort threshold. It reads the theorem's
  "approximately 1 - epsilon for small QBER" as "the less key Eve could know, the
  higher the level".
- hybrid (QKD key and ML-KEM secret through HKDF): the session key stays secret
  while either input does, so the larger of the two levels.

Assumptions under which these levels mean anything: the gateways are trusted
nodes; the QKD post-processing (authentication of the classical channel, Cascade,
privacy amplification) is correct; ML-KEM has no structural break; keys are used
once (the key pools enforce it). With these definitions the theorem's bound holds
for PQC and hybrid sessions by construction, but a QKD-only session at QBER above
about 1.7 % (where 1 - 2h(e) < 0.75) falls below it: the bound then depends on the
switching rule leaving quantum mode in time (see theorem1_bound).
"""

from __future__ import annotations

from ..quantum.keyrate import binary_entropy

ML_KEM_768_LEVEL = 192 / 256  # NIST category 3 over 256 bits


def quantum_level(qber: float) -> float:
    """f(H_q, QBER) of a QKD session: the secret fraction max(0, 1 - 2h(QBER))."""
    if not 0 <= qber <= 1:
        raise ValueError(f"QBER must be in [0, 1], got {qber}")
    return max(0.0, 1.0 - 2.0 * float(binary_entropy(min(qber, 0.5))))


def session_levels(qber: float, classical_level: float = ML_KEM_768_LEVEL) -> dict[str, float]:
    """Security level of a session in each mode ("pqc", "qkd", "hybrid") at the link's current QBER."""
    if not 0 <= classical_level <= 1:
        raise ValueError(f"classical level must be in [0, 1], got {classical_level}")
    quantum = quantum_level(qber)
    return {"pqc": classical_level, "qkd": quantum, "hybrid": max(quantum, classical_level)}


def theorem1_bound(classical_level: float, q_adapt: int, quantum_ideal: float = 1.0) -> float:
    """Right-hand side of Theorem 1: min(S_classical, S_quantum * Q_adapt)."""
    if q_adapt not in (0, 1):
        raise ValueError(f"Q_adapt is 0 or 1, got {q_adapt}")
    return min(classical_level, quantum_ideal * q_adapt)
