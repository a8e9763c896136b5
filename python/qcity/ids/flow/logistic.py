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

    def fit(self, x: np.ndarray, y: np.ndarray, steps: int = 300, learning_rate: float = 0.5, l2: float = 1e-3,
            groups: np.ndarray | None = None, anchor: np.ndarray | None = None, prox: float = 0.0) -> LogisticDetector:
        """Gradient descent from the current weights (so a federated round continues the global model).

        Records are weighted so normal and attack records count alike (attacks are rare in some
        gateways' data and the only class in others). With ``groups`` (an attack kind per record,
        0 for normal) the attack half is shared equally among the kinds present, so a kind with a
        few records among many of another still moves the model. ``prox`` > 0 adds
        prox/2 ||parameters - anchor||^2 to the loss: a personal model kept near the global one
        (Ditto, Li et al., ICML 2021)."""
        y = np.asarray(y, float)
        if len(x) == 0:
            return self
        xs = (x - self.mean) / self.scale
        w = _balanced_weights(y, None if groups is None else np.asarray(groups))
        pull_w, pull_b = (anchor[:-1], anchor[-1]) if prox > 0 and anchor is not None else (None, 0.0)
        for _ in range(steps):
            p = 1 / (1 + np.exp(-np.clip(xs @ self.weights + self.bias, -50, 50)))
            g = w * (p - y)
            grad_w, grad_b = xs.T @ g + l2 * self.weights, g.sum()
            if pull_w is not None:
                grad_w = grad_w + prox * (self.weights - pull_w)
                grad_b = grad_b + prox * (self.bias - pull_b)
            self.weights = self.weights - learning_rate * grad_w
            self.bias = self.bias - learning_rate * grad_b
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


def _balanced_weights(y: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
    """Per-record weights summing to 1: half to normal records, half to attacks (shared equally by kind
    when ``groups`` gives each record's kind); all to the one class when only one is present."""
    attack = y > 0
    if groups is None:
        groups = attack.astype(int)
    elif groups.shape != y.shape:
        raise ValueError(f"groups must give one attack kind per record: {groups.shape} for {y.shape}")
    elif np.any(groups[attack] == 0):
        raise ValueError("an attack record has kind 0, the kind of normal records")
    kinds = np.unique(groups[attack])
    share = {0: 0.5 if attack.any() else 1.0}
    for kind in kinds:
        share[int(kind)] = (0.5 if (~attack).any() else 1.0) / len(kinds)
    w = np.zeros(len(y))
    normal = ~attack
    if normal.any():
        w[normal] = share[0] / normal.sum()
    for kind in kinds:
        mask = attack & (groups == kind)
        w[mask] = share[int(kind)] / mask.sum()
    return w

