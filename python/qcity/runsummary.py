"""Per-run totals and means of scalars, for the reports that turn result files into tables."""

from __future__ import annotations

import pandas as pd


def _matching(run: pd.DataFrame, name: str, module_part: str) -> pd.Series:
    return run[(run.name == name) & run.module.str.contains(module_part, regex=False)].value


def scalar_sum(run: pd.DataFrame, name: str, module_part: str = "") -> float:
    """Sum of scalar `name` over one run's modules whose path contains `module_part`."""
    return float(_matching(run, name, module_part).sum())


def scalar_mean(run: pd.DataFrame, name: str, module_part: str = "") -> float:
    """Mean of scalar `name` over those modules, NaN values left out (NaN if there is none)."""
    values = _matching(run, name, module_part).dropna()
    return float(values.mean()) if len(values) else float("nan")
