"""Runs one simulation run on the embedded kernel: ini + NED in, .sca/.vec out."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import units
from ..errors import IniError, NedError, QcityError
from ..native import load_core
from .fingerprint import check_fingerprint, fingerprint_spec
from .ini import SEED_KEY, Entry, IniFile, RunConfig
from .ned import NedTypes
from .nedexpr import ExprError, context_without_names, evaluate, parse_expression_text
from .network import NetworkBuilder

ProgressFn = Callable[[int, float, float], None]


@dataclass
class RunResult:
    """What a run produced."""

    config: str
    run_number: int
    sca_path: Path
    vec_path: Path
    events: int = 0
    sim_time: str = "0"
    elapsed_seconds: float = 0.0
    reason: str = ""
    fingerprint: str = ""
    fingerprint_check: str | None = None  # opp_run's verdict when the ini gives a fingerprint
    skipped: bool = False
    unused_entries: list[Entry] = field(default_factory=list)


def package_models_dir() -> Path:
    """The NED tree installed with the package (omnetpp_models/); in an editable install, the checkout's."""
    installed = Path(__file__).resolve().parent.parent / "omnetpp_models"
    checkout = Path(__file__).resolve().parents[3] / "omnetpp_models"
    return installed if installed.is_dir() or not checkout.is_dir() else checkout


def default_nedpath(ini_path: str | os.PathLike) -> list[Path]:
    """qcity's model library plus the ini file's folder (where a scenario keeps its network)."""
    return [package_models_dir() / "qcity", Path(ini_path).resolve().parent]


def _time_option(run: RunConfig, key: str) -> float | None:
    e = run.options.get(key)
    if e is None:
        return None
    return parse_time(e.value, e)


def parse_time(text: str, entry: Entry | None = None) -> float:
    """'100s', '2.5min', '500ms' -> seconds."""
    try:
        q = evaluate(parse_expression_text(text), _NO_NAMES)
        if not isinstance(q.value, (int, float)) or isinstance(q.value, bool) or q.is_runtime:
            raise ExprError(f"expected a time, got {text!r}")
        if q.unit is None:
            raise ExprError(f"missing unit in {text!r} (e.g. {text}s)")
        seconds = units.convert(float(q.value), q.unit, "s")
    except (ExprError, ValueError, QcityError) as e:
        msg = e.message if isinstance(e, QcityError) else str(e)
        raise IniError(msg, entry.file if entry else None, entry.line if entry else None) from None
    if seconds < 0:
        raise IniError(f"time limit must not be negative: {text}", entry.file if entry else None, entry.line if entry else None)
    return seconds


_NO_NAMES = context_without_names()


def result_paths(run: RunConfig, result_dir: str | None = None) -> tuple[Path, Path]:
    """Output file names, from output-scalar-file/output-vector-file (OMNeT++ 6 defaults)."""
    rdir = result_dir or run.option("result-dir", "results")
    subst = {
        "resultdir": rdir, "configname": run.config, "runnumber": str(run.run_number),
        "iterationvarsf": run.iterationvarsf, "iterationvarsd": run.iterationvarsd, "repetition": str(run.repetition),
    }

    def expand(template: str) -> Path:
        for k, v in subst.items():
            template = template.replace("${" + k + "}", v)
        return Path(template)

    sca = expand(run.option("output-scalar-file") or "${resultdir}/${configname}-${iterationvarsf}#${repetition}.sca")
    vec = expand(run.option("output-vector-file") or "${resultdir}/${configname}-${iterationvarsf}#${repetition}.vec")
    return sca, vec


def _int_option(run: RunConfig, key: str, default: int) -> int:
    e = run.options.get(key)
    if e is None:
        return default
    try:
        return int(e.value)
    except ValueError:
        raise IniError(f"{key} must be an integer, got {e.value!r}", e.file, e.line) from None


def _check_rng_class(run: RunConfig) -> None:
    """The embedded engine's RNG is OMNeT++'s default Mersenne Twister; another class would give
    other numbers than opp_run, so it is refused rather than ignored."""
    e = run.options.get("rng-class")
    if e is not None and e.value.strip().strip('"') not in ("cMersenneTwister", "omnetpp::cMersenneTwister"):
        raise IniError(f"rng-class = {e.value}: the embedded engine has only OMNeT++'s default, cMersenneTwister",
                       e.file, e.line)


def _explicit_seeds(run: RunConfig) -> list[tuple[int, int]]:
    """The `seed-k-mt = N` options: (k, N), N taken as OMNeT++'s 32-bit seed."""
    seeds = []
    for key in run.options:
        m = SEED_KEY.fullmatch(key)
        if m:
            value = _int_option(run, key, 0)
            seeds.append((int(m.group(1)), value & 0xFFFFFFFF))
    return seeds


