"""Per-run totals and means of scalars, and means with confidence intervals over runs, for the reports
that turn result files into tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def _matching(run: pd.DataFrame, name: str, module_part: str) -> pd.Series:
    return run[(run.name == name) & run.module.str.contains(module_part, regex=False)].value


def scalar_sum(run: pd.DataFrame, name: str, module_part: str = "") -> float:
    """Sum of scalar `name` over one run's modules whose path contains `module_part`."""
    return float(_matching(run, name, module_part).sum())


def scalar_mean(run: pd.DataFrame, name: str, module_part: str = "") -> float:
    """Mean of scalar `name` over those modules, NaN values left out (NaN if there is none)."""
    values = _matching(run, name, module_part).dropna()
    return float(values.mean()) if len(values) else float("nan")


def summarise(per_run: pd.DataFrame, by: list[str], level: float = 0.95) -> pd.DataFrame:
    """Mean and half-width of the Student-t confidence interval over runs, per group."""
    metrics = [c for c in per_run.columns if c not in ("run", *by)]
    rows = []
    for key, g in per_run.groupby(by, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        row = dict(zip(by, key))
        row["runs"] = g.run.nunique()
        for m in metrics:
            vals = g[m].dropna().to_numpy(float)
            row[m] = vals.mean() if len(vals) else np.nan
            row[f"{m}_ci"] = ci_half_width(vals, level)
        rows.append(row)
    return pd.DataFrame(rows)


def ci_half_width(vals: np.ndarray, level: float = 0.95) -> float:
    """Half-width of the Student-t confidence interval of the mean of ``vals`` (NaN below two values)."""
    if len(vals) < 2:
        return np.nan
    return float(stats.t.ppf(0.5 + level / 2, len(vals) - 1) * vals.std(ddof=1) / np.sqrt(len(vals)))


def first_run_parameters(raw: pd.DataFrame, wanted: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The first run's parameter values, quotes stripped: ``wanted`` maps a key to (module path ending,
    parameter name); "" where the run has no such parameter."""
    from .. import results

    params = results.get_parameters(raw)
    first = params[params.runID == params.runID.iloc[0]]
    out = {}
    for key, (module_end, name) in wanted.items():
        hit = first[first.module.str.endswith(module_end) & (first.name == name)]
        out[key] = str(hit.value.iloc[0]).strip('"') if len(hit) else ""
    return out


def config_entry(raw: pd.DataFrame, name: str) -> str:
    """The value of ini entry ``name`` as the result files record it ("" when no section sets it)."""
    from .. import results

    entries = results.get_config_entries(raw)
    hit = entries[entries.name == name]
    return str(hit.value.iloc[0]) if len(hit) else ""

