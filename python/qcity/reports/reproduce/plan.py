"""What a reproduction is made of: the steps that produce data (sweeps of a config, offline
computations) and the artefacts built from them (one per table, figure or claim of a paper).

A :class:`Sweep` is every run of one config of a scenario, run on the embedded engine with
the ini settings it adds; a :class:`Compute` is an offline computation whose result (a
pickle) the artefacts read. Steps name the steps that must finish first (training before
the runs that use what it trained). An :class:`Artefact` names the steps it reads and
builds its rows, tables and figures from their outputs.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..papers import Reported


@dataclass(frozen=True)
class Sweep:
    """All runs of ``config`` in ``scenario``'s omnetpp.ini, with ``settings`` added (ini
    ``key=value`` entries that win over the file, as ``qcity run --key=value``)."""

    name: str
    scenario: str
    config: str
    settings: tuple[str, ...] = ()
    quick: tuple[str, ...] = ()       # added in --quick mode: fewer repetitions, shorter runs
    after: tuple[str, ...] = ()       # steps that must be complete first
    sequential: bool = False          # each run continues from what the previous one left (training)
    cost: float = 5.0                 # expected core-seconds per run, for the estimate of what is left
    purpose: str = ""


@dataclass(frozen=True)
class Compute:
    """An offline computation: ``function(context, quick)`` returns a picklable result that is
    stored in the output folder and reused on the next reproduce."""

    name: str
    function: Callable[[Context, bool], Any]
    after: tuple[str, ...] = ()
    cost: float = 10.0
    purpose: str = ""
    uses_data: bool = False           # reads the --data folder (so another folder means computing it again)


Step = Sweep | Compute


@dataclass
class Row:
    """One line of the report: our value beside the paper's, and the verdict."""

    quantity: str
    subject: str = ""
    condition: str = ""
    unit: str = ""
    ours: float | None = None          # mean over repetitions (None: not measured)
    ours_ci: float | None = None       # half-width of the 95 % interval
    ours_text: str = ""                # our result in words when it is not one number
    theirs: str = ""                   # the paper's value, range or claim as printed
    difference: str = ""
    verdict: str = ""                  # reproduced, differs, contradicted, not measured
    why: str = ""
    reference: Reported | None = None
    text_only: bool = False            # show ours_text alone (a claim's row: the number is in the words)

    def ours_shown(self, digits: int = 3) -> str:
        if self.ours is None or self.ours != self.ours or (self.text_only and self.ours_text):  # None or NaN
            return self.ours_text or "-"
        text = f"{self.ours:.{digits}g}"
        if self.ours_ci is not None and self.ours_ci == self.ours_ci:
            text += f" ± {self.ours_ci:.2g}"
        return text + (f" ({self.ours_text})" if self.ours_text else "")


@dataclass
class ArtefactResult:
    """What building an artefact produced: its rows, CSV tables and figures (file names in its folder)."""

    rows: list[Row] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)   # PNG files; an SVG of each lies beside it
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    built_at: str = ""        # when it was built (the report marks artefacts an earlier invocation built)


@dataclass(frozen=True)
class Artefact:
    """A paper artefact (table, figure, claim): the steps it reads and how its report is built."""

    key: str
    paper: str
    title: str
    needs: tuple[str, ...]
    build: Callable[[Context], ArtefactResult]


@dataclass
class Context:
    """Where a reproduction reads and writes: the output folder, the mode, the dataset folder."""

    out: Path
    quick: bool = False
    data: Path | None = None

    @property
    def mode(self) -> str:
        return "quick" if self.quick else "full"

    def results(self, step: Sweep | str) -> Path:
        """The result folder of a sweep (one per scenario and mode)."""
        name = step if isinstance(step, str) else step.name
        return self.out / "runs" / self.mode / name

    def work(self, *parts: str) -> Path:
        """The folder for files runs and computations write besides results (trained models, Q-tables);
        whoever writes there makes it."""
        return self.out / "work" / self.mode / Path(*parts)

    def computed_path(self, name: str) -> Path:
        return self.out / "computed" / self.mode / f"{name}.pickle"

    def computed(self, name: str) -> Any:
        """What the Compute step ``name`` returned."""
        with open(self.computed_path(name), "rb") as f:
            return pickle.load(f)

    def artefact_dir(self, key: str) -> Path:
        path = self.out / key
        path.mkdir(parents=True, exist_ok=True)
        return path

    def csv(self, key: str, name: str, table) -> str:
        """Writes an artefact's table (a DataFrame) as ``name`` in its folder; returns the name."""
        table.to_csv(self.artefact_dir(key) / name, index=False)
        return name


def write_atomically(path: Path, data: bytes) -> None:
    """Writes ``data`` under a temporary name and renames it into place: a file that exists is complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
