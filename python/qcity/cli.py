"""The `qcity` command: run, query and sweep simulations; flags mirror opp_run's."""

from __future__ import annotations

import argparse
import math
import os
import re
import sys

from .errors import QcityError
from .kms import cli as kms_cli


def parse_run_filter(text: str, numruns: int) -> list[int]:
    """opp_run's -r syntax: '3', '0,2,5', '2..4', '..3', '5..' (ranges inclusive)."""
    out: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        m = re.fullmatch(r"(\d*)\s*\.\.\s*(\d*)", part)
        if m:
            lo = int(m.group(1)) if m.group(1) else 0
            hi = int(m.group(2)) if m.group(2) else numruns - 1
            out.extend(range(lo, hi + 1))
        elif part.isdigit():
            out.append(int(part))
        else:
            raise QcityError(f"bad run filter {part!r}: use numbers and ranges like 0,2,5..7")
    for n in out:
        if not 0 <= n < numruns:
            raise QcityError(f"run number {n} out of range: the config has {numruns} run(s) (0..{numruns - 1})")
    return out


class _Progress:
    """One status line on a terminal (simulated-time share, events/s); silent otherwise."""

    def __init__(self, limit: float | None, label: str, stream=sys.stderr):
        self.limit = limit
        self.label = label
        self.stream = stream
        self.enabled = stream.isatty()
        self.shown = False

    def __call__(self, events: int, sim_time: float, elapsed: float) -> None:
        if not self.enabled:
            return
        rate = events / elapsed if elapsed > 0 else 0.0
        share = f"{100 * sim_time / self.limit:5.1f}% " if self.limit else ""
        self.stream.write(f"\r{self.label}: {share}t={sim_time:.6g}s  {events:,} events  {rate / 1e6:.2f} Mev/s   ")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\n")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("inifile", help="the omnetpp.ini to run")
    p.add_argument("-c", "--config", default="General", help="configuration name (default: General)")
    p.add_argument("-r", "--runs", help="runs to do: 0,2,5..7 (default: all for sweep, 0 for run)")
    p.add_argument("-n", "--ned-path", help="NED source folders, separated by ':' (default: qcity's models + the ini's folder)")
    p.add_argument("--result-dir", help="overrides result-dir")
    p.add_argument("--sim-time-limit", help="overrides sim-time-limit, e.g. 100s")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks")


def _nedpath(args) -> list[str] | None:
    return args.ned_path.split(":") if args.ned_path else None


def _cmd_run(args) -> int:
    from .sim.ini import IniFile
    from .sim.runner import execute_run, parse_time

    ini = IniFile(args.inifile, args.overrides)
    runs = ini.runs(args.config)
    if args.query:  # opp_run's -q output, without its banner
        selected = parse_run_filter(args.runs, len(runs)) if args.runs else range(len(runs))
        print(f"Config: {args.config}")
        print(f"Number of runs: {len(runs)}")
        if args.runs:
            print(f"Number of runs selected: {len(selected)}")
        if args.query == "runs":
            print()
            for n in selected:
                r = runs[n]
                desc = ", ".join([s for s in (r.iterationvars, f"$repetition={r.repetition}") if s])
                print(f"Run {n}: {desc}")
        return 0
    numbers = parse_run_filter(args.runs, len(runs)) if args.runs else [0]
    for n in numbers:
        limit = (parse_time(args.sim_time_limit) if args.sim_time_limit  # an ini value's errors name its file:line
                 else parse_time(runs[n].options["sim-time-limit"].value, runs[n].options["sim-time-limit"])
                 if "sim-time-limit" in runs[n].options else None)
        progress = _Progress(limit, f"{args.config} #{n}")
        try:
            result = execute_run(args.inifile, args.config, n, nedpath=_nedpath(args), result_dir=args.result_dir,
                                 sim_time_limit=args.sim_time_limit, progress=progress, overrides=args.overrides)
        finally:
            progress.done()
        for e in result.unused_entries:
            print(f"{e.file}:{e.line}: warning: '{e.key}' matched no parameter", file=sys.stderr)
        rate = result.events / result.elapsed_seconds if result.elapsed_seconds > 0 else 0
        print(f"Run {n} of {args.config}: {result.reason} at t={result.sim_time}s, {result.events:,} events "
              f"in {result.elapsed_seconds:.3f}s ({rate / 1e6:.2f} Mev/s)")
        print(f"  fingerprint: {result.fingerprint}")
        if result.fingerprint_check:
            print(f"  {result.fingerprint_check}")
        print(f"  scalars: {result.sca_path}")
        if result.vec_path.exists():
            print(f"  vectors: {result.vec_path}")
    return 0


