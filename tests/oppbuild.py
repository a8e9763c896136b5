"""What the tests that build against a real OMNeT++ (and INET or QuISP) share: where OMNeT++ is,
why a test must skip without it or a library, and the cmake command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _opp_bin() -> Path | None:
    found = shutil.which("opp_configfilepath")
    if found:
        return Path(found).parent
    root = os.environ.get("OMNETPP_ROOT")
    if root and (Path(root) / "bin" / "opp_configfilepath").exists():
        return Path(root) / "bin"
    return None


#: OMNeT++'s bin folder (opp_run, opp_configfilepath), or None when there is no OMNeT++
OPP_BIN = _opp_bin()
NO_OMNETPP = ("OMNeT++ is not installed (no opp_configfilepath on PATH, no OMNETPP_ROOT): "
              "see docs/omnetpp.md")


def why_not(root_variable: str, library: str, docs: str) -> str | None:
    """Why a test that runs OMNeT++ with another model library must skip: OMNeT++ missing, the
    library's root folder not given in `root_variable`, or `library` (relative to it) not built."""
    if OPP_BIN is None:
        return NO_OMNETPP
    root = os.environ.get(root_variable)
    if not root:
        return f"{root_variable} is not set: these tests run it themselves ({docs} says how to build it)"
    if not (Path(root) / library).exists():
        return f"its model library is not built ({root}/{library} is missing)"
    return None


def cmake(build: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Configures the repository into `build` without the Python extension (pip builds that)."""
    args = ["cmake", "-S", str(REPO), "-B", str(build), "-DQCITY_BUILD_PYTHON=OFF",
            f"-DPython_EXECUTABLE={sys.executable}", *extra]
    try:
        import pybind11
        args.append(f"-Dpybind11_DIR={pybind11.get_cmake_dir()}")
    except ImportError:
        pass
    return subprocess.run(args, env=env, capture_output=True, text=True)
