"""A logistic-regression flow detector small enough to run per window inside a simulation and to federate.

Its parameters are one flat vector (standardisation, weights, bias), so FedAvg, differential-
privacy noise and secure-aggregation masks act on plain numpy arrays (qcity.ids.federated),
and a model file is a small ``.npz`` (no pickle). Training is full-batch gradient descent
on the class-balanced log loss with L2 regularisation: a few hundred steps on some thousand
records take milliseconds, and a federated client runs the same steps from the global model.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np


@dataclass
class LogisticDetector:
    mean: np.ndarray  # feature standardisation
    scale: np.ndarray
    weights: np.ndarray
    bias: float = 0.0
    threshold: float = 0.5

    @classmethod
    def untrained(cls, n_features: int) -> LogisticDetector:
        return cls(np.zeros(n_features), np.ones(n_features), np.zeros(n_features))

    @classmethod
    def standardised_for(cls, x: np.ndarray) -> LogisticDetector:
        """An untrained detector whose standardisation comes from the records ``x``."""
        scale = x.std(axis=0)
        return cls(x.mean(axis=0), np.where(scale > 1e-9, scale, 1.0), np.zeros(x.shape[1]))

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Probability of attack per record."""
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return 1 / (1 + np.exp(-np.clip(z, -50, 50)))

    def predict(self, x: np.ndarray, threshold: float | None = None) -> np.ndarray:
        return self.scores(x) >= (self.threshold if threshold is None else threshold)

    def fit(self, x: np.ndarray, y: np.ndarray, steps: int = 300, learning_rate: float = 0.5, l2: float = 1e-3) -> LogisticDetector:
        """Gradient descent from the current weights (so a federated round continues the global model)."""
        y = np.asarray(y, float)
        if len(x) == 0:
            return self
        xs = (x - self.mean) / self.scale
        pos = y.sum()
        neg = len(y) - pos
        # class-balanced: attacks are rare in some gateways' data and the only class in others
        w = np.where(y > 0, 0.5 / max(pos, 1), 0.5 / max(neg, 1)) if pos and neg else np.full(len(y), 1 / len(y))
        for _ in range(steps):
            p = 1 / (1 + np.exp(-np.clip(xs @ self.weights + self.bias, -50, 50)))
            g = w * (p - y)
            self.weights = self.weights - learning_rate * (xs.T @ g + l2 * self.weights)
            self.bias = self.bias - learning_rate * g.sum()
        return self

    # the flat parameter vector federated learning exchanges: weights then bias
    def parameters(self) -> np.ndarray:
        return np.append(self.weights, self.bias)

    def with_parameters(self, vector: np.ndarray) -> LogisticDetector:
        return LogisticDetector(self.mean.copy(), self.scale.copy(), np.array(vector[:-1], float), float(vector[-1]), self.threshold)

    def save(self, path: str | os.PathLike) -> None:
        np.savez(path, mean=self.mean, scale=self.scale, weights=self.weights, bias=self.bias, threshold=self.threshold)

    @classmethod
    def load(cls, path: str | os.PathLike) -> LogisticDetector:
        try:
            with np.load(path) as z:
                return cls(z["mean"], z["scale"], z["weights"], float(z["bias"]), float(z["threshold"]))
        except FileNotFoundError:
            raise FileNotFoundError(f"flow detector model not found: {path} (train one on FlowTap logs with "
                                    "analysis/train_flow_detector.py and pass model=<file>)") from None
        except (KeyError, ValueError, OSError) as e:
            raise ValueError(f"{path}: not a LogisticDetector model file ({e})") from None
