"""Hooks of federated detection in the simulation: ``Client`` for a gateway's FedClient module,
``Server`` for the control centre's FedServer (one instance per module).

The modules carry what these hooks return as opaque payloads in real packets, so every
message costs backhaul bandwidth, gateway queueing and, when sealed under QKD key, key
from the gateway's pool. Each call is ``{"event": ..., ...}`` (:mod:`qcity.hookprotocol`); payloads are strings, and
``bytes`` is the size the message has on the wire (binary, before the transport header).

Protocol (all through the backhaul):

1. setup: each client sends its X25519 and ML-KEM-768 public keys; when all have, the
   server sends every client the X25519 keys and its own ML-KEM public key.
2. round r: the server seals the global model for each client; the client opens it,
   trains from it on the flow records it has labelled since it started (the newest
   ``buffer`` of them), clips the change, adds its noise share, masks it (secure aggregation)
   and seals it; when every client's update has arrived the server sums, unmasks and
   averages (FedAvg) and accounts the privacy loss.

Sealing is AES-256-GCM (:mod:`qcity.crypto.session`). ``mode="qkd"`` stands for 256 bits the
module took from the gateway's key pool: the simulated pool counts bits without holding
their values, so both ends derive the AES key from the message's identity (gateway, round,
direction) by HKDF in its place. ``mode="pqc"`` (no pool, or the pool ran short) is a real
ML-KEM-768 encapsulation to the receiver; its 1,088-byte ciphertext travels with the message.
"""

from __future__ import annotations

import base64
import json

import numpy as np
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import mlkem
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ...crypto.session import KEY_BYTES, open_sealed, seal
from ...hookprotocol import EventHook
from ..flow.hooks import ThresholdDetector, federated_start, parse_settings
from ..flow.records import FEATURE_NAMES, features, records_frame
from .aggregation import (
    TRAINING_DEFAULTS,
    GaussianAccountant,
    PairwiseMasker,
    masked_update,
    private_update,
    unmask_sum,
    weighted,
    weighted_mean,
)

#: settings both sides read (``settings`` parameter of FedClient and FedServer, "key=value ...")
DEFAULTS: dict[str, float | str] = {**TRAINING_DEFAULTS, "buffer": 4000.0, "labels": "truth", "weighting": "equal",
                                    "balance": "labels", "personal": 0.0}
LABEL_SOURCES = ("truth", "rules")
#: how a client weights its records when it trains: normal against attack records (half each), or normal
#: against each attack kind it holds (half to normal, the other half shared equally by the kinds), which
#: needs the kinds, so labels=truth; local, so the privacy accounting is unchanged
BALANCES = ("labels", "kinds")
# personal > 0: the gateway judges flows with a personal model trained on its own records and kept near each
# round's global model by a proximal term of that strength (Ditto); the global model, its updates and their
# privacy accounting are unchanged, and the personal model never leaves the gateway
#: how the server averages: every client alike (DP-FedAvg), or by attack records held ((attacks + 1) / (buffer + 1),
#: so a gateway that saw attacks counts for more than the many that saw only normal traffic)
WEIGHTINGS = ("equal", "attacks")
MODES = ("qkd", "pqc")
X25519_KEY_BYTES = 32
MLKEM768_PUBLIC_KEY_BYTES = 1184
MLKEM768_CIPHERTEXT_BYTES = 1088


def _settings(text: str) -> dict[str, float | str]:
    s = parse_settings(text, DEFAULTS)
    if s["labels"] not in LABEL_SOURCES:
        raise ValueError(f"labels must be one of {LABEL_SOURCES}, got {s['labels']!r}")
    if s["weighting"] not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {s['weighting']!r}")
    if s["balance"] not in BALANCES:
        raise ValueError(f"balance must be one of {BALANCES}, got {s['balance']!r}")
    if s["balance"] == "kinds" and s["labels"] != "truth":
        raise ValueError("balance=kinds weights records by their attack kind, which only labels=truth knows")
    if s["weighting"] != "equal" and float(s["noise"]) > 0:
        # the sum of the weights reaches the server in the clear (after unmasking), and the
        # privacy accounting covers the updates only
        raise ValueError("weighting=attacks reveals the sum of the clients' weights, which the privacy accounting "
                         "does not cover: use it with noise=0")
    for key in ("steps", "buffer"):
        if s[key] < 1:
            raise ValueError(f"{key} must be at least 1, got {s[key]:g}")
    for key in ("learning_rate", "clip", "noise", "personal"):
        if s[key] < 0:
            raise ValueError(f"{key} must not be negative, got {s[key]:g}")
    if s["personal"] * s["learning_rate"] >= 2:  # gradient steps on the proximal term would overshoot and diverge
        raise ValueError(f"personal must be below 2 / learning_rate = {2 / s['learning_rate']:g}, got {s['personal']:g}")
    if not 0 < s["delta"] < 1:
        raise ValueError(f"delta must be in (0, 1), got {s['delta']:g}")
    return s


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _qkd_key(gateway: int, round_number: int, direction: str) -> bytes:
    """Stand-in for the 256 pool bits both ends of gateway's QKD link took for this message."""
    info = f"qcity federated {direction} gateway {gateway} round {round_number}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(b"qkd key pool stand-in")


