"""``qcity reproduce``: every artefact of the seed papers from its runs to one report, ours beside theirs.

    qcity reproduce                     # everything, into reproduce/
    qcity reproduce 001-fig4 003 -j 2   # some artefacts (keys or prefixes)
    qcity reproduce --quick             # one repetition, shorter runs: checks the whole pipeline
    qcity reproduce --list              # the artefacts and what each runs

The runs and computations go through :mod:`.executor` (dependency order, reuse of complete
results, progress); :mod:`.catalogue` lists the steps and artefacts; :mod:`.render` writes
REPORT.md and index.html.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path
from typing import TextIO

from .catalogue import ARTEFACTS, STEPS, select
from .executor import code_fingerprint, execute, failure_rows, needed_steps, scenario_ini, sweep_settings
from .plan import ArtefactResult, Context, Sweep, write_atomically
from .render import write_report

__all__ = ["ARTEFACTS", "STEPS", "describe", "reproduce"]


def describe(names: list[str] | None = None, quick: bool = False) -> str:
    """The artefacts and, for each, the steps it needs (config and number of runs, or the computation)."""
    from ...sim.ini import IniFile

    context = Context(Path("."), quick=quick)
    counts: dict[str, str] = {}
    lines = []
    for a in select(names or []):
        parts = []
        for name in needed_steps([a], STEPS):
            step = STEPS[name]
            if name not in counts:
                if isinstance(step, Sweep):
                    n = len(IniFile(scenario_ini(step.scenario), sweep_settings(step, context)).runs(step.config))
                    counts[name] = f"{step.scenario}/{step.config} ({n} runs{', one after another' if step.sequential else ''})"
                else:
                    counts[name] = f"{name} (computation)"
            parts.append(counts[name])
        lines.append(f"{a.key:16s} seed {a.paper}: {a.title}\n{'':16s}   needs: " + "; ".join(parts))
    return "\n".join(lines)


def _stored(context: Context, key: str) -> Path:
    """Where an artefact's last result is kept, so a later reproduce of other artefacts still shows it."""
    return context.out / "computed" / context.mode / f"artefact-{key}.pickle"


def reproduce(names: list[str], out: str | Path = "reproduce", quick: bool = False, jobs: int = 2,
              data: str | Path | None = None, stream: TextIO = sys.stderr) -> int:
    """Runs what the named artefacts need and writes the report; 0 when every artefact was built."""
    artefacts = select(names)
    context = Context(Path(out).resolve(), quick=quick, data=Path(data).resolve() if data else None)
    context.out.mkdir(parents=True, exist_ok=True)
    try:
        outcome = execute(artefacts, STEPS, context, jobs, stream)
    except KeyboardInterrupt:
        stream.write(f"interrupted: the runs and computations that finished are kept in {context.out}; the same command "
                     "continues where this one stopped\n")
        raise
    built = dict(outcome.built)
    code = code_fingerprint(True)
    for a in artefacts:
        if a.key not in built:
            built[a.key] = ArtefactResult(rows=failure_rows(a, STEPS, outcome))
        write_atomically(_stored(context, a.key), pickle.dumps({"code": code, "result": built[a.key]}))
    # the report shows every artefact built into this folder so far by this qcity, not only this call's
    stale = []
    for a in ARTEFACTS.values():
        if a.key in built or not _stored(context, a.key).exists():
            continue
        stored = pickle.loads(_stored(context, a.key).read_bytes())
        if isinstance(stored, dict) and stored.get("code") == code:
            built[a.key] = stored["result"]
        else:
            stale.append(a.key)
    shown = [a for a in ARTEFACTS.values() if a.key in built]
    report, index = write_report(context, shown, STEPS, built, outcome.seconds, outcome.wall_seconds)
    if stale:
        stream.write(f"left out of the report, built by another version of qcity: {' '.join(stale)} "
                     "(qcity reproduce with their keys builds them again)\n")
    failed = [k for k in outcome.failed]
    stream.write(f"report: {report} and {index} ({outcome.wall_seconds / 60:.1f} min)\n")
    if failed:
        stream.write(f"{len(failed)} task(s) failed or were not run:\n"
                     + "".join(f"  {k}: {outcome.failed[k].splitlines()[0]}\n" for k in failed[:20]))
        return 1
    return 0

