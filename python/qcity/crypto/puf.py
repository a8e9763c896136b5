"""Q-PUF device authentication (seed 000): a strong-PUF model, enrolment, FAR/FRR/EER, modelling attacks.

QSC-Net authenticates devices by a physical unclonable function: the verifier sends
challenges, the device answers with responses only its hardware can produce, and it
is accepted when the answers are within a Hamming-distance tolerance of the enrolled
ones. The paper gives no circuit, so qcity models the PUF as an (XOR) arbiter PUF in
the standard additive delay model (Lim et al. 2005; Rührmair et al., CCS 2010):

    response of chain l to challenge c = sign(w_l . Phi(c) + noise),  Phi_i(c) = prod_{j>=i} (1 - 2 c_j),

with per-device delay weights w_l ~ N(0, 1) (n stages + a bias term) and Gaussian
evaluation noise on every read, of standard deviation `noise` times that of the
delay difference itself (sqrt(n + 1)), so a noise of 0.05 flips about
arctan(0.05) / pi = 1.6 % of a chain's reads whatever n; a k-XOR PUF XORs k
chains. The "quantum" noise of a Q-PUF is this read noise: what matters for
authentication is how often a genuine device flips a response bit, which the
model reports (flip_rate). Nothing here is a hardware measurement.

Protocol: at enrolment the verifier reads each of its challenges `enrol_reads` times
and stores the majority response. An authentication uses `m` stored challenges
(each used once, like key bits: a replayed challenge would let an eavesdropper pass)
and accepts if the fraction of mismatching response bits is at most `tolerance`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression


def features(challenges: np.ndarray) -> np.ndarray:
    """Phi(c) of the additive delay model: shape (N, n + 1), entries +-1, last column the bias."""
    c = np.asarray(challenges)
    if c.ndim != 2 or not np.isin(c, (0, 1)).all():
        raise ValueError("challenges must be a 2-D array of 0/1 bits")
    signs = 1 - 2 * c.astype(np.int8)
    phi = np.cumprod(signs[:, ::-1], axis=1)[:, ::-1]
    return np.hstack([phi, np.ones((len(c), 1), dtype=np.int8)]).astype(np.float64)


@dataclass
class XorArbiterPuf:
    """One device's PUF: k arbiter chains of n stages, XORed; `noise` is the read noise relative to the delay spread."""

    weights: np.ndarray  # (k, n + 1)
    noise: float = 0.05

    @classmethod
    def create(cls, n: int = 64, k: int = 1, noise: float = 0.05, *, rng: np.random.Generator) -> XorArbiterPuf:
        """A new device: fresh manufacturing variation (delay weights) drawn from `rng` (seeded by the caller:
        the same seed, the same device)."""
        if n < 1 or k < 1:
            raise ValueError(f"need n >= 1 stages and k >= 1 chains, got n={n}, k={k}")
        if noise < 0:
            raise ValueError(f"noise must not be negative, got {noise}")
        return cls(rng.standard_normal((k, n + 1)), noise)

    @property
    def stages(self) -> int:
        return self.weights.shape[1] - 1

    def delays(self, challenges: np.ndarray) -> np.ndarray:
        """Noise-free delay differences of every chain, shape (N, k)."""
        return features(challenges) @ self.weights.T

    def respond(self, challenges: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One noisy read of each challenge: 0/1 responses."""
        d = self.delays(challenges)
        d = d + self.noise * np.sqrt(self.weights.shape[1]) * rng.standard_normal(d.shape)
        return (np.prod(np.sign(d), axis=1) < 0).astype(np.uint8)

    def ideal(self, challenges: np.ndarray) -> np.ndarray:
        """Noise-free responses (what a perfect model of this device would answer)."""
        return (np.prod(np.sign(self.delays(challenges)), axis=1) < 0).astype(np.uint8)


def random_challenges(count: int, n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, 2, size=(count, n), dtype=np.uint8)


def enrol(puf: XorArbiterPuf, challenges: np.ndarray, reads: int, rng: np.random.Generator) -> np.ndarray:
    """Reference responses: the majority of `reads` noisy reads of each challenge (reads odd)."""
    if reads < 1 or reads % 2 == 0:
        raise ValueError(f"enrolment reads must be odd and positive, got {reads}")
    votes = sum(puf.respond(challenges, rng).astype(np.int32) for _ in range(reads))
    return (votes * 2 > reads).astype(np.uint8)


@dataclass
class AuthenticationTrial:
    """Fractional Hamming distances of genuine, impostor and model-attack answers to enrolled references."""

    genuine: np.ndarray
    impostor: np.ndarray
    flip_rate: float  # share of response bits a genuine device reads differently from its enrolled reference


def authentication_trial(devices: int = 100, attempts: int = 20, m: int = 128, n: int = 64, k: int = 1,
                         noise: float = 0.05, enrol_reads: int = 5, seed: int = 0) -> AuthenticationTrial:
    """Runs `attempts` authentications of every device with m fresh challenges each.

    Impostors are the other devices (a different chip answering), cycled so each device
    faces as many impostor attempts as genuine ones.
    """
    if devices < 2:
        raise ValueError("need at least two devices (impostors are other devices)")
    rng = np.random.default_rng(seed)
    pufs = [XorArbiterPuf.create(n, k, noise, rng=rng) for _ in range(devices)]
    genuine = np.empty((devices, attempts))
    impostor = np.empty((devices, attempts))
    for d, puf in enumerate(pufs):
        challenges = random_challenges(attempts * m, n, rng)
        reference = enrol(puf, challenges, enrol_reads, rng).reshape(attempts, m)
        answer = puf.respond(challenges, rng).reshape(attempts, m)
        genuine[d] = (answer != reference).mean(axis=1)
        other = pufs[(d + 1 + rng.integers(devices - 1)) % devices]
        impostor[d] = (other.respond(challenges, rng).reshape(attempts, m) != reference).mean(axis=1)
    return AuthenticationTrial(genuine.ravel(), impostor.ravel(), float(genuine.mean()))


def error_rates(genuine: np.ndarray, impostor: np.ndarray, tolerances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """FAR (impostors accepted) and FRR (genuine rejected) at each tolerance (accept if distance <= tolerance)."""
    t = np.asarray(tolerances, dtype=float)[:, None]
    far = (np.asarray(impostor)[None, :] <= t).mean(axis=1)
    frr = (np.asarray(genuine)[None, :] > t).mean(axis=1)
    return far, frr


def equal_error_rate(genuine: np.ndarray, impostor: np.ndarray) -> tuple[float, float]:
    """(EER, tolerance at which FAR and FRR meet), searched over every observed distance.

    When the two distributions do not overlap the EER is 0 and the tolerance is the
    midpoint of the gap."""
    candidates = np.unique(np.concatenate([genuine, impostor]))
    far, frr = error_rates(genuine, impostor, candidates)
    if genuine.max() < impostor.min():
        return 0.0, float((genuine.max() + impostor.min()) / 2)
    i = int(np.argmin(np.abs(far - frr)))
    return float((far[i] + frr[i]) / 2), float(candidates[i])


def modelling_attack(crps: int, n: int = 64, k: int = 1, noise: float = 0.05, test: int = 10_000, seed: int = 0) -> float:
    """Logistic regression on Phi features trained on `crps` observed challenge-response pairs.

    Returns the share of fresh challenges the model answers like the device's noise-free
    response. For k = 1 the response is a linear threshold of Phi, so this plain attack
    suffices; for k >= 2 it is not linear in Phi and plain LR stays near guessing (the
    dedicated XOR attack of Rührmair et al. 2010 is not implemented here).
    """
    if crps < 2:
        raise ValueError("the attacker needs at least two challenge-response pairs")
    rng = np.random.default_rng(seed)
    puf = XorArbiterPuf.create(n, k, noise, rng=rng)
    train_c = random_challenges(crps, n, rng)
    train_r = puf.respond(train_c, rng)
    test_c = random_challenges(test, n, rng)
    if len(np.unique(train_r)) < 2:
        return float(np.mean(puf.ideal(test_c) == train_r[0]))
    model = LogisticRegression(C=10.0, max_iter=2000, fit_intercept=False)
    model.fit(features(train_c), train_r)
    return float(np.mean(model.predict(features(test_c)) == puf.ideal(test_c)))
