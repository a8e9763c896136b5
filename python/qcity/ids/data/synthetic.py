"""Schema-faithful synthetic intrusion-detection records, for detectors and loaders at scale.

A :class:`TableModel` is fitted on records of one schema, a real sample loaded with
:mod:`qcity.ids.data.datasets` or simulated flows (FlowTap logs under Bot-IoT's column names), and
draws any number of new rows. Per class (the dataset's attack-type column) it keeps:

- the class's share of the rows (or the shares asked for);
- each numeric column's distribution, as empirical quantiles: a drawn value never leaves the
  observed range and stays on the column's lattice (integers stay integers, TON_IoT's
  temperatures keep their 0.05-degree steps);
- the combinations of categorical values seen together (protocol, addresses, ports, sub-
  category), drawn as observed tuples; a column named independent (a source port) is drawn
  on its own;
- the rank correlations between the numeric columns (a Gaussian copula).

What it does not keep: dependence between the categorical and the numeric columns within a class,
and order in time (TON_IoT's timestamps are laid out anew, one row per ``step``). Columns
that must come in order (Bot-IoT's ``min <= mean <= max``) are named as an ordered group and
sorted within each drawn row. Addresses
and names of the fitted sample reappear in the output: what is drawn from data that may not
be published may not be published either.

The writers produce files in each dataset's own format (Bot-IoT tab-separated, TON_IoT's
``dd-Mon-yy`` dates and padded times) that its loader reads without a single flagged row.
Edge-IIoTset is not generated: no row of the available sample fits its header (see
:func:`qcity.ids.data.datasets.load_edge_iiotset`), so there is nothing faithful to fit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from ...errors import QcityError
from .datasets import Dataset

#: quantiles kept per numeric column and class (the drawn values interpolate between them)
QUANTILES = 257

BOT_IOT_COLUMNS = ["pkSeqID", "proto", "saddr", "sport", "daddr", "dport", "seq", "stddev", "N_IN_Conn_P_SrcIP", "min",
                   "state_number", "mean", "N_IN_Conn_P_DstIP", "drate", "srate", "max", "attack", "category",
                   "subcategory"]


def _normal_scores(x: np.ndarray) -> np.ndarray:
    """Columns of ``x`` mapped to standard normal scores through their ranks (ties share a rank)."""
    ranks = pd.DataFrame(x).rank(method="average").to_numpy()
    return special.ndtri((ranks - 0.5) / len(x))


@dataclass
class ClassModel:
    """One class's part of a :class:`TableModel`."""

    share: float
    quantiles: np.ndarray  # (QUANTILES, numeric columns): each column's values at evenly spaced probabilities
    lattice: np.ndarray  # per numeric column: (origin, step, decimals) of the values seen; step 0: any value
    cholesky: np.ndarray  # of the numeric columns' normal-score correlation
    # categorical columns drawn together: (column names, observed tuples (rows x columns), probabilities)
    joint: tuple[list[str], np.ndarray, np.ndarray] = field(default_factory=lambda: ([], np.empty((0, 0)), np.ones(0)))
    independent: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # column -> (values, probabilities)

    def draw(self, n: int, rng: np.random.Generator, numeric: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        if numeric:
            u = special.ndtr(rng.standard_normal((n, len(numeric))) @ self.cholesky.T)
            grid = np.linspace(0, 1, len(self.quantiles))
            for j, name in enumerate(numeric):
                v = np.interp(u[:, j], grid, self.quantiles[:, j])
                origin, step, places = self.lattice[j]
                if step > 0:
                    v = np.round(origin + np.rint((v - origin) / step) * step, int(places))
                    out[name] = v.astype(np.int64) if places == 0 else v
                else:
                    out[name] = v
        names, tuples, probs = self.joint
        if names:
            picked = tuples[rng.choice(len(tuples), size=n, p=probs)]
            for j, name in enumerate(names):
                out[name] = picked[:, j]
        for name, (values, p) in self.independent.items():
            out[name] = values[rng.choice(len(values), size=n, p=p)]
        return out


@dataclass
class TableModel:
    """Per class: a Gaussian copula with empirical marginals over a table's numeric columns, and
    its categorical columns drawn as observed combinations (see the module docstring)."""

    class_column: str
    numeric: list[str]
    categorical: list[str]
    classes: dict[str, ClassModel]
    ordered: tuple[tuple[str, ...], ...] = ()  # numeric columns sorted within each drawn row

    @classmethod
    def fit(cls, frame: pd.DataFrame, class_column: str, numeric: list[str], categorical: list[str],
            independent: tuple[str, ...] = (), ordered: tuple[tuple[str, ...], ...] = ()) -> TableModel:
        """Fits the model on ``frame`` (rows with a missing numeric value are left out); the
        ``categorical`` columns are drawn as observed combinations, but those in ``independent`` alone;
        each group in ``ordered`` (numeric columns, smallest first) is sorted within every drawn row."""
        if frame.empty:
            raise QcityError("cannot fit a synthetic model on no records")
        missing = [c for c in [class_column, *numeric, *categorical, *(c for g in ordered for c in g)]
                   if c not in frame.columns]
        if missing:
            raise QcityError(f"records lack column(s) {', '.join(missing)}")
        usable = frame.dropna(subset=numeric)
        if usable.empty:
            raise QcityError("every record lacks a numeric value: nothing to fit")
        together = [c for c in categorical if c not in independent]
        classes = {}
        for name, rows in usable.groupby(class_column, sort=True):
            x = rows[numeric].to_numpy(float)
            quantiles = np.quantile(x, np.linspace(0, 1, QUANTILES), axis=0) if numeric else np.zeros((QUANTILES, 0))
            joint = ([], np.empty((0, 0)), np.ones(0))
            if together:
                combos = rows[together].astype(str).value_counts(sort=False)
                joint = (together, np.array(combos.index.tolist(), dtype=object).reshape(len(combos), len(together)),
                         (combos / combos.sum()).to_numpy(float))
            alone = {c: _frequencies(rows[c]) for c in categorical if c in independent}
            classes[str(name)] = ClassModel(len(rows) / len(usable), quantiles, _lattice(x), _copula(x), joint, alone)
        unordered = [c for g in ordered for c in g if c not in numeric]
        if unordered:
            raise QcityError(f"ordered columns must be numeric: {', '.join(unordered)}")
        return cls(class_column, list(numeric), list(categorical), classes, tuple(tuple(g) for g in ordered))

    def sample(self, n: int, seed: int = 0, shares: dict[str, float] | None = None) -> pd.DataFrame:
        """``n`` rows (shuffled), the classes in the fitted shares or in ``shares`` (normalised; classes left out get none)."""
        if n < 1:
            raise QcityError(f"the number of rows must be positive, got {n}")
        weights = self._shares(shares)
        rng = np.random.default_rng(seed)
        counts = rng.multinomial(n, list(weights.values()))
        parts = []
        for name, k in zip(weights, counts):
            if k == 0:
                continue
            cols = self.classes[name].draw(int(k), rng, self.numeric)
            for group in self.ordered:
                values = np.sort(np.column_stack([cols[c] for c in group]), axis=1)
                for j, c in enumerate(group):
                    cols[c] = values[:, j]
            cols[self.class_column] = np.full(k, name, dtype=object)
            parts.append(pd.DataFrame(cols))
        frame = pd.concat(parts, ignore_index=True)
        order = [self.class_column, *self.numeric, *self.categorical]
        return frame.iloc[rng.permutation(len(frame))][order].reset_index(drop=True)

    def _shares(self, shares: dict[str, float] | None) -> dict[str, float]:
        if shares is None:
            return {name: m.share for name, m in self.classes.items()}
        unknown = sorted(set(shares) - set(self.classes))
        if unknown:
            raise QcityError(f"unknown class(es) {', '.join(unknown)}; the model has {', '.join(self.classes)}")
        if any(v < 0 for v in shares.values()) or sum(shares.values()) <= 0:
            raise QcityError(f"class shares must be non-negative and not all zero, got {shares}")
        total = sum(shares.values())
        return {name: shares.get(name, 0.0) / total for name in self.classes}


def _frequencies(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    counts = column.astype(str).value_counts(sort=False)
    return counts.index.to_numpy(object), (counts / counts.sum()).to_numpy(float)


def _lattice(x: np.ndarray, most: int = 6) -> np.ndarray:
    """Per column (origin, step, decimals): the values seen are origin + k * step, written with
    ``decimals`` places; step 0 when they need more than ``most`` places (a continuous column)."""
    out = np.zeros((x.shape[1], 3))
    for j in range(x.shape[1]):
        col = np.unique(x[:, j])
        for places in range(most + 1):
            scaled = col * 10.0**places
            if np.all(np.abs(scaled - np.rint(scaled)) <= 1e-6 * np.maximum(1.0, np.abs(scaled))):
                ints = np.rint(scaled).astype(np.int64)
                step = np.gcd.reduce(np.diff(ints)) if len(ints) > 1 else 1
                out[j] = (col[0], step / 10.0**places, places)
                break
    return out


def _copula(x: np.ndarray) -> np.ndarray:
    """Cholesky factor of the normal-score correlation of ``x``'s columns (constant columns uncorrelated)."""
    d = x.shape[1]
    if d == 0 or len(x) < 3:
        return np.eye(d)
    z = _normal_scores(x)
    varying = z.std(axis=0) > 0
    corr = np.eye(d)
    if varying.sum() > 1:
        corr[np.ix_(varying, varying)] = np.corrcoef(z[:, varying], rowvar=False)
    # a little shrinkage towards independence keeps it positive definite with few rows per class
    return np.linalg.cholesky(0.98 * corr + 0.02 * np.eye(d))


# --- Bot-IoT ------------------------------------------------------------------------------------------

BOT_IOT_NUMERIC = ["seq", "stddev", "N_IN_Conn_P_SrcIP", "min", "state_number", "mean", "N_IN_Conn_P_DstIP", "drate",
                   "srate", "max"]
# attack is drawn per category as fitted (0 for Bot-IoT's "Normal", 1 otherwise; whatever the records say)
BOT_IOT_CATEGORICAL = ["proto", "saddr", "sport", "daddr", "dport", "subcategory", "attack"]


def bot_iot_model(data: Dataset | pd.DataFrame) -> TableModel:
    """A model of Bot-IoT "10 best features" records (a loaded Dataset's valid rows, or a frame in those columns,
    such as :func:`qcity.ids.flow.records.to_bot_iot` of simulated flows); ``category`` is the class."""
    frame = data.valid() if isinstance(data, Dataset) else data
    numeric = [c for c in BOT_IOT_NUMERIC if c in frame.columns]
    categorical = [c for c in BOT_IOT_CATEGORICAL if c in frame.columns]
    # a source port is picked per connection: drawn on its own, not as part of a host's combination
    ordered = (("min", "mean", "max"),) if {"min", "mean", "max"} <= set(numeric) else ()
    return TableModel.fit(frame, "category", numeric, categorical, independent=("sport",), ordered=ordered)


def bot_iot_frame(model: TableModel, n: int, seed: int = 0, shares: dict[str, float] | None = None) -> pd.DataFrame:
    """``n`` rows in Bot-IoT's 19 columns, with a sequential ``pkSeqID``."""
    f = model.sample(n, seed, shares)
    f.insert(0, "pkSeqID", np.arange(1, n + 1))
    f["attack"] = f["attack"].astype(float).astype(int)
    for c in BOT_IOT_COLUMNS:
        if c not in f.columns:  # fitted on records without it (simulated flows have no Argus state or sequence)
            f[c] = 0
    return f[BOT_IOT_COLUMNS]


def write_bot_iot(frame: pd.DataFrame, path: str | os.PathLike, delimiter: str = "\t") -> Path:
    """Writes Bot-IoT records (tab-separated, as the published samples are) atomically."""
    return _write_atomically(frame[BOT_IOT_COLUMNS], Path(path), delimiter)


# --- TON_IoT telemetry -------------------------------------------------------------------------------

_TON_SKIP = {"line", "schema_ok", "date", "time", "timestamp"}


@dataclass
class TelemetryModel:
    """A TON_IoT telemetry device's records: the :class:`TableModel` of its readings (class ``type``)
    and the sample's first timestamp, where drawn records start."""

    table: TableModel
    start: pd.Timestamp


def ton_iot_telemetry_model(data: Dataset) -> TelemetryModel:
    """A model of one TON_IoT telemetry device's records (e.g. the fridge's)."""
    frame = data.valid()
    own = [c for c in frame.columns if c not in _TON_SKIP | {data.label, data.category}]
    numeric = [c for c in own if frame[c].dtype.kind in "fi"]
    categorical = [c for c in own if c not in numeric]
    return TelemetryModel(TableModel.fit(frame, data.category, numeric, categorical), frame["timestamp"].min())


def ton_iot_telemetry_frame(model: TelemetryModel, n: int, seed: int = 0, shares: dict[str, float] | None = None,
                            step: float = 1.0) -> pd.DataFrame:
    """``n`` telemetry rows: ``date`` and ``time`` one ``step`` (s) apart from the sample's first, then the
    readings, ``label`` (0 for type "normal") and ``type``, in the TON_IoT files' column order."""
    t = model.table
    f = t.sample(n, seed, shares)
    stamps = model.start + pd.to_timedelta(np.arange(n) * step, unit="s")
    out = pd.DataFrame({"date": stamps.strftime("%d-%b-%y"), "time": stamps.strftime(" %H:%M:%S ")})
    for c in (*t.numeric, *t.categorical):
        out[c] = f[c].to_numpy()
    out["label"] = (f[t.class_column] != "normal").astype(int).to_numpy()
    out["type"] = f[t.class_column].to_numpy()
    return out


def write_ton_iot_telemetry(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Writes TON_IoT telemetry records (comma-separated, padded times as in the published files) atomically."""
    return _write_atomically(frame, Path(path), ",")


def _write_atomically(frame: pd.DataFrame, path: Path, delimiter: str) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    try:
        frame.to_csv(tmp, sep=delimiter, index=False, lineterminator="\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
