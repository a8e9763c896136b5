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
    """ADR per attack kind (``table``: one row per variant or detector, one column per kind) as grouped bars in
    ``path`` (PNG, with an SVG beside it)."""
    plt = offscreen_pyplot()
    fig, ax = plt.subplots(figsize=(7, 3.5))
    table.T.plot.bar(ax=ax, rot=0)
    ax.set_ylabel("ADR (share of attack flows flagged)")
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.legend(title=legend_title, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # outside: the bars reach 1
    fig.tight_layout()
    save(fig, path)
    return path


def save(fig, path) -> str:
    """Writes ``fig`` as PNG at ``path`` and as SVG beside it (no timestamps: the same figure, the same
    bytes), closes it and returns the PNG's file name."""
    from pathlib import Path

    path = Path(path)
    fig.savefig(path, dpi=130, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(path.with_suffix(".svg"), bbox_inches="tight", metadata={"Date": None, "Creator": None})
    offscreen_pyplot().close(fig)
    return path.name


def bars_beside_paper(ax, labels: list[str], ours: list[float], ours_ci: list[float],
                      theirs: list[tuple[float | None, float | None, float | None]], ylabel: str,
                      log: bool = False) -> None:
    """Our values as bars with 95 % intervals and the paper's beside them: a diamond for a number,
    a bar-wide line pair for a range ((value, low, high) per label; None where the paper gives nothing)."""
    import numpy as np

    x = np.arange(len(labels))
    ci = [0.0 if c is None or c != c else c for c in ours_ci]
    ax.bar(x, ours, width=0.6, yerr=ci, capsize=3, color="#4c72b0", label="qcity (mean, 95 % CI)", zorder=2)
    shown_value = shown_range = False
    for i, (value, low, high) in enumerate(theirs):
        if value is not None:
            ax.plot(i, value, marker="D", color="k", markersize=6, linestyle="none", zorder=3,
                    label=None if shown_value else "paper (as printed)")
            shown_value = True
        elif low is not None:
            ax.fill_between([i - 0.35, i + 0.35], [low] * 2, [high] * 2, color="#dd8452", alpha=0.5, zorder=3,
                            label=None if shown_range else "paper (range)")
            shown_range = True
    ax.set_xticks(x, labels, rotation=30 if max(map(len, labels), default=0) > 6 else 0, ha="right"
                  if max(map(len, labels), default=0) > 6 else "center")
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.grid(True, axis="y", alpha=0.3, zorder=0)
