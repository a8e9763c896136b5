"""Detection metrics, and scikit-learn detectors evaluated on the public datasets' samples.

The samples in the shared data folder are small and lopsided (see its SOURCES.md): only the
TON_IoT telemetry sample has both normal and attack rows; the Bot-IoT and Edge-IIoTset
samples hold attack rows only, so on them a binary detector cannot be evaluated at all. What
can be done on each is done and said: TON_IoT, binary detection from the device's readings;
Bot-IoT, telling the attack categories apart; Edge-IIoTset, nothing, because every row of the
MITM sample is misaligned against its header (the loader flags them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data.datasets import Dataset


def rates_from_counts(detected: float, false_alerts: float, attacks: float, normal: float) -> dict[str, float]:
    """ADR (recall on attacks), FPR, precision and F1 from counts; NaN where a denominator is zero."""
    adr = detected / attacks if attacks else np.nan
    precision = detected / (detected + false_alerts) if detected + false_alerts else np.nan
    f1 = 2 * precision * adr / (precision + adr) if precision + adr > 0 else np.nan
    return {"adr": adr, "fpr": false_alerts / normal if normal else np.nan, "precision": precision, "f1": f1}


def detection_metrics(truth: np.ndarray, alert: np.ndarray) -> dict[str, float]:
    """ADR, FPR, precision and F1 of binary alerts against binary truth, with the class counts."""
    truth = np.asarray(truth, bool)
    alert = np.asarray(alert, bool)
    attacks, normal = float(truth.sum()), float((~truth).sum())
    return {**rates_from_counts(float(np.sum(truth & alert)), float(np.sum(~truth & alert)), attacks, normal),
            "attacks": attacks, "normal": normal}


def _sklearn():
    try:
        from sklearn import ensemble, linear_model, model_selection, pipeline, preprocessing
    except ImportError:
        raise ImportError("scikit-learn is needed for the dataset detectors: pip install 'qcity[analysis]'") from None
    return ensemble, linear_model, model_selection, pipeline, preprocessing


class QcityLogistic:
    """qcity's own detector (the flow IDS's class-balanced logistic model, qcity.ids.flow.logistic) with the
    fit/predict calls the evaluation loops make, standardised on each training split."""

    def __init__(self, steps: int = 300) -> None:
        self.steps = steps
        self.model = None

    def fit(self, x: np.ndarray, y: np.ndarray) -> QcityLogistic:
        from .flow.logistic import LogisticDetector

        self.model = LogisticDetector.standardised_for(x).fit(x, y, steps=self.steps)
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.model.predict(x)


def _classifiers(seed: int) -> dict:
    """qcity's detector beside two scikit-learn baselines, all on the same features."""
    ensemble, linear_model, _, pipeline, preprocessing = _sklearn()
    return {
        "qcity_logistic": QcityLogistic(),
        "random_forest": ensemble.RandomForestClassifier(n_estimators=100, random_state=seed, class_weight="balanced"),
        "logistic_regression": pipeline.make_pipeline(
            preprocessing.StandardScaler(), linear_model.LogisticRegression(max_iter=1000, class_weight="balanced")),
    }


def ton_iot_telemetry_features(data: Dataset) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """What a telemetry IDS sees of a reading: its numeric values and one-hot conditions.

    Date and time are left out: the file is grouped in long runs of one attack type, so the
    timestamp alone would identify the class (a leak, not detection).
    """
    f = data.valid()
    skip = {"line", "schema_ok", "date", "time", "timestamp", "ts", data.label, data.category}
    numeric = [c for c in f.columns if c not in skip and f[c].dtype.kind in "fi"]
    categorical = [c for c in f.columns if c not in skip and c not in numeric]
    x = pd.concat([f[numeric], pd.get_dummies(f[categorical], dtype=float)], axis=1).to_numpy(float)
    return x, f[data.label].to_numpy(int), f[data.category]


def cross_validate_binary(x: np.ndarray, y: np.ndarray, category: pd.Series, folds: int = 5, seed: int = 0) -> pd.DataFrame:
    """Stratified k-fold detection metrics per classifier (mean and std over folds), and ADR per attack type."""
    _, _, model_selection, _, _ = _sklearn()
    rows = []
    for name, clf in _classifiers(seed).items():
        splitter = model_selection.StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        per_fold = []
        predicted = np.zeros(len(y), bool)
        for train, test in splitter.split(x, y):
            clf.fit(x[train], y[train])
            predicted[test] = clf.predict(x[test]).astype(bool)
            per_fold.append(detection_metrics(y[test], predicted[test]))
        folds_frame = pd.DataFrame(per_fold)
        row = {"detector": name}
        for m in ("adr", "fpr", "precision", "f1"):
            row[m] = folds_frame[m].mean()
            row[f"{m}_std"] = folds_frame[m].std(ddof=1)
        for kind in sorted(set(category[y == 1])):
            mask = (category == kind).to_numpy()
            row[f"adr_{kind}"] = predicted[mask].mean()
        rows.append(row)
    return pd.DataFrame(rows)


