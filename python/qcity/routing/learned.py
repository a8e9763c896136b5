"""Learned next-hop scoring (seed 003, Section 3.4-3.5): a neural network trained on
simulated experience predicts, for each candidate neighbour, whether a reading sent
through it will be delivered and how long it will take; the policy then minimises the
paper's composite loss (Eq. 6)

    L = alpha * E + beta * D + gamma * (1 - PDR)

per decision, with E the expected transmissions to a gateway (the candidate's path
ETX), D the predicted delay and PDR the predicted delivery probability.

Training data comes from MeshRouter's experience vectors (``recordExperience = true``,
see MeshRouter.ned): one row per uplink forwarding decision with the chosen
candidate's state and the outcome the deciding node observed (the reading's ACK back
through it, or a timeout). :func:`qcity.reports.routing.experience_frame` reads them from
.vec files into a frame; :func:`train` fits two scikit-learn MLPs (delivery classifier, delay regressor) and
returns a :class:`RouteScorer`, whose numpy forward pass is what the hooks run.

The seed's weights alpha, beta, gamma are not given; the defaults here
(:data:`DEFAULT_WEIGHTS`) price one expected transmission at 0.01 lost readings and
one second of delay at 1 lost reading.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .candidates import column as _column
from .candidates import pick as _pick
from .metrics import energy_aware_metric

#: Input features, in order: seed 003's "residual power, channel condition, distance,
#: amount of traffic" plus the path state a beacon carries.
FEATURES = ("energyFraction", "linkQuality", "distance", "queueLength", "hops", "pathEtx", "delay")

#: (alpha per expected transmission, beta per second, gamma per lost reading)
DEFAULT_WEIGHTS = (0.01, 1.0, 1.0)

#: The model the hooks load unless a subclass names another (analysis/train_routing_nn.py writes it).
DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "seed003_nn.npz"


def _mlp_layers(model) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(np.asarray(w), np.asarray(b)) for w, b in zip(model.coefs_, model.intercepts_)]


def _forward(layers: list[tuple[np.ndarray, np.ndarray]], x: np.ndarray) -> np.ndarray:
    """ReLU hidden layers, identity output (what scikit-learn's MLPs compute before their output function)."""
    for w, b in layers[:-1]:
        x = np.maximum(x @ w + b, 0.0)
    w, b = layers[-1]
    return (x @ w + b)[:, 0]


@dataclass
class RouteScorer:
    """A trained scorer: feature scaling plus the delivery and delay networks' weights."""

    mean: np.ndarray
    scale: np.ndarray
    delivery_layers: list[tuple[np.ndarray, np.ndarray]]
    delay_layers: list[tuple[np.ndarray, np.ndarray]]
    weights: tuple[float, float, float] = DEFAULT_WEIGHTS

    def predict(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Delivery probability and delay (s) for rows of :data:`FEATURES`."""
        x = (np.asarray(features, dtype=float) - self.mean) / self.scale
        p = 1.0 / (1.0 + np.exp(-_forward(self.delivery_layers, x)))
        d = np.maximum(_forward(self.delay_layers, x), 0.0)
        return p, d

    def loss(self, features: np.ndarray) -> np.ndarray:
        """Seed 003's Eq. 6 per row: alpha * pathEtx + beta * predicted delay + gamma * (1 - predicted PDR)."""
        features = np.asarray(features, dtype=float)
        p, d = self.predict(features)
        alpha, beta, gamma = self.weights
        return alpha * features[:, FEATURES.index("pathEtx")] + beta * d + gamma * (1.0 - p)

    def save(self, path: str | os.PathLike) -> None:
        arrays = {"mean": self.mean, "scale": self.scale, "weights": np.asarray(self.weights, dtype=float),
                  "features": np.asarray(FEATURES)}
        for prefix, layers in (("delivery", self.delivery_layers), ("delay", self.delay_layers)):
            for i, (w, b) in enumerate(layers):
                arrays[f"{prefix}_w{i}"] = w
                arrays[f"{prefix}_b{i}"] = b
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike) -> RouteScorer:
        try:
            data = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as e:
            raise ValueError(f"{path}: not a routing model file ({e})") from None
        with data:
            if tuple(data["features"]) != FEATURES:
                raise ValueError(f"{path}: model was trained on features {tuple(data['features'])}, expected {FEATURES}")

            def layers(prefix: str) -> list[tuple[np.ndarray, np.ndarray]]:
                count = sum(1 for k in data.files if k.startswith(prefix + "_w"))
                return [(data[f"{prefix}_w{i}"], data[f"{prefix}_b{i}"]) for i in range(count)]

            return cls(data["mean"], data["scale"], layers("delivery"), layers("delay"),
                       tuple(float(v) for v in data["weights"]))


def train(frame: pd.DataFrame, hidden: tuple[int, ...] = (16, 16), seed: int = 0,
          weights: tuple[float, float, float] = DEFAULT_WEIGHTS) -> RouteScorer:
    """Fits the delivery classifier (all rows) and the delay regressor (delivered rows; the
    delay of a lost reading is unknown) with scikit-learn, on standardised features."""
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    x = frame[list(FEATURES)].to_numpy(dtype=float)
    if len(x) < 50:
        raise ValueError(f"{len(x)} experience rows are too few to train on (need at least 50)")
    delivered = frame["delivered"].to_numpy(dtype=float)
    if delivered.min() == delivered.max():
        raise ValueError("every recorded decision had the same outcome; nothing to learn delivery from")
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = (x - mean) / scale
    common = dict(hidden_layer_sizes=hidden, activation="relu", random_state=seed, max_iter=2000,
                  early_stopping=True, n_iter_no_change=20)
    classifier = MLPClassifier(**common).fit(xs, delivered.astype(int))
    ok = delivered == 1
    regressor = MLPRegressor(**common).fit(xs[ok], frame["elapsed"].to_numpy(dtype=float)[ok])
    return RouteScorer(mean, scale, _mlp_layers(classifier), _mlp_layers(regressor), weights)


def _candidate_features(request: dict) -> np.ndarray:
    return np.column_stack([_column(request, name) for name in FEATURES])


def model_setting(settings: str, default: str | os.PathLike) -> str | os.PathLike:
    """The model file a learned hook loads: ``model=<file>`` in MeshRouter's routingSettings, else ``default``."""
    path = default
    for item in settings.split():
        key, sep, value = item.partition("=")
        if key != "model" or not sep or not value:
            raise ValueError(f"unknown routing setting {item!r}; known: model=<file>")
        path = value
    return path


class NeuralRouting:
    """Routing hook: the candidate with the lowest predicted Eq. 6 loss (seed 003's AI
    model on its own; the routing of its AI-R baseline). The model is ``model=<file>`` from
    MeshRouter's ``routingSettings`` or, without it, ``model`` (a subclass may set another)."""

    model: str | os.PathLike = DEFAULT_MODEL

    def __init__(self) -> None:
        self.scorer: RouteScorer | None = None

    def _scorer(self, request: dict) -> RouteScorer:
        if self.scorer is None:
            self.scorer = RouteScorer.load(model_setting(request.get("settings", ""), self.model))
        return self.scorer

    def __call__(self, request: dict) -> int:
        return _pick(request, [self._scorer(request).loss(_candidate_features(request)), _column(request, "hops")])


class NeuralEnergyRouting(NeuralRouting):
    """Routing hook for seed 003's proposed scheme: the AI model's Eq. 6 loss shortlists the
    candidates within ``tolerance`` (relative) of the best, and the real-time metric of
    Eq. 7, M = E_res / (D x L), picks among them (Section 3.5: "the A.I. model will use this
    routing metric to make routing selections")."""

    tolerance = 0.1

    def __call__(self, request: dict) -> int:
        loss = self._scorer(request).loss(_candidate_features(request))
        shortlisted = loss <= loss.min() + self.tolerance * abs(loss.min())
        m = energy_aware_metric(_column(request, "residualEnergy"), _column(request, "delay"),
                                1 - _column(request, "linkQuality"))
        return _pick(request, [~shortlisted, -m, loss])


class RandomExploration:
    """Routing hook for collecting experience: a uniformly random candidate, from a
    generator seeded by the node's address (the same runs give the same choices)."""

    def __init__(self) -> None:
        self.rng: np.random.Generator | None = None

    def __call__(self, request: dict) -> int:
        if self.rng is None:
            self.rng = np.random.default_rng(int(request["node"]))
        addresses = request["candidates"]["address"]
        return int(addresses[self.rng.integers(len(addresses))])
