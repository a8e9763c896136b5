"""A simulation run beside the live KME: ``qcity kme serve --simulate``.

The run is an ordinary ``qcity run`` in a child process, with every KeyManager's ``keyExportDir``
pointed at one folder; the KME follows the key files appearing there as the links deliver key.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ..errors import QcityError


class CoSimulation:
    """One run of ``config`` in ``ini`` exporting its keys to ``key_dir``; output goes to ``log``."""

    def __init__(self, ini: Path, config: str, run: int, key_dir: Path, sim_time_limit: str | None = None,
                 overrides: tuple[str, ...] = (), log=None):
        if not ini.is_file():
            raise QcityError(f"{ini}: no such ini file")
        self.key_dir = key_dir.resolve()
        self.command = [sys.executable, "-m", "qcity.cli", "run", str(ini), "-c", config, "-r", str(run),
                        f"--**.keyExportDir={json.dumps(str(self.key_dir))}", *overrides]
        if sim_time_limit:
            self.command += ["--sim-time-limit", sim_time_limit]
        self.log = log if log is not None else sys.stderr
        self.process: subprocess.Popen | None = None
        self.reported = False

    def clear_key_dir(self) -> None:
        """Removes key files an earlier run left in the folder (before anything reads them): this run writes
        them anew from its start, and blocks the store already holds are known by link and block number."""
        self.key_dir.mkdir(parents=True, exist_ok=True)
        for old in self.key_dir.glob("*.keys"):
            old.unlink()

    def start(self) -> None:
        """Starts the run."""
        self.process = subprocess.Popen(self.command, stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)

    def finished(self) -> int | None:
        """The run's exit status once it has ended, else None; says once how it ended."""
        code = None if self.process is None else self.process.poll()
        if code is not None and not self.reported:
            self.reported = True
            how = "finished" if code == 0 else f"failed (exit status {code}; its output is above)"
            print(f"KME: the simulation {how}; serving the keys it delivered", file=sys.stderr, flush=True)
        return code

    def stop(self) -> None:
        """Stops a run still going (the KME is shutting down)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
