"""Edge task scheduling inside the smart city from result files: the EdgeScheduler's per-run
scalars per scheduler, and its per-round gaps to the LP bound paired across schedulers."""

from __future__ import annotations

import pandas as pd
from scipy import stats

from .. import results

ORDER = ["min_min_hook", "max_min_hook", "ga", "pso", "mbo", "mf_mbo"]
LABELS = {"min_min_hook": "Min-Min", "max_min_hook": "Max-Min", "ga": "GA", "pso": "PSO", "mbo": "MBO", "mf_mbo": "MF-MBO"}
SCALARS = {"roundMakespan:mean": "makespan_s", "roundGap:mean": "gap", "roundGap:max": "gap_max",
           "taskCompletion:mean": "completion_s", "energy:last": "energy_kJ"}


def per_run(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per run: the scheduler and the EdgeScheduler's scalars."""
    sc = results.get_scalars(raw, include_itervars=True)
    edge = sc[sc.module.str.endswith(".edge") & sc.name.isin(list(SCALARS))]
    if edge.empty or "scheduler" not in edge:
        return pd.DataFrame()
    table = edge.pivot_table(index=["runID", "scheduler"], columns="name", values="value").rename(columns=SCALARS)
    table = table.reset_index().rename(columns={"runID": "run"})
    if "energy_kJ" in table:
        table["energy_kJ"] /= 1000
    return table


def paired_rounds(raw: pd.DataFrame) -> pd.DataFrame:
    """Per-round gaps, one column per scheduler, rows paired by (repetition, round time)."""
    vec = results.get_vectors(raw, include_itervars=True, include_runattrs=True)
    vec = vec[vec.name == "roundGap:vector"]
    rows = [pd.DataFrame({"scheduler": r.scheduler, "repetition": r.repetition, "time": r.vectime, "gap": r.vecvalue})
            for r in vec.itertuples()]
    if not rows:
        return pd.DataFrame()
    return pd.concat(rows).pivot_table(index=["repetition", "time"], columns="scheduler", values="gap")


def wilcoxon_against(rounds: pd.DataFrame, reference: str = "mf_mbo") -> pd.DataFrame:
    """Each scheduler's per-round gaps against ``reference``'s: median difference and two-sided p-value."""
    out = []
    for name in rounds.columns:
        if name == reference:
            continue
        pair = rounds[[name, reference]].dropna()
        diff = pair[name] - pair[reference]
        p = stats.wilcoxon(pair[name], pair[reference]).pvalue if (diff != 0).any() else 1.0
        out.append({"scheduler": name, "rounds": len(pair), "median_gap_difference": float(diff.median()),
                    f"share_worse_than_{reference}": float((diff > 0).mean()), "wilcoxon_p": float(p)})
    return pd.DataFrame(out)


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    rank = {n: i for i, n in enumerate(ORDER)}
    return frame.sort_values("scheduler", key=lambda s: s.map(lambda v: rank.get(v, len(rank)))).reset_index(drop=True)
