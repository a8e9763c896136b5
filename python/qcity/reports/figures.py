"""Figures for reports and analysis scripts, drawn to files (no display needed)."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pandas as pd


def offscreen_pyplot() -> ModuleType:
    """``matplotlib.pyplot`` on the file-only Agg backend; ImportError with the install hint when matplotlib is absent."""
    if importlib.util.find_spec("matplotlib") is None:
        raise ImportError("plotting needs matplotlib: pip install 'qcity[analysis]'")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def adr_bars(table: pd.DataFrame, title: str, legend_title: str, path: str) -> str:
    """ADR per attack kind (``table``: one row per variant or detector, one column per kind) as grouped bars in ``path``."""
    plt = offscreen_pyplot()
    fig, ax = plt.subplots(figsize=(7, 3.5))
    table.T.plot.bar(ax=ax, rot=0)
    ax.set_ylabel("ADR (share of attack flows flagged)")
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.legend(title=legend_title, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # outside: the bars reach 1
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path