def _cmd_sweep(args) -> int:
    from .sim.ini import IniFile
    from .sim.sweep import sweep

    ini = IniFile(args.inifile, args.overrides)
    total = len(ini.runs(args.config))
    numbers = parse_run_filter(args.runs, total) if args.runs else None

    def report(r) -> None:
        state = "skipped (results exist)" if r.skipped else f"{r.reason} at t={r.sim_time}s, {r.events:,} events"
        print(f"Run {r.run_number}: {state}", flush=True)

    results = sweep(args.inifile, args.config, numbers, nedpath=_nedpath(args), result_dir=args.result_dir,
                    sim_time_limit=args.sim_time_limit, jobs=args.jobs, dask_address=args.dask, force=args.force,
                    on_done=report, overrides=args.overrides)
    done = sum(not r.skipped for r in results)
    print(f"{done} run(s) done, {len(results) - done} skipped")
    return 0


def _positive_pulses(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of pulses") from None
    if not (value >= 1 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"a block needs at least one pulse, got {text}")
    return value


def _cmd_keyrate(args) -> int:
    import numpy as np

    from .quantum.keyrate import LinkParameters
    from .reports.keyrate import (
        finite_frame,
        format_finite_table,
        format_table,
        plot,
        simulated_points,
        theory_frame,
    )

    params = LinkParameters(alpha_db_per_km=args.fibre_loss, eta_bob=args.eta_bob, y0=args.y0, e_detector=args.misalignment,
                            f_ec=args.f_ec)
    distances = np.arange(args.start, args.stop + 1e-9, args.step)
    theory = theory_frame(distances, params, nu=args.nu)
    print(format_table(theory))
    if args.block is not None:
        print()
        print(format_finite_table(finite_frame(distances, args.block, params), args.block))
    if args.plot:
        sim = simulated_points(args.results) if args.results else None
        print(f"figure: {plot(theory, args.plot, sim)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qcity", description="qcity: quantum-secured smart-city IoT simulation")
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="run simulations on the embedded engine (like opp_run)", allow_abbrev=False,
                           epilog="Any ini setting can be given as --key=value; it wins over the ini file.")
    _common(p_run)
    p_run.add_argument("-q", "--query", choices=["numruns", "runs"], help="print the runs instead of running them")
    p_run.set_defaults(func=_cmd_run)
    p_sweep = sub.add_parser("sweep", help="run all runs of a config in parallel; completed runs are skipped",
                             allow_abbrev=False, epilog="Any ini setting can be given as --key=value; it wins over the ini file.")
    _common(p_sweep)
    p_sweep.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="parallel jobs (default: all cores)")
    p_sweep.add_argument("--dask", metavar="ADDRESS", help="run on a Dask distributed scheduler (needs qcity[dask])")
    p_sweep.add_argument("--force", action="store_true", help="rerun runs whose results already exist")
    p_sweep.set_defaults(func=_cmd_sweep)
    p_kr = sub.add_parser("keyrate", help="decoy-BB84 key rate vs distance (table, optional plot)")
    p_kr.add_argument("--start", type=float, default=0, help="first distance in km (default 0)")
    p_kr.add_argument("--stop", type=float, default=150, help="last distance in km (default 150)")
    p_kr.add_argument("--step", type=float, default=10, help="distance step in km (default 10)")
    p_kr.add_argument("--fibre-loss", type=float, default=0.21, help="dB/km (default 0.21)")
    p_kr.add_argument("--eta-bob", type=float, default=0.045, help="Bob's detection efficiency (default 0.045)")
    p_kr.add_argument("--y0", type=float, default=1.7e-6, help="background yield per pulse (default 1.7e-6)")
    p_kr.add_argument("--misalignment", type=float, default=0.033, help="e_d (default 0.033)")
    p_kr.add_argument("--f-ec", type=float, default=1.22, help="error-correction inefficiency (default 1.22)")
    p_kr.add_argument("--nu", type=float, default=0.05, help="weak decoy intensity (default 0.05)")
    p_kr.add_argument("--block", type=_positive_pulses, metavar="N",
                      help="also the finite-key rate of blocks of N pulses (Lim et al. 2014), beside the asymptotic rate")
    p_kr.add_argument("--plot", metavar="FILE", help="also draw the curves into FILE")
    p_kr.add_argument("--results", metavar="DIR", help="add simulated QkdLink points from these result files")
    p_kr.add_argument("--debug", action="store_true", help="show Python tracebacks")
    p_kr.set_defaults(func=_cmd_keyrate)
    p_rp = sub.add_parser("reproduce", help="every result of the seed papers from its runs, ours beside theirs: "
                          "REPORT.md and index.html", allow_abbrev=False)
    p_rp.add_argument("artefacts", nargs="*", metavar="ARTEFACT",
                      help="artefact keys or prefixes, e.g. 001-fig4 or 003 (default: all; see --list)")
    p_rp.add_argument("--quick", action="store_true", help="one repetition and shorter runs: checks the pipeline "
                      "in a few minutes (its numbers are not the comparison)")
    p_rp.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: all cores)")
    p_rp.add_argument("--out", default="reproduce", help="output folder (default: reproduce); runs already in it are reused")
    p_rp.add_argument("--data", metavar="DIR", help="folder of the public dataset files (TON_IoT, Bot-IoT, "
                      "Edge-IIoTset) for seed 002's detection rate; without it those rows say why they are missing")
    p_rp.add_argument("--list", action="store_true", help="name every artefact and what it runs, then stop")
    p_rp.add_argument("--debug", action="store_true", help="show Python tracebacks")
    p_rp.set_defaults(func=_cmd_reproduce)
    p_qp = sub.add_parser("quisp-profile", help="turn QuISP link tomography output into a link profile for QkdLink")
    p_qp.add_argument("output", nargs="+", help="QuISP's tomography output files (its tomography_output_filename; "
                                                "one per run: the records of all are averaged)")
    p_qp.add_argument("--link", metavar="A,B", help="the link's two node names, e.g. EndNode1[0],Repeater1[0] "
                                                    "(needed when the file has several links)")
    p_qp.add_argument("--distance", type=float, metavar="KM", help="the link's length in km, when it is not the "
                      "distance QuISP writes (the node's adjacent channel: half the link when a Bell-state analyser "
                      "sits half-way)")
    p_qp.add_argument("-o", "--out", metavar="FILE", help="write the profile JSON here (default: standard output)")
    p_qp.add_argument("--debug", action="store_true", help="show Python tracebacks")
    p_qp.set_defaults(func=_cmd_quisp_profile)
    p_sy = sub.add_parser("synth", help="draw schema-faithful synthetic IDS records fitted on a sample (qcity.ids.data.synthetic)")
    p_sy.add_argument("schema", choices=sorted(_SYNTH_SOURCES), help="bot-iot / ton-iot-telemetry: fitted on a "
                      "dataset file of that schema; flows-bot-iot: fitted on FlowTap logs, written in Bot-IoT's columns")
    p_sy.add_argument("source", nargs="+", help="the sample file (for flows-bot-iot: flow logs or their folder)")
    p_sy.add_argument("-n", "--rows", type=int, required=True, help="number of rows to draw")
    p_sy.add_argument("-o", "--out", required=True, help="file to write")
    p_sy.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p_sy.add_argument("--share", action="append", default=[], metavar="CLASS=SHARE",
                      help="class shares instead of the sample's (repeatable; normalised; classes not named get none)")
    p_sy.add_argument("--debug", action="store_true", help="show Python tracebacks")
    p_sy.set_defaults(func=_cmd_synth)
    p_ds = sub.add_parser("dataset", help="read IDS dataset files (TON_IoT, Bot-IoT, Edge-IIoTset in any published "
                          "layout): the layout found, rows, rows that fit, and the values that do not")
    p_ds.add_argument("files", nargs="+", help="dataset files (the loader is chosen by each file's header)")
    p_ds.add_argument("--issues", type=int, default=5, metavar="N", help="list the first N values that do not fit "
                      "(default 5)")
    p_ds.add_argument("--debug", action="store_true", help="show Python tracebacks")
    p_ds.set_defaults(func=_cmd_dataset)
    kms_cli.add_parser(sub)
    return parser


