"""Routing comparison from result files: one row per run, then mean and spread per policy
and network size, beside seed 003's reported Tables 1-4 (labelled as such)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .. import results
from . import papers
from .summary import scalar_sum

#: Seed 003, Tables 1-4, as printed (total energy in J, PDR in %, latency in ms, throughput
#: in kbit/s) for its proposed method, CSR and AI-R, from the registry of the papers' numbers.
#: Reference values for comparison only; nothing in qcity computes with them.
SEED003_REPORTED = papers.seed003_tables()

_DROP_CAUSES = {  # result name -> column
    "dropNoRoute:count": "drop_no_route",
    "dropHopLimit:count": "drop_hop_limit",
    "dropByPolicy:count": "drop_policy",
    "dropRetryLimit:count": "drop_mac_retries",
    "dropChannelAccess:count": "drop_channel_access",
    "dropQueueFull:count": "drop_queue_full",
}


def _single(run: pd.DataFrame, name: str) -> float:
    """The run's one scalar `name` (NaN if absent)."""
    sel = run[run.name == name]
    return float(sel.value.iloc[0]) if len(sel) else float("nan")


def run_metrics(files: str | os.PathLike | Iterable[str | os.PathLike] | pd.DataFrame) -> pd.DataFrame:
    """One row per run of a smart-city config: its iteration variables and repetition, and
    readings sent/received, PDR (unique readings received / readings published), mean
    end-to-end latency, throughput at the control centre, device energy (total and per
    device), mean hop count, relayed packets, routing beacons and drops by cause."""
    raw = results.results_of(files)
    sc = results.get_scalars(raw)
    if sc.empty:
        raise ValueError("no scalars in the given result files")
    itervars = results.get_itervars(raw).pivot(index="runID", columns="name", values="value")
    reps = results.get_runattrs(raw)
    reps = reps[reps.name == "repetition"].set_index("runID").value.rename("repetition")
    rows = []
    for run_id, g in sc.groupby("runID", sort=True):
        devices = g[(g.name == "consumedEnergy:last") & g.module.str.contains(".device[", regex=False)]
        sent, received = scalar_sum(g, "sentPk:count"), _single(g, "rxPk:count")
        row = {
            "runID": run_id,
            "sent": sent,
            "received": received,
            "pdr": received / sent if sent else float("nan"),
            "latency_ms": _single(g, "endToEndDelay:mean") * 1e3,
            "throughput_kbps": _single(g, "throughput:last") / 1e3,
            "received_bits": _single(g, "rxBytes:sum") * 8,
            "energy_J": float(devices.value.sum()),
            "energy_per_device_J": float(devices.value.mean()) if len(devices) else float("nan"),
            "hops": _single(g, "hopCount:mean"),
            "relayed": scalar_sum(g, "forwarded:count", ".net"),
            "beacons": scalar_sum(g, "beaconsSent:count"),
        }
        for name, col in _DROP_CAUSES.items():
            row[col] = scalar_sum(g, name)
        rows.append(row)
    df = pd.DataFrame(rows).set_index("runID")
    df = df.join(itervars).join(reps)
    for col in itervars.columns.tolist() + ["repetition"]:
        numeric = pd.to_numeric(df[col], errors="coerce")
        if numeric.notna().all():  # numeric iteration variables sort as numbers
            df[col] = numeric
    return df.reset_index()


def comparison_table(runs: pd.DataFrame, by: tuple[str, ...] = ("numDevices", "routing")) -> pd.DataFrame:
    """Mean and standard deviation over repetitions of the main metrics, per `by` group."""
    metrics = ["pdr", "latency_ms", "throughput_kbps", "energy_J", "energy_per_device_J", "hops", "relayed",
               "drop_no_route", "drop_mac_retries"]
    missing = [c for c in by if c not in runs]
    if missing:
        raise ValueError(f"the runs have no iteration variable(s) {missing}; columns: {list(runs.columns)}")
    g = runs.groupby(list(by), sort=True)[metrics]
    table = g.mean().join(g.std(ddof=1).add_suffix("_std")).join(g.size().rename("runs"))
    return table


