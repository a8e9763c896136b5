"""Federated detection parts: clipping, fixed-point encoding, pairwise-mask secure aggregation,
Gaussian differential privacy with its (epsilon, delta) accounting, and FedAvg.

The federated IDS of seed 000 (local detectors at gateways, updates aggregated at the control
centre, noise-protected, sent over QKD-secured channels) is built from these, in the
simulation by :mod:`qcity.ids.federated.hooks` and offline by :func:`federated_training`.

- **Secure aggregation** (after Bonawitz et al., CCS 2017, without dropout recovery): clients
  agree pairwise seeds by X25519 and HKDF; client i adds the AES-CTR stream of each seed it
  shares with a higher-indexed client and subtracts those it shares with lower-indexed ones,
  all modulo 2**32, so the masks cancel in the sum and the server learns only the sum. A
  client missing from a round leaves its masks in the sum: the round fails (the Shamir
  shares that recover from dropouts are not modelled).
- **Differential privacy** (client level, as DP-FedAvg, McMahan et al., ICLR 2018): each
  update is clipped to L2 norm ``clip``; each of the n clients adds Gaussian noise of standard
  deviation ``noise_multiplier * clip / sqrt(n)``, so the sum carries noise of
  ``noise_multiplier * clip`` (distributed noise: this holds while every client adds its share).
  Every client takes part in every round (no subsampling), so T rounds compose as T Gaussian
  mechanisms; :class:`GaussianAccountant` does that in Rényi DP and converts to (epsilon, delta).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..flow.logistic import LogisticDetector

MODULUS_BITS = 32
#: fixed-point resolution of an update coordinate (2**-16): far below the noise and the learning step
FRACTION_BITS = 16


def clip(update: np.ndarray, norm: float) -> np.ndarray:
    """``update`` scaled down to L2 norm ``norm`` if it is longer (``norm <= 0``: unchanged)."""
    if norm <= 0:
        return update
    length = float(np.linalg.norm(update))
    return update if length <= norm else update * (norm / length)


def encode(values: np.ndarray, fraction_bits: int = FRACTION_BITS) -> np.ndarray:
    """Real numbers as fixed-point integers modulo 2**32 (two's complement for negatives)."""
    scaled = np.rint(np.asarray(values, float) * (1 << fraction_bits))
    limit = 1 << (MODULUS_BITS - 1)
    if np.any(np.abs(scaled) >= limit):
        raise OverflowError(f"an update coordinate exceeds the fixed-point range ±{limit / (1 << fraction_bits):g}")
    return scaled.astype(np.int64).astype(np.uint32)


def decode(words: np.ndarray, fraction_bits: int = FRACTION_BITS) -> np.ndarray:
    """Inverse of :func:`encode` (for a sum too, as long as the true sum stays within range)."""
    return np.asarray(words, np.uint32).astype(np.int32).astype(float) / (1 << fraction_bits)


class PairwiseMasker:
    """One client's side of pairwise-mask secure aggregation.

    ``public_key`` goes to the server, which hands every client the others' keys
    (:meth:`set_peers`); :meth:`mask` then gives the client's mask for a round.
    """

    def __init__(self, index: int, private_key: X25519PrivateKey | None = None) -> None:
        self.index = index
        self._private = private_key or X25519PrivateKey.generate()
        self._seeds: dict[int, bytes] = {}

    @property
    def public_key(self) -> bytes:
        return self._private.public_key().public_bytes_raw()

    def set_peers(self, public_keys: Mapping[int, bytes]) -> None:
        """Agrees a 32-byte seed with every other client from its X25519 public key."""
        self._seeds = {}
        for j, key in public_keys.items():
            if j == self.index:
                continue
            shared = self._private.exchange(X25519PublicKey.from_public_bytes(key))
            low, high = sorted((self.index, j))
            info = f"qcity secure aggregation {low}-{high}".encode()
            self._seeds[j] = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)

    @property
    def peers(self) -> list[int]:
        return sorted(self._seeds)

    def mask(self, round_number: int, length: int) -> np.ndarray:
        """This client's mask for a round: the sum of its pairwise streams, signed so they cancel."""
        total = np.zeros(length, np.uint32)
        for j, seed in self._seeds.items():
            stream = _stream(seed, round_number, length)
            total = total + stream if self.index < j else total - stream  # uint32 arithmetic wraps modulo 2**32
        return total


def _stream(seed: bytes, round_number: int, length: int) -> np.ndarray:
    """AES-256-CTR keystream under ``seed`` with the round as the counter block's upper half."""
    nonce = round_number.to_bytes(8, "big") + bytes(8)
    encryptor = Cipher(algorithms.AES(seed), modes.CTR(nonce)).encryptor()
    return np.frombuffer(encryptor.update(bytes(4 * length)), dtype="<u4").astype(np.uint32)


def masked_update(update: np.ndarray, masker: PairwiseMasker, round_number: int) -> np.ndarray:
    """The fixed-point update with the client's mask added: what it sends."""
    words = encode(update)
    return words + masker.mask(round_number, len(words))


def unmask_sum(masked: Sequence[np.ndarray]) -> np.ndarray:
    """The sum of all clients' updates (the masks cancel only when every client is in)."""
    total = np.zeros(len(masked[0]), np.uint32)
    for words in masked:
        total = total + np.asarray(words, np.uint32)
    return decode(total)


