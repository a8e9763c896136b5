"""The analysis/ scripts, imported as modules so tests can call their functions and main()."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ANALYSIS = Path(__file__).resolve().parent.parent / "analysis"


def load(name: str) -> ModuleType:
    """analysis/<name>.py as a module (the scripts are not a package)."""
    spec = importlib.util.spec_from_file_location(name, ANALYSIS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
