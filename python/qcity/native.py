"""Access to the compiled kernel (qcity._core), with a friendly error when it is missing."""

from __future__ import annotations

from types import ModuleType


def load_core() -> ModuleType:
    """Returns qcity._core, or raises ImportError saying how to build it."""
    try:
        from . import _core
    except ImportError as e:
        raise ImportError(
            "qcity's compiled kernel (qcity._core) is not available: install qcity with `pip install .` "
            f"from a checkout so the extension is built ({e})"
        ) from e
    return _core