#: MeshRouter's experience vector name -> column of the training frame (qcity.routing.learned)
_EXPERIENCE_VECTORS = {
    "expEnergyFraction": "energyFraction", "expLinkQuality": "linkQuality", "expDistance": "distance",
    "expQueueLength": "queueLength", "expHops": "hops", "expPathEtx": "pathEtx", "expDelay": "delay",
    "expDelivered": "delivered", "expElapsed": "elapsed",
}


def experience_frame(files: str | os.PathLike | Iterable[str | os.PathLike]) -> pd.DataFrame:
    """One row per recorded forwarding decision: runID, module, the features of :data:`qcity.routing.learned.FEATURES`,
    ``delivered`` (0/1) and ``elapsed`` (s from the decision to the ACK or to expiry)."""
    vectors = results.get_vectors(results.read_result_files(files))
    vectors = vectors.assign(name=vectors.name.str.removesuffix(":vector"))
    vectors = vectors[vectors.name.isin(_EXPERIENCE_VECTORS.keys())]
    if vectors.empty:
        raise ValueError("no experience vectors (exp*) in the given files: run with "
                         "**.net.recordExperience = true and **.net.exp*.vector-recording = true")
    parts = []
    for (run_id, module), group in vectors.groupby(["runID", "module"], sort=True):
        columns = {_EXPERIENCE_VECTORS[r.name]: np.asarray(r.vecvalue, dtype=float) for r in group.itertuples()}
        lengths = {len(v) for v in columns.values()}
        if len(columns) != len(_EXPERIENCE_VECTORS) or len(lengths) != 1:
            raise ValueError(f"{run_id} {module}: experience vectors incomplete or of different lengths "
                             f"({sorted(columns)}, lengths {sorted(lengths)}); was the run cut short?")
        part = pd.DataFrame(columns)
        part.insert(0, "module", module)
        part.insert(0, "runID", run_id)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def fit_routing_model(files: list[str], seed: int = 0) -> tuple[object, pd.DataFrame, list[dict]]:
    """Seed 003's next-hop network fitted on RoutingExperience runs: the experience of the lowest seed
    set is fitted, the others are held out. Returns the scorer, the experience frame (with ``seedSet``)
    and, for the fitted and held-out parts, the delivery rate, delivery AUC and delay errors."""
    from ..routing.learned import FEATURES, train

    frame = experience_frame(files)
    attrs = results.get_runattrs(results.read_result_files([f[:-4] + ".sca" for f in files]))
    seed_sets = attrs[attrs.name == "seedset"].set_index("runID").value.astype(int)
    frame["seedSet"] = frame.runID.map(seed_sets)
    first = frame.seedSet.min()
    fit, held_out = frame[frame.seedSet == first], frame[frame.seedSet != first]
    scorer = train(fit, seed=seed)
    checks = []
    for name, part in (("fitted", fit), ("held out", held_out)):
        if part.empty:
            continue
        p, d = scorer.predict(part[list(FEATURES)].to_numpy())
        ok = part.delivered.to_numpy() == 1
        elapsed = part.elapsed.to_numpy()
        checks.append({"part": name, "rows": len(part), "seed_sets": sorted(int(x) for x in part.seedSet.unique()),
                       "delivered": float(part.delivered.mean()), "auc": _auc(part.delivered.to_numpy(), p),
                       "delay_mae_ms": float(np.mean(np.abs(d[ok] - elapsed[ok]))) * 1e3 if ok.any() else float("nan"),
                       "median_guess_mae_ms": float(np.mean(np.abs(np.median(elapsed[ok]) - elapsed[ok]))) * 1e3
                       if ok.any() else float("nan")})
    return scorer, frame, checks


def _auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (probability a delivered row scores above a lost one)."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores)) if 0 < labels.sum() < len(labels) else float("nan")