def header_lines(run: RunConfig, network: str, result_dir: str, seed_set: int) -> tuple[str, list[str]]:
    """The run ID and the run header lines of both result files."""
    now = time.localtime()
    datetime = time.strftime("%Y%m%d-%H:%M:%S", now)
    pid = os.getpid()
    # opp_run's form plus a random tail: runs of one process within the same second
    # (a sweep, a training loop) must not share an ID, or readers would merge them
    run_id = f"{run.config}-{run.run_number}-{datetime}-{pid}-{os.urandom(3).hex()}"
    q = _quote
    lines = [f"run {run_id}"]
    attrs = {
        "configname": run.config, "datetime": datetime, "datetimef": time.strftime("%Y%m%d-%H%M%S", now),
        "experiment": run.option("experiment-label", run.config), "inifile": Path(run.ini_file).name,
        "iterationvars": run.iterationvars, "iterationvarsf": run.iterationvarsf,
        "measurement": run.option("measurement-label", run.iterationvars),
        "network": network, "processid": str(pid), "repetition": str(run.repetition),
        "replication": run.option("replication-label", f"#{run.repetition}"), "resultdir": result_dir,
        "runnumber": str(run.run_number), "seedset": str(seed_set),
    }
    lines += [f"attr {k} {q(v)}" for k, v in attrs.items()]
    lines += [f"itervar {k} {q(v)}" for k, v in run.iteration.items() if k != "repetition"]
    lines += [f"config {q(e.key)} {q(e.value)}" for e in run.entries]
    return run_id, lines


def _quote(s: str) -> str:
    if s and not any(c in s for c in ' \t"\\\n'):
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def select_run(ini: IniFile, config: str, run_number: int) -> RunConfig:
    runs = ini.runs(config)
    if not 0 <= run_number < len(runs):
        raise IniError(f"run number {run_number} out of range: config {config} has {len(runs)} run(s) (0..{len(runs) - 1})",
                       ini.path)
    return runs[run_number]


def execute_run(
    ini_path: str | os.PathLike,
    config: str,
    run_number: int,
    nedpath: list[str | os.PathLike] | None = None,
    result_dir: str | None = None,
    sim_time_limit: str | None = None,
    progress: ProgressFn | None = None,
    progress_interval: float = 1.0,
    overrides: Sequence[str] = (),
) -> RunResult:
    """Builds and runs one run of `config`, writing its result files; returns what it did.

    `overrides` are "key=value" settings that win over the ini file (opp_run's ``--key=value``).
    """
    ini = IniFile(ini_path, overrides)
    run = select_run(ini, config, run_number)
    types = NedTypes()
    types.load_path(nedpath if nedpath is not None else default_nedpath(ini_path))
    network_entry = run.options.get("network")
    if network_entry is None:
        section = ini.sections.get(config) or ini.sections.get("General")
        where = (section.file, section.line or None) if section and section.file else (ini.path, None)
        raise IniError(f"config {config} does not name a network (set 'network = ...')", *where)
    try:  # a network no NED file defines is the ini line's error
        types.resolve_network(network_entry.value, Path(ini_path).parent)
    except NedError as e:
        raise IniError(f"network '{network_entry.value}': {e.message}", network_entry.file, network_entry.line) from None
    core = load_core()
    sim = core.Simulation()
    seed_set = _int_option(run, "seed-set", run.run_number)
    _check_rng_class(run)
    sim.setup_rngs(seed_set, _int_option(run, "num-rngs", 1), _explicit_seeds(run))
    fingerprints = fingerprint_spec(run)
    sim.set_fingerprint_ingredients(fingerprints.ingredients)
    builder = NetworkBuilder(sim, types, run)
    builder.build(network_entry.value)
    # the options are checked before the result folder is made: a run refused for bad input leaves nothing
    limit = parse_time(sim_time_limit) if sim_time_limit else _time_option(run, "sim-time-limit")
    cpu_limit = _time_option(run, "cpu-time-limit")
    warmup = _time_option(run, "warmup-period")
    if warmup is not None and warmup < 0:
        e = run.options["warmup-period"]
        raise IniError(f"warmup-period must not be negative, got {e.value}", e.file, e.line)
    # a warm-up at or past the time limit is allowed, as opp_run allows it: the run records no statistics
    rdir = result_dir or run.option("result-dir", "results")
    sca, vec = result_paths(run, rdir)
    sca.parent.mkdir(parents=True, exist_ok=True)
    vec.parent.mkdir(parents=True, exist_ok=True)
    _, header = header_lines(run, network_entry.value, rdir, seed_set)
    sim.open_results(str(sca), str(vec), header)
    if warmup is not None:
        sim.set_warmup_period(warmup)
    report = sim.run(sim_time_limit=limit, cpu_time_limit=cpu_limit, progress=progress, progress_interval=progress_interval,
                     scalar_filter=builder.scalar_wanted)
    return RunResult(config, run_number, sca, vec, report["events"], report["sim_time"], report["elapsed_seconds"],
                     report["reason"], report["fingerprint"], check_fingerprint(fingerprints, report["fingerprint"]),
                     unused_entries=builder.unused_entries())