def _seal(mode: str, plaintext: bytes, gateway: int, round_number: int, direction: str,
          peer_kem: mlkem.MLKEM768PublicKey | None) -> bytes:
    if mode == "qkd":
        return seal(_qkd_key(gateway, round_number, direction), plaintext, direction.encode())
    if mode != "pqc":
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if peer_kem is None:
        raise RuntimeError("PQC-sealed message before the peer's ML-KEM public key arrived (setup incomplete)")
    secret, ciphertext = peer_kem.encapsulate()
    return ciphertext + seal(secret, plaintext, direction.encode())


def _open(mode: str, message: bytes, gateway: int, round_number: int, direction: str,
          own_kem: mlkem.MLKEM768PrivateKey) -> bytes:
    if mode == "qkd":
        return open_sealed(_qkd_key(gateway, round_number, direction), message, direction.encode())
    if mode != "pqc":
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    n = MLKEM768_CIPHERTEXT_BYTES
    return open_sealed(own_kem.decapsulate(message[:n]), message[n:], direction.encode())


def _payload(data: bytes) -> dict:
    return {"payload": _b64(data), "bytes": len(data)}


class Client(EventHook):
    """A gateway's side: labels its flow records, trains from the global model, sends masked, noised, sealed updates."""

    def __init__(self) -> None:
        self.s: dict[str, float | str] = {}
        self.gateway = -1
        self.clients = 0
        self.rng: np.random.Generator | None = None
        self.kem = mlkem.MLKEM768PrivateKey.generate()
        self.server_kem: mlkem.MLKEM768PublicKey | None = None
        self.masker: PairwiseMasker | None = None
        self.x = np.empty((0, len(FEATURE_NAMES)))
        self.y = np.empty(0)
        self.kinds = np.empty(0, int)
        self.model = federated_start()
        self.personal = federated_start()
        self.rules = ThresholdDetector()
        super().__init__()

    def handlers(self) -> dict:
        return {"setup": self._setup, "keys": self._keys, "observe": self._observe, "model": self._model,
                "train": self._train, "local": self._local}

    def _setup(self, a: dict) -> dict:
        self.s = _settings(a.get("settings", ""))
        self.gateway = int(a["gateway"])
        self.rng = np.random.default_rng(int(a["seed"]))
        self.masker = PairwiseMasker(self.gateway)
        keys = self.masker.public_key + self.kem.public_key().public_bytes_raw()
        return _payload(keys)

    def _keys(self, a: dict) -> dict:
        data = json.loads(a["payload"])
        keys = {int(i): _unb64(k) for i, k in data["x25519"].items()}
        if keys.get(self.gateway) != self.masker.public_key:
            raise RuntimeError(f"gateway {self.gateway}: the server's key list does not hold this client's key")
        self.masker.set_peers(keys)
        self.clients = len(keys)
        self.server_kem = mlkem.MLKEM768PublicKey.from_public_bytes(_unb64(data["mlkem"]))
        return {}

    def _observe(self, a: dict) -> dict:
        """A window's flow records with their labels (ground truth, or this gateway's rules with labels=rules)."""
        if not self.s:
            self.s = _settings(a.get("settings", ""))
        flows = a["flows"]
        x = features(records_frame(flows), float(a["window"]))
        if self.s["labels"] == "truth":
            y = np.asarray(a["labels"], float)
        else:
            y = np.asarray(self.rules({"flows": flows, "settings": ""})["alerts"], float)
        keep = int(self.s["buffer"])
        self.x = np.vstack([self.x, x])[-keep:]
        self.y = np.concatenate([self.y, y])[-keep:]
        kinds = np.asarray(a.get("kinds", y), int)  # ground-truth attack kinds (0 normal), as the FlowTap knows them
        self.kinds = np.concatenate([self.kinds, kinds])[-keep:]
        return {}

    def _groups(self) -> np.ndarray | None:
        return self.kinds if self.s["balance"] == "kinds" else None

    def _model(self, a: dict) -> dict:
        """The global model of a round: opened, kept to train from, and given to the detector once it has been trained."""
        plain = _open(a["mode"], _unb64(a["payload"]), self.gateway, int(a["round"]), "down", self.kem)
        message = np.frombuffer(plain, dtype="<f8")
        aggregated, params = int(message[0]), message[1:]  # rounds the global model has been through
        self.model = self.model.with_parameters(params)
        if aggregated == 0:
            return {"model": None}
        prox = float(self.s["personal"])
        if prox > 0 and len(self.y):
            s = self.s
            self.personal = self.personal.fit(self.x, self.y, steps=int(s["steps"]), learning_rate=float(s["learning_rate"]),
                                              groups=self._groups(), anchor=params, prox=prox)
            return {"model": self.personal.parameters().tolist()}
        return {"model": params.tolist()}

    def _train(self, a: dict) -> dict:
        """This round's update: trained, clipped, noised, masked, sealed."""
        s, r = self.s, int(a["round"])
        update = private_update(self.model, self.x, self.y, steps=int(s["steps"]), learning_rate=float(s["learning_rate"]),
                                clip_norm=float(s["clip"]), noise_multiplier=float(s["noise"]), clients=self.clients, rng=self.rng,
                                groups=self._groups())
        if s["weighting"] == "attacks":
            update = weighted(update, (float(self.y.sum()) + 1) / (float(s["buffer"]) + 1))
        words = masked_update(update, self.masker, r)
        sealed = _seal(a["mode"], words.astype("<u4").tobytes(), self.gateway, r, "up", self.server_kem)
        out = _payload(sealed)
        out["records"] = len(self.y)
        return out

    def _local(self, a: dict) -> dict:
        """Training without federation: the gateway's own model, for comparison."""
        if not self.s:
            self.s = _settings(a.get("settings", ""))
        if len(self.y) == 0:
            return {"model": None, "records": 0}
        s = self.s
        self.model = self.model.fit(self.x, self.y, steps=int(s["steps"]), learning_rate=float(s["learning_rate"]),
                                    groups=self._groups())
        return {"model": self.model.parameters().tolist(), "records": len(self.y)}


