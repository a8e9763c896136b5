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


def build_model_library(build: Path) -> Path:
    """libqcity built against the installed OMNeT++ into `build`, or QCITY_OMNETPP_LIB (an already
    built one); the path opp_run's -l takes."""
    prebuilt = os.environ.get("QCITY_OMNETPP_LIB")
    if prebuilt:
        return Path(prebuilt)
    r = cmake(build, "-DQCITY_WITH_OMNETPP=ON", env=dict(os.environ))
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run(["cmake", "--build", str(build), "--parallel", "2"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    return build / "qcity"


def opp_run(lib: Path, ini: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """opp_run on `ini` from its folder, with qcity's models and this Python's qcity for the hooks."""
    assert OPP_BIN is not None
    env = dict(os.environ)
    if sys.prefix != sys.base_prefix:  # the embedded interpreter imports qcity from this virtual environment
        env["VIRTUAL_ENV"] = sys.prefix
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).parent), env.get("PYTHONPATH")]))
    return subprocess.run([str(OPP_BIN / "opp_run"), "-l", str(lib), "-n", str(REPO / "omnetpp_models"), "-u", "Cmdenv",
                           *args, ini.name], cwd=ini.parent, env=env, capture_output=True, text=True, timeout=timeout)
