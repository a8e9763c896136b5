"""qcity's own access models beside INET's: the same smart city (size, load, seeds) run on qcity's
CsmaMac, RadioMedium and Battery and on INET's 802.15.4 interface, radio medium and energy storage
(scenario smartcity_inet), compared run by run (docs/validation.md, analysis/inet_validation.py)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from .. import results
from . import routing
from .figures import offscreen_pyplot, save
from .security import seconds_of
from .summary import ci_half_width, scalar_sum

#: Frames lost by cause: the statistic both stacks record (qcity's MACs; INET's nodes record it from
#: INET's packetDropped reasons, InetRadioNode.ned) and its column. Receptions lost to SINR are not
#: here: qcity counts those of frames addressed to the radio, INET every frame a radio tried to receive.
DROP_CAUSES = {
    "drop_queue_full": "dropQueueFull:count",
    "drop_channel_access": "dropChannelAccess:count",
    "drop_retry_limit": "dropRetryLimit:count",
}

#: The quantities compared, with their labels and units in the tables.
METRICS = {
    "pdr": ("PDR", ""),
    "latency_ms": ("mean latency", "ms"),
    "latency_p95_ms": ("95th-percentile latency", "ms"),
    "energy_per_device_J": ("energy per device", "J"),
}


def _latency_p95(raw: pd.DataFrame) -> pd.Series:
    """Per run, the 95th percentile of the end-to-end latency from the control centre's vector
    (recorded when its `vector?` mode is switched on), else interpolated in its histogram."""
    out: dict[str, float] = {}
    vec = results.get_vectors(raw[(raw.type == "vector") & (raw.name == "endToEndDelay:vector")]) if "type" in raw else None
    if vec is not None and len(vec):
        for row in vec.itertuples():
            out[row.runID] = float(np.percentile(row.vecvalue, 95)) if len(row.vecvalue) else float("nan")
    hist = results.get_histograms(raw[(raw.type == "histogram") & (raw.name == "endToEndDelay:histogram")])
    for row in hist.itertuples():
        if row.runID in out:
            continue
        edges, counts = np.asarray(row.binedges, float), np.asarray(row.binvalues, float)
        cumulative = np.concatenate([[row.underflows], row.underflows + np.cumsum(counts)])
        total = cumulative[-1] + row.overflows
        value = float(np.interp(0.95 * total, cumulative, edges)) if total else float("nan")
        out[row.runID] = min(max(value, row.min), row.max)  # the outer bins reach past the data
    return pd.Series(out, name="latency_p95_ms") * 1e3


def run_metrics(files: str | os.PathLike | Iterable[str | os.PathLike] | pd.DataFrame) -> pd.DataFrame:
    """One row per run of the smart city on either access stack: iteration variables and repetition,
    readings sent and received, PDR, mean and 95th-percentile end-to-end latency, energy per device,
    devices whose battery ran out, and frames lost by cause (columns of :data:`DROP_CAUSES`)."""
    raw = results.results_of(files)
    runs = routing.run_metrics(raw).set_index("runID")
    runs = runs.join(_latency_p95(raw))
    sc = results.get_scalars(raw)
    extra = []
    for run_id, g in sc.groupby("runID", sort=True):
        row = {"runID": run_id, "dead": scalar_sum(g, "lifetime:count")}
        inet = bool(g.module.str.contains(".wlan[", regex=False).any())
        for col, name in DROP_CAUSES.items():  # qcity's gateway routers have a dropQueueFull too: MACs' only
            row[col] = scalar_sum(g, name, ".mac") if not inet else scalar_sum(g[~g.module.str.contains(".router", regex=False)], name)
        row["access"] = "INET" if inet else "qcity"
        extra.append(row)
    runs = runs.drop(columns=[c for c in DROP_CAUSES if c in runs]).join(pd.DataFrame(extra).set_index("runID"))
    if "interval" in runs:
        runs["interval_s"] = [seconds_of(str(v)) for v in runs.interval]
    return runs.reset_index()


def compare(ours: pd.DataFrame, theirs: pd.DataFrame, by: list[str], level: float = 0.95) -> pd.DataFrame:
    """Per `by` group and metric: each stack's mean with its confidence interval over runs, the
    difference, Welch's interval of the difference, and whether the two differ: beyond that interval
    and by more than 1 % of the larger mean."""
    rows = []
    for key, mine in ours.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        other = theirs
        for col, value in zip(by, key):
            other = other[other[col] == value]
        for metric in [*METRICS, *DROP_CAUSES, "dead"]:
            a, b = mine[metric].dropna().to_numpy(float), other[metric].dropna().to_numpy(float)
            row = dict(zip(by, key))
            row.update(metric=metric, qcity=a.mean() if len(a) else np.nan, qcity_ci=ci_half_width(a, level),
                       inet=b.mean() if len(b) else np.nan, inet_ci=ci_half_width(b, level), runs=min(len(a), len(b)))
            row["difference"] = row["qcity"] - row["inet"]
            row["difference_ci"] = _welch_half_width(a, b, level)
            # beyond the interval, and by more than 1 % (two always-listening radios spend 1.692 J either way;
            # their few microjoules apart are real but not a difference in what the models say)
            beyond = np.isfinite(row["difference_ci"]) and abs(row["difference"]) > row["difference_ci"]
            row["differs"] = bool(beyond and abs(row["difference"]) > 0.01 * max(abs(row["qcity"]), abs(row["inet"])))
            rows.append(row)
    return pd.DataFrame(rows)


def _welch_half_width(a: np.ndarray, b: np.ndarray, level: float) -> float:
    """Half-width of the confidence interval of mean(a) - mean(b) (Welch; unequal variances)."""
    if len(a) < 2 or len(b) < 2:
        return float("nan")
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = np.sqrt(va + vb)
    if se == 0:
        return 0.0
    dof = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    return float(stats.t.ppf(0.5 + level / 2, dof) * se)


#: The variants of the Validation configs: qcity's in order of INET's assumptions added, and the
#: two both stacks run (configured: as each scenario is set up; matched: qcity with INET's assumptions).
QCITY_VARIANTS = ("configured", "frameShadowing", "inetRadio", "matched")
PAIRED_VARIANTS = ("configured", "matched")
GROUP = ["variant", "numDevices", "interval_s"]


def _cell(mean: float, ci: float, digits: int) -> str:
    if not np.isfinite(mean):
        return "-"
    return f"{mean:.{digits}f} ± {ci:.{digits}f}" if np.isfinite(ci) else f"{mean:.{digits}f}"


def _load(seconds: float) -> str:
    return f"{seconds * 1e3:g} ms" if seconds < 1 else f"{seconds:g} s"


_DIGITS = {"pdr": 3, "latency_ms": 1, "latency_p95_ms": 1, "energy_per_device_J": 3, "drop_queue_full": 0,
           "drop_channel_access": 0, "drop_retry_limit": 0, "dead": 1}


def markdown_table(comparison: pd.DataFrame, metrics: Iterable[str], variant: str) -> str:
    """One row per size and load: each metric as 'qcity | INET', the INET cell marked where the two
    differ beyond the 95 % interval of their difference."""
    metrics = list(metrics)
    rows = comparison[comparison.variant == variant]
    head = ["devices", "reading every"]
    for m in metrics:
        label, unit = METRICS.get(m, (m.replace("_", " "), ""))
        head += [f"{label}{f' ({unit})' if unit else ''}: qcity", "INET"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for (devices, load), g in rows.groupby(["numDevices", "interval_s"], sort=True):
        cells = [f"{devices:g}", _load(load)]
        for m in metrics:
            r = g[g.metric == m].iloc[0]
            mark = " **≠**" if r.differs else ""
            cells += [_cell(r.qcity, r.qcity_ci, _DIGITS.get(m, 2)), _cell(r.inet, r.inet_ci, _DIGITS.get(m, 2)) + mark]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ablation(ours: pd.DataFrame, metrics: Iterable[str] = tuple(METRICS)) -> pd.DataFrame:
    """qcity alone: each metric per load (the mean over sizes and repetitions) in every variant, in the
    order INET's assumptions are added (:data:`QCITY_VARIANTS`)."""
    present = [v for v in QCITY_VARIANTS if v in set(ours.variant)]
    table = ours.groupby(["interval_s", "variant"])[list(metrics)].mean().unstack("variant")
    return table.reindex(columns=pd.MultiIndex.from_product([list(metrics), present]))