class Server(EventHook):
    """The control centre's side: distributes keys and the global model, unmasks and averages updates, accounts privacy."""

    def __init__(self) -> None:
        self.s: dict[str, float | str] = {}
        self.clients = 0
        self.kem = mlkem.MLKEM768PrivateKey.generate()
        self.client_kem: dict[int, mlkem.MLKEM768PublicKey] = {}
        self.x25519: dict[int, bytes] = {}
        self.model = federated_start()
        self.updates: dict[int, np.ndarray] = {}
        self.round = -1
        self.aggregated = 0
        self.accountant: GaussianAccountant | None = None
        super().__init__()

    def handlers(self) -> dict:
        return {"setup": self._setup, "register": self._register, "keys": self._keys, "broadcast": self._broadcast,
                "update": self._update, "aggregate": self._aggregate}

    def _setup(self, a: dict) -> dict:
        self.s = _settings(a.get("settings", ""))
        self.clients = int(a["clients"])
        if self.clients < 2:
            raise ValueError(f"secure aggregation needs at least 2 clients, got {self.clients}")
        self.accountant = GaussianAccountant(float(self.s["noise"]), float(self.s["delta"]))
        return {}

    def _register(self, a: dict) -> dict:
        data = _unb64(a["payload"])
        expected = X25519_KEY_BYTES + MLKEM768_PUBLIC_KEY_BYTES
        if len(data) != expected:
            raise ValueError(f"gateway {a['gateway']}: setup message of {len(data)} bytes, expected {expected}")
        g = int(a["gateway"])
        self.x25519[g] = data[:X25519_KEY_BYTES]
        self.client_kem[g] = mlkem.MLKEM768PublicKey.from_public_bytes(data[X25519_KEY_BYTES:])
        return {}

    def _keys(self, a: dict) -> dict:
        """Every client's X25519 key and the server's ML-KEM key: what each client gets once all registered."""
        text = json.dumps({"x25519": {str(g): _b64(k) for g, k in sorted(self.x25519.items())},
                           "mlkem": _b64(self.kem.public_key().public_bytes_raw())})
        return {"payload": text, "bytes": X25519_KEY_BYTES * len(self.x25519) + MLKEM768_PUBLIC_KEY_BYTES}

    def _broadcast(self, a: dict) -> dict:
        """Round r starts: the global model sealed for each client (a["gateways"], a["modes"])."""
        self.round = int(a["round"])
        self.updates = {}
        plain = np.concatenate([[self.aggregated], self.model.parameters()]).astype("<f8").tobytes()
        payloads, sizes = [], []
        for g, mode in zip(a["gateways"], a["modes"]):
            sealed = _seal(mode, plain, int(g), self.round, "down", self.client_kem.get(int(g)))
            payloads.append(_b64(sealed))
            sizes.append(len(sealed))
        return {"payloads": payloads, "bytes": sizes}

    def _update(self, a: dict) -> dict:
        r, g = int(a["round"]), int(a["gateway"])
        if r != self.round:
            raise ValueError(f"update of gateway {g} for round {r} during round {self.round}")
        plain = _open(a["mode"], _unb64(a["payload"]), g, r, "up", self.kem)
        self.updates[g] = np.frombuffer(plain, dtype="<u4").astype(np.uint32)
        return {}

    def _aggregate(self, a: dict) -> dict:
        """Every client's update is in: sum (the masks cancel), average, step the global model."""
        if len(self.updates) != self.clients:
            raise RuntimeError(f"round {self.round}: {len(self.updates)} of {self.clients} updates; masks would not cancel")
        total = unmask_sum(list(self.updates.values()))
        mean = weighted_mean(total) if self.s["weighting"] == "attacks" else total / self.clients
        self.model = self.model.with_parameters(self.model.parameters() + mean)
        self.aggregated += 1
        return {"epsilon": self.accountant.epsilon(self.aggregated), "update_norm": float(np.linalg.norm(mean))}
