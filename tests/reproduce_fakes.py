"""A small reproduction plan for the executor's tests: ring sweeps, computations and artefacts
(module-level functions, so the worker processes find them by name)."""

from __future__ import annotations

from qcity import results
from qcity.reports.reproduce.plan import Artefact, ArtefactResult, Compute, Context, Row, Sweep

SHORT = ("sim-time-limit=2s",)


def count_runs(context: Context, quick: bool) -> int:
    """How many runs the ring sweep left (read from its result files)."""
    return len(results.get_runs(results.read_result_files(context.results("ring"))))


def trail(context: Context, quick: bool) -> list[str]:
    """The run numbers the chained sweep left result files for."""
    raw = results.read_result_files(context.results("chain"))
    attrs = results.get_runattrs(raw)
    return sorted(attrs[attrs.name == "runnumber"].value.tolist(), key=int)


def broken(context: Context, quick: bool) -> None:
    raise ValueError("a computation that fails")


def build_count(context: Context) -> ArtefactResult:
    n = context.computed("count")
    (context.artefact_dir("T-count") / "count.txt").write_text(str(n))
    return ArtefactResult([Row("runs", ours=float(n), verdict="reproduced")], ["count.txt"])


def build_broken(context: Context) -> ArtefactResult:
    return ArtefactResult([Row("never", verdict="reproduced")])


STEPS = {s.name: s for s in (
    Sweep("ring", "ring", "RingSweep", settings=SHORT + ("repeat=1",), cost=0.1),
    Sweep("chain", "ring", "RingSweep", settings=SHORT + ("repeat=1",), sequential=True, cost=0.1),
    Compute("count", count_runs, after=("ring",), cost=0.1, uses_data=True),
    Compute("trail", trail, after=("chain",), cost=0.1),
    Compute("broken", broken, cost=0.1),
)}

ARTEFACTS = {a.key: a for a in (
    Artefact("T-count", "001", "runs counted", ("count",), build_count),
    Artefact("T-broken", "001", "built on a failing computation", ("broken",), build_broken),
)}