def ablation_markdown(table: pd.DataFrame) -> str:
    metrics = list(dict.fromkeys(table.columns.get_level_values(0)))
    variants = list(dict.fromkeys(table.columns.get_level_values(1)))
    head = ["metric", "reading every", *variants]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m in metrics:
        label, unit = METRICS.get(m, (m, ""))
        for load, row in table.iterrows():
            lines.append("| " + " | ".join([f"{label}{f' ({unit})' if unit else ''}", _load(load)] +
                                           [f"{row[(m, v)]:.{_DIGITS.get(m, 2)}f}" for v in variants]) + " |")
    return "\n".join(lines)


def figure(ours: pd.DataFrame, theirs: pd.DataFrame, path: str | os.PathLike) -> str:
    """Each metric against the number of devices, one row of panels per paired variant: qcity solid,
    INET dashed, one colour per load, 95 % intervals over repetitions as error bars. PNG and SVG."""
    plt = offscreen_pyplot()
    metrics = list(METRICS)
    variants = [v for v in PAIRED_VARIANTS if v in set(theirs.variant)]
    fig, axes = plt.subplots(len(variants), len(metrics), figsize=(4.1 * len(metrics), 3.3 * len(variants)), squeeze=False)
    loads = sorted(set(ours.interval_s) | set(theirs.interval_s))
    colours = dict(zip(loads, ("#c44e52", "#4c72b0", "#55a868", "#8172b2")))
    for row, variant in enumerate(variants):
        for col, m in enumerate(metrics):
            ax = axes[row][col]
            for stack, runs, style in (("qcity", ours, "-o"), ("INET", theirs, "--s")):
                sel = runs[runs.variant == variant]
                for load in loads:
                    g = sel[sel.interval_s == load].groupby("numDevices")[m]
                    if not len(g):
                        continue
                    mean = g.mean()
                    ci = g.apply(lambda v: ci_half_width(v.dropna().to_numpy(float)))
                    ax.errorbar(mean.index, mean.values, yerr=ci.fillna(0).values, fmt=style, color=colours[load],
                                ms=4, capsize=2, lw=1.2, label=f"{stack}, a reading every {_load(load)}")
            label, unit = METRICS[m]
            ax.set_ylabel(f"{label}{f' ({unit})' if unit else ''}")
            if m.startswith("latency"):
                ax.set_yscale("log")
            ax.set_xlabel("devices")
            ax.set_title(f"{variant}: {label}", fontsize=9)
            ax.grid(True, alpha=0.3)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(loads), fontsize=8, bbox_to_anchor=(0.5, -0.02 - 0.03 * len(loads)))
    fig.tight_layout()
    return save(fig, path)
