"""Security in the smart-city scenario from result files: one row per run, then mean and
spread per security mode or ablation variant, beside seed 001's reported ablation
(labelled as such)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .. import results, units
from . import papers
from .summary import scalar_mean, scalar_sum

#: Seed 001 (QESIF), Section 4.5 / Fig. 7, as printed: attack detection rate (%), latency (ms),
#: throughput (kbit/s) and energy (mJ) of the full framework and with one part removed; NaN
#: where the text gives no value. From the registry of the papers' numbers; for comparison only.
SEED001_ABLATION = papers.seed001_ablation()

#: The smart-city ini's Ablation config: (sessions.mode, qids) -> seed 001's variant name
ABLATION_VARIANTS = {('"adaptive"', "true"): "full", ('"pqc"', "true"): "no QKD", ('"adaptive"', "false"): "no Q-IDS",
                     ('"qkd"', "true"): "no hybrid stack"}

def seconds_of(text: str) -> float:
    """An ini time value such as 20s or 500ms, in seconds."""
    m = re.fullmatch(r"\s*([-+0-9.eE]+)\s*([a-z]+)\s*", text)
    if not m or not units.is_unit(m.group(2)):
        raise ValueError(f"not a time: {text!r}")
    return units.convert(float(m.group(1)), m.group(2), "s")


def _qids_window(params: pd.DataFrame) -> float | None:
    """The Q-IDS window gateway 0's QidsMonitor had in the run (its recorded parameter), None without one."""
    hit = params[params.module.str.endswith("gateway[0].ids") & (params.name == "window")]
    return seconds_of(str(hit.value.iloc[0])) if len(hit) else None


def _attacked_windows(config: pd.DataFrame, window: float | None) -> int:
    """Q-IDS windows of length ``window`` whose blocks fall in gateway 0's attack (0 when the run has no
    attack or no Q-IDS)."""
    entries = dict(zip(config.name, config.value))
    start, end = entries.get("**.gateway[0].qkd.attackStart"), entries.get("**.gateway[0].qkd.attackEnd")
    if start is None or end is None or window is None:
        return 0
    return int(round((seconds_of(end) - seconds_of(start)) / window))


def run_metrics(files: str | os.PathLike | Iterable[str | os.PathLike] | pd.DataFrame) -> pd.DataFrame:
    """One row per run of the Secure / SecurityModes / SecureEavesdropped / Ablation / Tampering configs
    (``files``: result files or folders, or what ``results.read_result_files`` read from them)."""
    raw = results.results_of(files)
    sc = results.get_scalars(raw)
    attrs = results.get_runattrs(raw).pivot(index="runID", columns="name", values="value")
    itervars = results.get_itervars(raw)
    itervars = itervars.pivot(index="runID", columns="name", values="value") if len(itervars) else pd.DataFrame()
    config = results.get_config_entries(raw)
    params = results.get_parameters(raw)
    rows = []
    for run_id, run in sc.groupby("runID"):
        sent = scalar_sum(run, "sentPk:count", ".app")
        devices = int((run.name == "consumedEnergy:last").sum())
        sessions = scalar_sum(run, "deviceSessions:count")
        level = run[run.name == "deviceSecurityLevel:mean"].merge(
            run[run.name == "deviceSessions:count"], on="module", suffixes=("", "_n"))
        iteration = itervars.loc[run_id] if run_id in itervars.index else {}
        mode, qids, secure = (iteration.get(name) for name in ("mode", "qids", "secure"))
        attacked = _attacked_windows(config[config.runID == run_id], _qids_window(params[params.runID == run_id]))
        alerts_attacked = scalar_sum(run, "qidsAlerts:count", "gateway[0].")
        rows.append({
            "run": run_id, "config": attrs.loc[run_id, "configname"], "mode": mode, "qids": qids, "secure_devices": secure,
            "variant": ABLATION_VARIANTS.get((mode, qids)), "seedset": int(attrs.loc[run_id, "seedset"]),
            "pdr": scalar_sum(run, "rxPk:count", "controlCenter") / sent if sent else float("nan"),
            "latency_ms": scalar_mean(run, "endToEndDelay:mean", "controlCenter") * 1e3,
            "throughput_kbps": scalar_mean(run, "throughput:last", "controlCenter") / 1e3,
            "device_energy_mJ": scalar_sum(run, "consumedEnergy:last") / devices * 1e3 if devices else float("nan"),
            "energy_per_session_mJ": _per(scalar_sum(run, "consumedEnergy:last") * 1e3, scalar_sum(run, "sessions:count", ".sec")),
            "crypto_ms_per_reading": scalar_sum(run, "cryptoTime:sum") / sent * 1e3 if sent else float("nan"),
            "handshake_bytes_per_device": scalar_sum(run, "handshakeBytes:sum", ".sec") / devices if devices else float("nan"),
            "device_sessions": sessions,
            "device_pool_fallbacks": scalar_sum(run, "devicePoolFallbacks:count"),
            "device_security_level": float((level.value * level.value_n).sum() / level.value_n.sum()) if sessions else float("nan"),
            "key_bits_used": scalar_sum(run, "consumedBits:sum", ".keys"),
            "qber": scalar_mean(run, "qber:mean", ".qkd"),
            "aborted_share": _per(scalar_sum(run, "aborted:sum", ".qkd"), scalar_sum(run, "blocks", ".qkd")),
            "secret_kbits": scalar_sum(run, "secretBits:sum", ".qkd") / 1e3,
            "key_discarded_kbits": scalar_sum(run, "discardedBits:sum", ".keys") / 1e3,
            "key_utilisation": scalar_mean(run, "keyUtilisation:mean"),
            "mode_switches": scalar_sum(run, "modeSwitches:count"),
            "below_theorem1_bound": scalar_sum(run, "belowTheorem1Bound:count"),
            "adr": alerts_attacked / attacked if attacked else float("nan"),
            "false_alarms": scalar_sum(run, "qidsAlerts:count") - alerts_attacked,
            "readings_modified": scalar_sum(run, "tampered:count", ".net"),
            "modified_rejected": scalar_sum(run, "dropTampered:count", ".router"),
            "modified_delivered": scalar_sum(run, "tamperedDelivered:count", "controlCenter"),
        })
    return pd.DataFrame(rows)


