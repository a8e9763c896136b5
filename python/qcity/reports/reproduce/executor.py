"""Runs a reproduction: the runs, computations and artefact builds as one task graph on a pool
of worker processes, in dependency order, reusing what an earlier (interrupted) reproduction
finished, with progress and an estimate of what is left.

Result files are written under a temporary name and renamed when a run completes, and
computations are stored the same way, so whatever exists is complete: a reproduction that
was interrupted starts again where it stopped. Same seed, same results: a run's outcome does
not depend on which worker ran it or on how many there are.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import pickle
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .plan import Artefact, ArtefactResult, Compute, Context, Row, Sweep, write_atomically


@dataclass
class Task:
    """One unit of work: a run of a sweep, a computation, or an artefact build."""

    key: str                      # "run:ChannelClasses:12", "compute:puf", "build:001-fig2"
    kind: str                     # run, compute, build
    step: str                     # the step or artefact it belongs to
    label: str                    # shown in the progress lines
    cost: float                   # expected seconds
    args: tuple = ()
    needs: set[str] = field(default_factory=set)
    dependents: set[str] = field(default_factory=set)
    priority: float = 0.0         # cost of the longest chain of tasks from here to the end


@dataclass
class Outcome:
    """How a reproduction went: artefact results, failures, times."""

    built: dict[str, ArtefactResult] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)      # task key -> error
    seconds: dict[str, float] = field(default_factory=dict)   # task key -> wall seconds (this and earlier reproductions)
    reused: int = 0                                           # runs and computations found complete
    wall_seconds: float = 0.0
    interrupted: bool = False


# ---- the worker side (top-level functions: they travel to the worker processes by name) ----------


def _do_run(ini: str, config: str, run_number: int, result_dir: str, settings: tuple[str, ...]) -> float:
    from ...sim.runner import execute_run

    return execute_run(ini, config, run_number, result_dir=result_dir, overrides=list(settings)).elapsed_seconds


def _do_compute(step: Compute, context: Context, inputs: dict) -> None:
    path = context.computed_path(step.name)
    write_atomically(path, pickle.dumps(step.function(context, context.quick)))
    write_atomically(_inputs_path(path), json.dumps(inputs).encode())


def _do_build(artefact: Artefact, context: Context) -> ArtefactResult:
    start = time.perf_counter()
    result = artefact.build(context)
    result.seconds = time.perf_counter() - start
    result.built_at = time.strftime("%Y-%m-%d %H:%M")
    return result


def _timed(function: Callable, *args):
    """Runs ``function(*args)`` in a worker; returns (value, seconds) or raises with the traceback in the message."""
    start = time.perf_counter()
    try:
        value = function(*args)
    except Exception as e:  # the message travels back; the traceback would not
        raise RuntimeError(f"{type(e).__name__}: {e}\n{traceback.format_exc()}") from None
    return value, time.perf_counter() - start


# ---- what decides a result: reuse only what the same code and settings made -----------------------------


@functools.lru_cache(maxsize=2)
def code_fingerprint(with_reports: bool) -> str:
    """A digest of the files that decide results: qcity's models (NED, ini, C++), its compiled kernel and
    its Python package; the reports package only for computations (``with_reports``), so editing how a
    report is drawn does not throw away the runs."""
    import importlib.util

    from ...sim.runner import package_models_dir

    package = Path(__file__).resolve().parents[2]
    files = [f for f in package.rglob("*") if f.is_file() and f.suffix in (".py", ".npz", ".ned", ".ini", ".cc", ".h")
             and "__pycache__" not in f.parts and (with_reports or "reports" not in f.relative_to(package).parts)]
    models = package_models_dir()
    if not models.is_relative_to(package):  # an editable install keeps the models in the checkout
        files += [f for f in models.rglob("*") if f.is_file() and f.suffix in (".ned", ".ini", ".cc", ".h")]
    core = importlib.util.find_spec("qcity._core")
    if core is not None and core.origin:
        files.append(Path(core.origin))
    digest = hashlib.sha256()
    for f in sorted(files):
        digest.update(str(f.name).encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def _inputs_path(path: Path) -> Path:
    return path.with_name(path.name + ".inputs.json")


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def sweep_inputs(step: Sweep, context: Context) -> dict:
    return {"config": step.config, "settings": list(sweep_settings(step, context)), "code": code_fingerprint(False)}


def compute_inputs(step: Compute, context: Context) -> dict:
    return {"data": str(context.data) if step.uses_data else "", "mode": context.mode, "code": code_fingerprint(True)}


def _forget_stale_runs(step: Sweep, context: Context, notes: list[str]) -> None:
    """Result files another qcity or other settings made are removed, so they are run again; the
    folder then records what its runs are made with."""
    folder = context.results(step)
    manifest, wanted = _inputs_path(folder / "runs"), sweep_inputs(step, context)
    old = sorted(folder.glob("*.sca")) + sorted(folder.glob("*.vec"))
    if _read_json(manifest) != wanted:
        if old:
            notes.append(f"{step.name}: its {len([f for f in old if f.suffix == '.sca'])} result file(s) came from "
                         "other settings or another version of qcity's models or code: running them again")
            for f in old:
                f.unlink()
        write_atomically(manifest, json.dumps(wanted).encode())


# ---- planning ------------------------------------------------------------------------------------------


def scenario_ini(scenario: str) -> Path:
    """A scenario's omnetpp.ini in qcity's model library."""
    from ...sim.runner import package_models_dir

    return package_models_dir() / "scenarios" / scenario / "omnetpp.ini"


def sweep_settings(step: Sweep, context: Context) -> tuple[str, ...]:
    """The ini settings a sweep adds, with {work} standing for its work folder (files runs write)."""
    settings = step.settings + (step.quick if context.quick else ())
    if any("{work}" in s for s in settings):
        work = context.work().as_posix()
        settings = tuple(s.replace("{work}", work) for s in settings)
    return settings


def needed_steps(artefacts: Sequence[Artefact], steps: dict[str, Sweep | Compute]) -> list[str]:
    """The steps the artefacts read, and the steps those must come after, in a dependency order."""
    order: list[str] = []

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in order:
            return
        if name in trail:
            raise ValueError(f"steps depend on each other in a circle: {' -> '.join(trail + (name,))}")
        if name not in steps:
            raise KeyError(f"no step named {name!r}")
        for before in steps[name].after:
            visit(before, trail + (name,))
        order.append(name)

    for a in artefacts:
        for name in a.needs:
            visit(name, ())
    return order


def plan_tasks(artefacts: Sequence[Artefact], steps: dict[str, Sweep | Compute], context: Context,
               seconds: dict[str, float], notes: list[str] | None = None) -> tuple[dict[str, Task], int]:
    """The tasks still to do (runs without a result file, computations without a stored result, every
    build) with their dependencies, and how many runs and computations are complete already. Results
    made by other code or settings do not count as complete (``notes`` says which were dropped)."""
    notes = [] if notes is None else notes
    from ...sim.ini import IniFile
    from ...sim.runner import result_paths

    tasks: dict[str, Task] = {}
    pending: dict[str, list[str]] = {}   # step -> its tasks still to do
    reused = 0
    for name in needed_steps(artefacts, steps):
        step = steps[name]
        after = {k for before in step.after for k in pending[before]}
        keys: list[str] = []
        if isinstance(step, Sweep):
            _forget_stale_runs(step, context, notes)
            ini = scenario_ini(step.scenario)
            settings = sweep_settings(step, context)
            runs = IniFile(ini, settings).runs(step.config)
            previous: str | None = None
            for n, run in enumerate(runs):
                sca, _ = result_paths(run, str(context.results(step)))
                if sca.exists():
                    reused += 1
                    continue
                key = f"run:{name}:{n}"
                needs = set(after) | ({previous} if step.sequential and previous else set())
                tasks[key] = Task(key, "run", name, f"{step.config} #{n}", seconds.get(key, step.cost),
                                  (str(ini), step.config, n, str(context.results(step)), settings), needs)
                keys.append(key)
                previous = key
        else:
            path = context.computed_path(name)
            # reused when the same code made it from the same inputs, and no run it reads is still to do
            if path.exists() and not after and _read_json(_inputs_path(path)) == compute_inputs(step, context):
                reused += 1
            else:
                key = f"compute:{name}"
                tasks[key] = Task(key, "compute", name, name, seconds.get(key, step.cost),
                                  (step, compute_inputs(step, context)), set(after))
                keys.append(key)
        pending[name] = keys
    for a in artefacts:
        key = f"build:{a.key}"
        needs = {k for name in a.needs for k in pending[name]}
        tasks[key] = Task(key, "build", a.key, f"{a.key} (report)", seconds.get(key, 2.0), (a,), needs)
    for t in tasks.values():
        for n in t.needs:
            tasks[n].dependents.add(t.key)
    _set_priorities(tasks)
    return tasks, reused


def _set_priorities(tasks: dict[str, Task]) -> None:
    """Longest remaining chain first (critical path): training chains start before independent sweeps."""
    done: dict[str, float] = {}

    def chain(key: str) -> float:
        if key not in done:
            t = tasks[key]
            done[key] = t.cost + max((chain(d) for d in t.dependents), default=0.0)
        return done[key]

    for key, t in tasks.items():
        t.priority = chain(key)


# ---- progress ------------------------------------------------------------------------------------------


class Progress:
    """Progress lines: tasks done of all, elapsed time, an estimate of what is left and what is running.

    The estimate is the expected cost of the tasks left (each run's time in the last reproduction,
    or its step's estimate), scaled by how the finished tasks' real times compared with their
    expected ones, spread over the workers.
    On a terminal the line is rewritten in place; otherwise a line is printed per finished task.
    """

    def __init__(self, tasks: dict[str, Task], jobs: int, stream: TextIO = sys.stderr,
                 readers: dict[str, list[str]] | None = None):
        self.readers = readers or {}  # step -> the artefacts that read it, named while it runs
        self.artefacts = sorted({k for keys in self.readers.values() for k in keys})
        self.total = len(tasks)
        self.cost_left = sum(t.cost for t in tasks.values())
        self.cost_done = 0.0
        self.seconds_done = 0.0
        self.done = 0
        self.jobs = jobs
        self.start = time.perf_counter()
        self.stream = stream
        self.tty = stream.isatty()

    def _left(self) -> str:
        ratio = self.seconds_done / self.cost_done if self.cost_done > 0 and self.seconds_done > 0 else 1.0
        return _clock(self.cost_left * ratio / self.jobs)

    def line(self, running: list[Task], finished: Task | None = None, seconds: float = 0.0, failed: str = "") -> None:
        elapsed = _clock(time.perf_counter() - self.start)
        now = ", ".join(f"{step}{_for(self.readers.get(step, []), self.artefacts)}"
                        for step in sorted({t.step for t in running})) or "-"
        head = f"[{self.done}/{self.total} tasks] {elapsed} elapsed, about {self._left()} left"
        if finished is not None and not self.tty:
            state = f"FAILED: {failed.splitlines()[0]}" if failed else f"{seconds:.1f} s"
            self.stream.write(f"{head} | {finished.label}: {state} | running: {now}\n")
        elif self.tty:
            text = f"{head} | running: {now}"
            self.stream.write("\r" + text[:160].ljust(160))
            if failed:
                self.stream.write(f"\n{finished.label} FAILED: {failed.splitlines()[0]}\n")
        self.stream.flush()

    def finish(self, task: Task, seconds: float = 0.0) -> None:
        self.done += 1
        self.cost_done += task.cost
        self.cost_left -= task.cost
        self.seconds_done += seconds

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _for(artefacts: list[str], everything: list[str]) -> str:
    """The artefacts a running step is for; all of one paper's (among ``everything`` being reproduced)
    shortened to its prefix, 001-*."""
    if not artefacts:
        return ""
    shown = []
    for paper in sorted({a.split("-")[0] for a in artefacts}):
        mine = [a for a in artefacts if a.startswith(paper + "-")]
        every = [k for k in everything if k.startswith(paper + "-")]
        shown += [f"{paper}-*"] if len(mine) > 1 and set(mine) == set(every) else mine
    return " (for " + ", ".join(shown) + ")"


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


# ---- running -------------------------------------------------------------------------------------------


def _timings_path(context: Context) -> Path:
    return context.out / f"timings-{context.mode}.json"


def load_timings(context: Context) -> dict[str, float]:
    """Seconds each task took in earlier reproductions into this folder (empty when there were none)."""
    try:
        return {str(k): float(v) for k, v in json.loads(_timings_path(context).read_text()).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def execute(artefacts: Sequence[Artefact], steps: dict[str, Sweep | Compute], context: Context, jobs: int = 1,
            stream: TextIO = sys.stderr) -> Outcome:
    """Does every task the artefacts need, ``jobs`` at a time; returns the artefact results and failures."""
    start = time.perf_counter()
    seconds = load_timings(context)
    notes: list[str] = []
    tasks, reused = plan_tasks(artefacts, steps, context, seconds, notes)
    outcome = Outcome(reused=reused, seconds=dict(seconds))
    for note in notes:
        stream.write(note + "\n")
    stream.write(f"reproduce ({context.mode}): {len(artefacts)} artefact(s), {sum(t.kind != 'build' for t in tasks.values())} "
                 f"run(s) and computation(s) to do, {reused} complete already; {jobs} worker(s); output in {context.out}\n")
    needs = {a.key: needed_steps([a], steps) for a in artefacts}
    readers = {name: [key for key, names in needs.items() if name in names] for name in steps}
    progress = Progress(tasks, jobs, stream, readers)
    waiting = dict(tasks)
    running: dict[Future, Task] = {}
    finished: set[str] = set()
    ctx = multiprocessing.get_context("spawn")  # fresh interpreters: no state of the parent leaks into a run
    pool = ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=ctx)
    try:
        while waiting or running:
            ready = sorted((t for t in waiting.values() if t.needs <= finished), key=lambda t: -t.priority)
            for t in ready[: max(0, jobs - len(running))]:
                del waiting[t.key]
                running[_submit(pool, t, context)] = t
            if not running:  # what is left waits on something that failed
                for t in waiting.values():
                    outcome.failed[t.key] = "not run: " + ", ".join(sorted(n for n in t.needs if n in outcome.failed))
                break
            progress.line(list(running.values()))
            done, _ = wait(running, timeout=1.0 if progress.tty else None, return_when=FIRST_COMPLETED)
            for future in done:
                t = running.pop(future)
                try:
                    value, took = future.result()
                except Exception as e:  # a failed task: report it, skip what depends on it, go on with the rest
                    progress.finish(t)
                    outcome.failed[t.key] = str(e)
                    _drop_dependents(t, waiting, outcome)
                    progress.line(list(running.values()), t, failed=str(e))
                    continue
                progress.finish(t, took)
                finished.add(t.key)
                outcome.seconds[t.key] = took
                if t.kind == "build":
                    outcome.built[t.step] = value
                else:
                    write_atomically(_timings_path(context), json.dumps(outcome.seconds, indent=0).encode())
                progress.line(list(running.values()), t, took)
    except KeyboardInterrupt:  # runs in progress finish their own file (or leave none); nothing new starts
        outcome.interrupted = True
        raise
    finally:
        progress.close()
        pool.shutdown(wait=not outcome.interrupted, cancel_futures=True)
        outcome.wall_seconds = time.perf_counter() - start
    return outcome


def _submit(pool: ProcessPoolExecutor, task: Task, context: Context) -> Future:
    if task.kind == "run":
        return pool.submit(_timed, _do_run, *task.args)
    if task.kind == "compute":
        return pool.submit(_timed, _do_compute, task.args[0], context, task.args[1])
    return pool.submit(_timed, _do_build, task.args[0], context)


def _drop_dependents(task: Task, waiting: dict[str, Task], outcome: Outcome) -> None:
    """Everything that needs a failed task is not run; its reason names the failure."""
    for key in sorted(task.dependents):
        if key in waiting:
            dependent = waiting.pop(key)
            outcome.failed[key] = f"not run: {task.label} failed"
            _drop_dependents(dependent, waiting, outcome)


def failure_rows(artefact: Artefact, steps: dict[str, Sweep | Compute], outcome: Outcome) -> list[Row]:
    """The row an artefact gets when its build did not happen: which of its tasks failed, and the message."""
    mine = set(needed_steps([artefact], steps))  # task keys are kind:step[:run]
    reasons = [f"{k}: {v.splitlines()[0]}" for k, v in sorted(outcome.failed.items())
               if k == f"build:{artefact.key}" or k.split(":")[1] in mine]
    return [Row(quantity=artefact.title, verdict="not measured",
                why="; ".join(reasons[:3]) or "interrupted before it was built")]
