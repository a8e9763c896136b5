"""Command lines that run qcity's models under a real OMNeT++ (``opp_run``), alone or with INET.

The libraries come from a cmake build of the repository (docs/omnetpp.md, docs/inet.md):
``<build>/qcity``, and with ``-DQCITY_WITH_INET=ON`` also ``<build>/qcity_inet`` and
``<build>/inet_paths.txt``, which names INET's library, NED folder and NED package exclusions.
The NED folders are the repository's (the one the build was configured from).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


class OppRunError(ValueError):
    """opp_run, or a build of qcity's OMNeT++ libraries, is not where it was looked for."""


@dataclass(frozen=True)
class OppRunSetup:
    """What opp_run needs to load qcity's models (and INET's, when built with them)."""

    opp_run: Path
    libraries: tuple[str, ...]
    ned_path: tuple[str, ...]
    ned_exclusions: str = ""

    def command(self, ini: str | os.PathLike, config: str, *args: str, result_dir: str | os.PathLike | None = None) -> list[str]:
        """The opp_run command line that runs `config` of `ini` (Cmdenv, express mode)."""
        cmd = [str(self.opp_run)]
        for lib in self.libraries:
            cmd += ["-l", lib]
        cmd += ["-n", os.pathsep.join(self.ned_path)]
        if self.ned_exclusions:
            cmd += ["-x", self.ned_exclusions]
        cmd += ["-u", "Cmdenv", "--cmdenv-express-mode=true", "-c", config]
        if result_dir is not None:
            cmd.append(f"--result-dir={Path(result_dir).resolve()}")
        return cmd + list(args) + [Path(ini).name]

    def run(self, ini: str | os.PathLike, config: str, *args: str, result_dir: str | os.PathLike | None = None,
            env: dict | None = None, timeout: float | None = None) -> subprocess.CompletedProcess:
        """Runs `config` of `ini` from the ini file's folder; raises OppRunError with its output if it fails."""
        r = subprocess.run(self.command(ini, config, *args, result_dir=result_dir), cwd=Path(ini).resolve().parent,
                           env=env, capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise OppRunError(f"opp_run failed (exit {r.returncode}) on {config} of {ini}:\n{r.stdout[-3000:]}{r.stderr[-3000:]}")
        return r


def find_opp_run() -> Path:
    """opp_run from PATH (OMNeT++'s setenv puts it there) or OMNETPP_ROOT/bin."""
    found = shutil.which("opp_run")
    if found:
        return Path(found)
    root = os.environ.get("OMNETPP_ROOT")
    if root and (Path(root) / "bin" / "opp_run").exists():
        return Path(root) / "bin" / "opp_run"
    raise OppRunError("opp_run not found: source OMNeT++'s setenv (or set OMNETPP_ROOT); see docs/omnetpp.md")


def _source_dir(build: Path) -> Path:
    cache = build / "CMakeCache.txt"
    if not cache.exists():
        raise OppRunError(f"{build} is not a cmake build folder (no CMakeCache.txt): build the libraries first (docs/omnetpp.md)")
    for line in cache.read_text().splitlines():
        if line.startswith("CMAKE_HOME_DIRECTORY:"):
            return Path(line.split("=", 1)[1])
    raise OppRunError(f"{cache} does not name the source folder (CMAKE_HOME_DIRECTORY)")


def setup(build: str | os.PathLike, inet: bool = False) -> OppRunSetup:
    """The opp_run setup for the libraries in cmake build folder `build`; with `inet`, INET's too."""
    build = Path(build).resolve()
    source = _source_dir(build)
    if not (build / "libqcity.so").exists():
        raise OppRunError(f"{build}/libqcity.so is missing: configure with -DQCITY_WITH_OMNETPP=ON and build (docs/omnetpp.md)")
    if not inet:
        return OppRunSetup(find_opp_run(), (str(build / "qcity"),), (str(source / "omnetpp_models"),))
    paths_file = build / "inet_paths.txt"
    if not paths_file.exists() or not (build / "libqcity_inet.so").exists():
        raise OppRunError(f"{build} has no INET build: configure with -DQCITY_WITH_INET=ON -DINET_ROOT=... and build (docs/inet.md)")
    paths = dict(line.split("=", 1) for line in paths_file.read_text().splitlines() if "=" in line)
    return OppRunSetup(find_opp_run(), (paths["library"], str(build / "qcity"), str(build / "qcity_inet")),
                       (paths["ned"], str(source / "omnetpp_models"), str(source / "omnetpp_models_inet")),
                       paths.get("exclusions", ""))


__all__ = ["OppRunError", "OppRunSetup", "find_opp_run", "setup"]