def _cmd_reproduce(args) -> int:
    from .reports.reproduce import describe, reproduce

    try:
        if args.list:
            print(describe(args.artefacts, args.quick))
            return 0
        if args.jobs < 1:
            raise QcityError(f"-j takes a number of workers of at least 1, got {args.jobs}")
        if args.data and not os.path.isdir(args.data):
            raise QcityError(f"--data {args.data}: no such folder (it should hold the public dataset files)")
        return reproduce(args.artefacts, args.out, args.quick, args.jobs, args.data)
    except KeyError as e:
        raise QcityError(e.args[0]) from None
    except PermissionError as e:
        raise QcityError(f"cannot write the output: {e}") from None


_SYNTH_SOURCES = {"bot-iot", "ton-iot-telemetry", "flows-bot-iot"}


def _parse_shares(items: list[str]) -> dict[str, float] | None:
    shares = {}
    for item in items:
        name, sep, value = item.rpartition("=")
        try:
            shares[name] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name:
            raise QcityError(f"--share takes CLASS=SHARE, got {item!r}")
    return shares or None


def _cmd_dataset(args) -> int:
    from .ids.data.datasets import load_dataset

    for name in args.files:
        data = load_dataset(name)
        fitting = int(data.frame["schema_ok"].sum())
        classes = ", ".join(f"{k} {v}" for k, v in data.frame[data.category].value_counts().items())
        print(f"{name}: {data.layout}; {len(data.frame)} rows, {fitting} fit the schema; {data.category}: {classes}")
        for column, count in data.issues.groupby("column").size().items():
            print(f"  {count} value(s) in {column} do not fit")
        for line, column, problem in data.issues.head(args.issues).itertuples(index=False):
            print(f"  {name}:{line}: {column}: {problem}")
    return 0