def _per(total: float, count: float) -> float:
    return total / count if count else float("nan")


def session_modes(files: str | os.PathLike | Iterable[str | os.PathLike] | pd.DataFrame) -> pd.DataFrame:
    """Device sessions per run by the mode the gateways granted (columns pqc, qkd, hybrid: counts),
    from the SessionManagers' deviceSessions histograms (mode 0 PQC, 1 QKD, 2 hybrid)."""
    hist = results.get_histograms(results.results_of(files))
    hist = hist[hist.name == "deviceSessions:histogram"]
    rows = []
    for run_id, group in hist.groupby("runID"):
        counts = {0: 0.0, 1: 0.0, 2: 0.0}
        for h in group.itertuples():
            edges, values = np.asarray(h.binedges, float), np.asarray(h.binvalues, float)
            for mode, value in zip(np.rint((edges[:-1] + edges[1:]) / 2).astype(int), values):
                counts[int(mode)] = counts.get(int(mode), 0.0) + value
        rows.append({"run": run_id, "pqc": counts[0], "qkd": counts[1], "hybrid": counts[2]})
    return pd.DataFrame(rows, columns=["run", "pqc", "qkd", "hybrid"])


def latency_parts(files: str | os.PathLike | Iterable[str | os.PathLike] | pd.DataFrame) -> pd.DataFrame:
    """The control centre's mean end-to-end latency per run split into its parts (columns named after
    the part, in ms: processing, routeWait, macQueueing, macAccess, ..., retransmissionWait)."""
    sc = results.get_scalars(results.results_of(files))
    sc = sc[sc.module.str.endswith("controlCenter") & sc.name.str.match(r"latency[A-Z].*:mean")]
    table = sc.assign(part=sc.name.str.slice(7, -5).map(lambda n: n[:1].lower() + n[1:])) \
        .pivot_table(index="runID", columns="part", values="value") * 1e3
    table.columns.name = None
    return table.rename_axis("run").reset_index()


def comparison_table(runs: pd.DataFrame, by: str = "mode") -> pd.DataFrame:
    """Mean per `by` (mode or variant) with the standard deviation of the main figures and the run count."""
    cols = ["pdr", "latency_ms", "throughput_kbps", "device_energy_mJ", "crypto_ms_per_reading",
            "handshake_bytes_per_device", "device_security_level", "device_pool_fallbacks", "key_bits_used",
            "key_utilisation", "mode_switches", "below_theorem1_bound", "adr", "false_alarms",
            "readings_modified", "modified_rejected", "modified_delivered"]
    g = runs.groupby(by)
    spread = g[["pdr", "latency_ms", "device_energy_mJ"]].std().add_suffix("_std")
    return g[cols].mean().join(spread).assign(runs=g.size())
