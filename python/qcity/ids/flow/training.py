"""Training flow detectors on FlowTap logs and judging them on held-out runs.

A FlowTap with ``flowLogPrefix`` writes ``<prefix>-<gateway>.csv``: one record per flow and
gateway window, with its ground truth. Here detectors are trained on the logs of some runs
(seed sets) and judged on the logs of others, so a detector is scored on placements,
traffic and attackers it has not seen:

- ``rules``: :class:`~qcity.ids.flow.hooks.ThresholdDetector` (nothing to train);
- ``qcity_logistic``: :class:`~qcity.ids.flow.logistic.LogisticDetector`, the model the
  ``LearnedDetector`` and federated hooks run inside the simulation;
- scikit-learn's random forest, logistic regression and a small multi-layer perceptron on the
  same features (:data:`~qcity.ids.flow.records.FEATURE_NAMES`), as the baselines a user would try.

Every detector sees only what a gateway sees in one window; offline there is no Q-IDS
evidence (the logs do not carry it), so the rules run with ``fusion=0``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.datasets import DatasetError
from ..evaluate import detection_metrics
from .hooks import ThresholdDetector
from .logistic import LogisticDetector
from .records import FEATURE_NAMES, RECORD_COLUMNS, features, read_flow_logs

#: the attack kinds reported one by one
KINDS = ["flood", "scan", "spoof", "botnet", "mitm"]
#: the smart city's FlowLogs config writes seed<N>-<gateway>.csv: seed sets 100-103 to train on,
#: 0-2 (the runs Intrusions and Detectors score) to judge on
TRAIN_LOGS = "seed10[0-3]-*.csv"
TEST_LOGS = "seed[0-2]-*.csv"


def read_split(folder: str | os.PathLike, train: str = TRAIN_LOGS, test: str = TEST_LOGS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The flow logs in ``folder`` matching ``train`` and those matching ``test``; DatasetError when either matches none."""
    frames = []
    for pattern in (train, test):
        files = sorted(Path(folder).glob(pattern))
        if not files:
            raise DatasetError(f"no flow logs match {Path(folder) / pattern} (run the FlowLogs config first)")
        frames.append(read_flow_logs(files))
    return frames[0], frames[1]


def run_of(source: str) -> str:
    """The run a flow log belongs to: its file name without ``-<gateway>.csv``."""
    return re.sub(r"-[^-]*\.csv$", "", source)


def window_of(frame: pd.DataFrame) -> float:
    """The tap's window length, from the spacing of the window ends in the logs."""
    steps = [np.diff(np.unique(g.to_numpy(float))) for _, g in frame.groupby("source")["time"]]
    steps = [s for s in steps if len(s)]
    if not steps:
        raise DatasetError("cannot tell the window length: every flow log has a single window")
    return float(np.median(np.concatenate(steps)))


def log_features(frame: pd.DataFrame, window: float) -> np.ndarray:
    """Detector features per record, computed log by log (a window's median rate is that gateway's, that run's)."""
    out = np.empty((len(frame), len(FEATURE_NAMES)))
    for rows in frame.groupby("source", sort=False).indices.values():
        out[rows] = features(frame.iloc[rows], window)
    return out


def rule_alerts(frame: pd.DataFrame, window: float, settings: str = "fusion=0") -> np.ndarray:
    """The threshold rules' alerts, one call per gateway window as inside the simulation."""
    alerts = np.zeros(len(frame), bool)
    detector = ThresholdDetector()
    for rows in frame.groupby(["source", "time"], sort=False).indices.values():
        flows = {c: frame[c].iloc[rows].tolist() for c in RECORD_COLUMNS}
        answer = detector({"window": window, "settings": settings, "quantum_alert": False, "flows": flows})
        alerts[rows] = answer["alerts"]
    return alerts


@dataclass
class Trained:
    """What :func:`train_detectors` returns: qcity's model and a predict function per detector."""

    model: LogisticDetector
    predictors: dict[str, Callable[[pd.DataFrame, np.ndarray], np.ndarray]]


def train_logistic(x: np.ndarray, y: np.ndarray, steps: int = 2000) -> LogisticDetector:
    """qcity's logistic detector fitted on records ``x`` with labels ``y`` (class-balanced, threshold 0.5)."""
    if len(np.unique(y)) < 2:
        raise DatasetError("training records need both normal and attack flows")
    return LogisticDetector.standardised_for(x).fit(x, y, steps=steps)


def _sklearn_models(seed: int) -> dict:
    try:
        from sklearn import ensemble, linear_model, neural_network, pipeline, preprocessing
    except ImportError:
        raise ImportError("scikit-learn is needed for the baseline detectors: pip install 'qcity[analysis]'") from None
    scaled = preprocessing.StandardScaler
    return {
        "random_forest": ensemble.RandomForestClassifier(n_estimators=200, random_state=seed, class_weight="balanced",
                                                         n_jobs=1),
        "sklearn_logistic": pipeline.make_pipeline(scaled(), linear_model.LogisticRegression(max_iter=2000,
                                                                                             class_weight="balanced")),
        # no class weights in sklearn's MLP: it learns from the records as they come (rare attacks stay rare)
        "mlp": pipeline.make_pipeline(scaled(), neural_network.MLPClassifier(hidden_layer_sizes=(32, 16), max_iter=500,
                                                                             early_stopping=True, random_state=seed)),
    }


def train_detectors(train: pd.DataFrame, window: float, seed: int = 0, baselines: bool = True) -> Trained:
    """Fits qcity's logistic model and (with ``baselines``) scikit-learn's detectors on the records of ``train``."""
    x = log_features(train, window)
    y = train["label"].to_numpy(int)
    model = train_logistic(x, y)
    predictors: dict[str, Callable[[pd.DataFrame, np.ndarray], np.ndarray]] = {
        "rules": lambda frame, _x: rule_alerts(frame, window),
        "qcity_logistic": lambda _frame, xs: model.predict(xs),
    }
    if baselines:
        for name, clf in _sklearn_models(seed).items():
            clf.fit(x, y)
            predictors[name] = lambda _frame, xs, clf=clf: clf.predict(xs).astype(bool)
    return Trained(model, predictors)


def judge(trained: Trained, test: pd.DataFrame, window: float) -> pd.DataFrame:
    """Per detector and held-out run: ADR, FPR, precision, F1, and ADR per attack kind."""
    if test.empty:
        raise DatasetError("no records to judge the detectors on")
    x = log_features(test, window)
    runs = test["source"].map(run_of).to_numpy()
    truth = test["label"].to_numpy(bool)
    kinds = test["attack"].to_numpy()
    rows = []
    for name, predict in trained.predictors.items():
        alerts = predict(test, x)
        for run in sorted(set(runs)):
            mask = runs == run
            row = {"detector": name, "run": run, **detection_metrics(truth[mask], alerts[mask])}
            for kind in KINDS:
                k = mask & (kinds == kind)
                row[f"adr_{kind}"] = alerts[k].mean() if k.any() else np.nan
            rows.append(row)
    return pd.DataFrame(rows)
