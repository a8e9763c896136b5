"""Figures for reports and analysis scripts, drawn to files (no display needed)."""

from __future__ import annotations

import importlib.util
from types import ModuleType


def offscreen_pyplot() -> ModuleType:
    """``matplotlib.pyplot`` on the file-only Agg backend; ImportError with the install hint when matplotlib is absent."""
    if importlib.util.find_spec("matplotlib") is None:
        raise ImportError("plotting needs matplotlib: pip install 'qcity[analysis]'")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