class GaussianAccountant:
    """(epsilon, delta) of T rounds of the Gaussian mechanism with noise multiplier z (noise std / sensitivity).

    Rényi DP of one round at order a is a / (2 z**2) (Mironov, CSF 2017, Prop. 7); rounds add up;
    epsilon = min over a of T a / (2 z**2) + log(1/delta) / (a - 1) (ibid., Prop. 3), minimised
    over a grid of orders as the usual accountants do.
    """

    ORDERS = np.concatenate([np.linspace(1.01, 10, 400), np.arange(11, 257)])

    def __init__(self, noise_multiplier: float, delta: float) -> None:
        if noise_multiplier < 0:
            raise ValueError(f"noise multiplier must not be negative, got {noise_multiplier}")
        if not 0 < delta < 1:
            raise ValueError(f"delta must be in (0, 1), got {delta}")
        self.noise_multiplier = noise_multiplier
        self.delta = delta

    def epsilon(self, rounds: int) -> float:
        """Privacy loss after ``rounds`` rounds (infinite without noise, 0 before any round)."""
        if rounds <= 0:
            return 0.0
        if self.noise_multiplier == 0:
            return math.inf
        a = self.ORDERS
        rdp = rounds * a / (2 * self.noise_multiplier**2)
        return float(np.min(rdp + math.log(1 / self.delta) / (a - 1)))


def noise_share(length: int, clip_norm: float, noise_multiplier: float, clients: int, rng: np.random.Generator) -> np.ndarray:
    """One client's Gaussian noise: n shares add up to std ``noise_multiplier * clip_norm``."""
    if noise_multiplier <= 0:
        return np.zeros(length)
    return rng.normal(0.0, noise_multiplier * clip_norm / math.sqrt(clients), length)


def fedavg(global_params: np.ndarray, update_sum: np.ndarray, clients: int) -> np.ndarray:
    """FedAvg with equal client weights (DP-FedAvg's choice: a client's weight would reveal its data size)."""
    return global_params + update_sum / clients


def weighted(update: np.ndarray, weight: float) -> np.ndarray:
    """What a client sends for a weighted average: its update times its weight, and the weight
    (the last coordinate), so the masked sum carries both numerator and denominator."""
    return np.append(weight * update, weight)


def weighted_mean(total: np.ndarray) -> np.ndarray:
    """The weighted mean update from the sum of :func:`weighted` vectors."""
    if total[-1] <= 0:
        raise ValueError(f"the clients' weights add up to {total[-1]:g}; a weighted mean needs a positive sum")
    return total[:-1] / total[-1]


def local_update(model: LogisticDetector, x: np.ndarray, y: np.ndarray, steps: int, learning_rate: float,
                 groups: np.ndarray | None = None) -> np.ndarray:
    """What local training moves the model's parameters by (zero without data); ``groups``: see LogisticDetector.fit."""
    start = model.parameters()
    if len(x) == 0:
        return np.zeros_like(start)
    trained = model.with_parameters(start).fit(x, y, steps=steps, learning_rate=learning_rate, groups=groups)
    return trained.parameters() - start


#: the training settings of a federation, as FedClient's and FedServer's ``settings`` parameter names them
#: ("key=value ..."; the hooks' DEFAULTS start from these); the functions below call ``clip`` clip_norm
#: and ``noise`` noise_multiplier, the differential-privacy literature's names
TRAINING_DEFAULTS: dict[str, float] = {"steps": 50.0, "learning_rate": 0.5, "clip": 1.0, "noise": 0.0, "delta": 1e-5}


def private_update(model: LogisticDetector, x: np.ndarray, y: np.ndarray, *, steps: int, learning_rate: float,
                   clip_norm: float, noise_multiplier: float, clients: int, rng: np.random.Generator,
                   groups: np.ndarray | None = None) -> np.ndarray:
    """One client's contribution to a round: its local update, clipped, with its share of the noise.

    How the client weights its own records (``groups``) happens before the clipping, so the
    privacy accounting (clip norm and noise) is the same whatever the weighting."""
    update = clip(local_update(model, x, y, steps, learning_rate, groups), clip_norm)
    return update + noise_share(len(update), clip_norm, noise_multiplier, clients, rng)


def federated_training(splits: Sequence[tuple[np.ndarray, np.ndarray]], rounds: int, *,
                       steps: int = int(TRAINING_DEFAULTS["steps"]),
                       learning_rate: float = TRAINING_DEFAULTS["learning_rate"],
                       clip_norm: float = TRAINING_DEFAULTS["clip"], noise_multiplier: float = TRAINING_DEFAULTS["noise"],
                       delta: float = TRAINING_DEFAULTS["delta"], seed: int = 0) -> tuple[LogisticDetector, list[float]]:
    """Offline FedAvg over client data ``splits`` (features, labels), with clipping, distributed
    noise and secure aggregation as in the simulation. Returns the model and epsilon per round
    (at ``delta``)."""
    n_features = splits[0][0].shape[1]
    rng = np.random.default_rng(seed)
    maskers = [PairwiseMasker(i) for i in range(len(splits))]
    keys = {m.index: m.public_key for m in maskers}
    for m in maskers:
        m.set_peers(keys)
    accountant = GaussianAccountant(noise_multiplier, delta)
    model = LogisticDetector.untrained(n_features)
    epsilons = []
    for r in range(rounds):
        sent = []
        for (x, y), masker in zip(splits, maskers):
            update = private_update(model, x, y, steps=steps, learning_rate=learning_rate, clip_norm=clip_norm,
                                    noise_multiplier=noise_multiplier, clients=len(splits), rng=rng)
            sent.append(masked_update(update, masker, r))
        model = model.with_parameters(fedavg(model.parameters(), unmask_sum(sent), len(splits)))
        epsilons.append(accountant.epsilon(r + 1))
    return model, epsilons
