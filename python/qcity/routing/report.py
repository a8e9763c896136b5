"""Routing comparison from result files: one row per run, then mean and spread per policy
and network size, beside seed 003's reported Tables 1-4 (labelled as such)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import pandas as pd

from .. import results
from ..runsummary import scalar_sum

#: Seed 003, Tables 1-4, as printed (total energy in J, PDR in %, latency in ms,
#: throughput in kbit/s) for its proposed method, CSR and AI-R. Reference values
#: for comparison only; nothing in qcity computes with them.
SEED003_REPORTED = pd.DataFrame(
    [(n, scheme, e, p, lat, thr)
     for n, rows in {50: [(0.8, 97, 45, 180), (1.1, 88, 60, 140), (0.95, 92, 52, 160)],
                     100: [(1.2, 96, 60, 220), (1.6, 87, 80, 180), (1.4, 91, 70, 200)],
                     150: [(1.6, 95, 75, 260), (2.1, 86, 100, 210), (1.9, 90, 88, 230)],
                     200: [(2.0, 94, 90, 300), (2.7, 85, 120, 240), (2.3, 89, 105, 260)]}.items()
     for scheme, (e, p, lat, thr) in zip(("proposed", "CSR", "AI-R"), rows)],
    columns=["numDevices", "scheme", "energy_J", "pdr_percent", "latency_ms", "throughput_kbps"],
)

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


def run_metrics(files: str | os.PathLike | Iterable[str | os.PathLike]) -> pd.DataFrame:
    """One row per run of a smart-city config: its iteration variables and repetition, and
    readings sent/received, PDR (unique readings received / readings published), mean
    end-to-end latency, throughput at the control centre, device energy (total and per
    device), mean hop count, relayed packets, routing beacons and drops by cause."""
    raw = results.read_result_files(files)
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