def _cmd_synth(args) -> int:
    from pathlib import Path

    from .ids.data import synthetic
    from .ids.data.datasets import load_bot_iot, load_ton_iot_telemetry

    shares = _parse_shares(args.share)
    if args.schema == "flows-bot-iot":
        from .ids.flow.records import read_flow_logs, to_bot_iot

        files = [f for p in map(Path, args.source) for f in (sorted(p.glob("*.csv")) if p.is_dir() else [p])]
        model = synthetic.bot_iot_model(to_bot_iot(read_flow_logs(files)))
    elif len(args.source) != 1:
        raise QcityError(f"{args.schema} is fitted on one sample file, got {len(args.source)}")
    elif args.schema == "bot-iot":
        model = synthetic.bot_iot_model(load_bot_iot(args.source[0]))
    else:
        model = synthetic.ton_iot_telemetry_model(load_ton_iot_telemetry(args.source[0]))
    if args.schema == "ton-iot-telemetry":
        path = synthetic.write_ton_iot_telemetry(synthetic.ton_iot_telemetry_frame(model, args.rows, args.seed, shares),
                                                 args.out)
    else:
        path = synthetic.write_bot_iot(synthetic.bot_iot_frame(model, args.rows, args.seed, shares), args.out)
    print(f"{args.rows} rows: {path}", file=sys.stderr)
    return 0


def _cmd_quisp_profile(args) -> int:
    import json
    from dataclasses import asdict

    from .quantum.quisp import link_profile_from_quisp, write_link_profile

    link = None
    if args.link:
        parts = [x.strip() for x in args.link.split(",")]
        if len(parts) != 2 or not all(parts):
            raise QcityError(f"--link takes two node names separated by a comma, got {args.link!r}")
        link = (parts[0], parts[1])
    summary = link_profile_from_quisp(args.output, link, args.distance)
    p = summary.profile
    for note in summary.notes:
        print(f"note: {note}", file=sys.stderr)
    spread = ", ".join(f"{k} {v:.3g}" for k, v in summary.spread.items())
    print(f"{' <--> '.join(summary.link)}: {summary.records} record(s) averaged; standard deviation: {spread}; "
          f"QBER_Z = X + Y = {p.qber_z:.4f}, QBER_X = Z + Y = {p.qber_x:.4f}", file=sys.stderr)
    if args.out:
        write_link_profile(p, args.out)
        print(f"link profile: {args.out}", file=sys.stderr)
    else:
        print(json.dumps(asdict(p), indent=2))
    return 0


def _split_overrides(parser: argparse.ArgumentParser, args, extra: list[str]) -> None:
    """opp_run's ``--key=value`` settings (any ini key, e.g. ``--**.net.routingHook="m:f"``)."""
    args.overrides = []
    for item in extra:
        if not (item.startswith("--") and "=" in item and args.command in ("run", "sweep")):
            parser.error(f"unrecognized arguments: {item}")
        args.overrides.append(item[2:])


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    _split_overrides(parser, args, extra)
    try:
        return args.func(args)
    except QcityError as e:
        if args.debug:
            raise
        print(f"qcity: error: {e}", file=sys.stderr)
        return 1
    except RuntimeError as e:
        # simulation errors from the kernel (qcity._core.SimulationError) carry module path and time
        if args.debug or type(e).__name__ != "SimulationError":
            raise
        print(f"qcity: simulation error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("qcity: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _closed_pipe()


def _closed_pipe() -> int:
    """Output piped into head and the like was closed: stop quietly (and let Python's exit flush go nowhere)."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1


def run_script(main_function) -> int:
    """Runs an analysis script's ``main()`` the way the qcity command runs: quiet when its output pipe closes."""
    try:
        return main_function()
    except BrokenPipeError:
        return _closed_pipe()


if __name__ == "__main__":
    sys.exit(main())