def bot_iot_features(data: Dataset) -> tuple[np.ndarray, pd.Series]:
    """Bot-IoT's flow statistics (no addresses, ports or sequence ids: those name hosts, not behaviour)."""
    f = data.valid()
    cols = ["stddev", "N_IN_Conn_P_SrcIP", "min", "state_number", "mean", "N_IN_Conn_P_DstIP", "drate", "srate", "max"]
    x = pd.concat([f[cols], pd.get_dummies(f["proto"].astype(str).str.strip(), prefix="proto", dtype=float)], axis=1)
    return x.to_numpy(float), f[data.category]


def cross_validate_categories(x: np.ndarray, category: pd.Series, folds: int = 5, seed: int = 0) -> pd.DataFrame:
    """Stratified k-fold multi-class results: accuracy, macro F1, and recall per category."""
    ensemble, _, model_selection, _, _ = _sklearn()
    from sklearn import metrics

    labels = category.to_numpy(str)
    smallest = int(pd.Series(labels).value_counts().min())
    folds = max(2, min(folds, smallest))  # every fold must hold every category
    splitter = model_selection.StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    clf = ensemble.RandomForestClassifier(n_estimators=100, random_state=seed, class_weight="balanced")
    predicted = model_selection.cross_val_predict(clf, x, labels, cv=splitter)
    row = {"detector": "random_forest", "folds": folds, "accuracy": metrics.accuracy_score(labels, predicted),
           "macro_f1": metrics.f1_score(labels, predicted, average="macro")}
    for kind in sorted(set(labels)):
        row[f"recall_{kind}"] = float(np.mean(predicted[labels == kind] == kind))
        row[f"n_{kind}"] = int(np.sum(labels == kind))
    return pd.DataFrame([row])


def time_block_folds(category: pd.Series, folds: int = 5) -> list[np.ndarray]:
    """Leak-free folds for files grouped in long runs of one class: every run of consecutive rows with
    the same class is cut into ``folds`` consecutive blocks, and fold i tests on the i-th block of every
    run (and trains on the rest). Neighbouring readings share a fold except at block edges, so a test row
    is never surrounded by training rows; every class appears in every fold's test set."""
    values = category.to_numpy()
    if folds < 2:
        raise ValueError(f"need at least 2 folds, got {folds}")
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    ends = np.r_[starts[1:], len(values)]
    chosen: list[list[np.ndarray]] = [[] for _ in range(folds)]
    for start, end in zip(starts, ends):
        for i, block in enumerate(np.array_split(np.arange(start, end), folds)):
            chosen[i].append(block)
    return [np.concatenate(parts) for parts in chosen]


def blocked_binary_detection(x: np.ndarray, y: np.ndarray, category: pd.Series, folds: int = 5,
                             seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Binary detection per classifier over :func:`time_block_folds`: one row per (detector, fold) with
    ADR, FPR, precision, F1; and per attack class (detector, class, rows, adr, f1 and their 95 % interval
    half-widths over the folds, Student t). A class's F1 counts every normal row flagged in the fold as a
    false alert against it: detecting that class among normal readings."""
    from scipy import stats

    rows, per_class = [], []
    cat = category.to_numpy()
    for name, clf in _classifiers(seed).items():
        predicted = np.zeros(len(y), bool)
        by_class: dict[str, list[tuple[float, float]]] = {}
        for fold, test in enumerate(time_block_folds(category, folds)):
            train = np.setdiff1d(np.arange(len(y)), test)
            clf.fit(x[train], y[train])
            predicted[test] = clf.predict(x[test]).astype(bool)
            rows.append({"detector": name, "fold": fold, **detection_metrics(y[test], predicted[test])})
            normal = test[y[test] == 0]
            for kind in sorted(set(cat[test][y[test] == 1])):
                rows_k = test[cat[test] == kind]
                m = rates_from_counts(float(predicted[rows_k].sum()), float(predicted[normal].sum()),
                                      len(rows_k), len(normal))
                by_class.setdefault(kind, []).append((m["adr"], m["f1"]))
        for kind, values in sorted(by_class.items()):
            mask = cat == kind
            adr, f1 = np.array(values, float).T
            t = stats.t.ppf(0.975, len(values) - 1) if len(values) > 1 else np.nan
            per_class.append({"detector": name, "class": kind, "rows": int(mask.sum()), "adr": float(predicted[mask].mean()),
                              "adr_ci": float(t * adr.std(ddof=1) / np.sqrt(len(adr))) if len(adr) > 1 else np.nan,
                              "f1": float(np.nanmean(f1)) if np.isfinite(f1).any() else np.nan,
                              "f1_ci": float(t * np.nanstd(f1, ddof=1) / np.sqrt(np.isfinite(f1).sum()))
                              if np.isfinite(f1).sum() > 1 else np.nan})
    return pd.DataFrame(rows), pd.DataFrame(per_class)
