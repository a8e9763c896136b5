"""The same smart city on qcity's own access models (embedded engine, and opp_run with qcity's model
library) and on INET's 802.15.4 stack (opp_run with INET and qcity's INET library): wall time, events
and events/s, each command a fresh process, the three in turn for every repetition (A B C A B C ...)
so that drift of a shared machine hits them alike.

    python benchmarks/bench_inet.py --build build-omnetpp                # SmartCity, 100 devices, a reading every 100 ms
    python benchmarks/bench_inet.py --build build-omnetpp --interval 1s  # the same city at a reading a second

The build folder is a cmake build with -DQCITY_WITH_OMNETPP=ON -DQCITY_WITH_INET=ON (docs/inet.md);
OMNeT++'s opp_run must be on PATH (source its setenv).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qcity.sim import opprun

REPO = Path(__file__).resolve().parent.parent
SMARTCITY = REPO / "omnetpp_models" / "scenarios" / "smartcity" / "omnetpp.ini"
SMARTCITY_INET = REPO / "omnetpp_models_inet" / "scenarios" / "smartcity_inet" / "omnetpp.ini"


def timed(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and output of one run of `cmd`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} ... failed (exit {code}):\n{out[-3000:]}")
    return wall, usage.ru_maxrss / 1024, out


def events(output: str) -> int:
    """The event count a run printed: qcity's '<n> events in', opp_run's last 'event #<n>'."""
    m = re.search(r"([\d,]+) events in", output)
    if m:
        return int(m.group(1).replace(",", ""))
    found = re.findall(r"event #(\d+)", output)
    if not found:
        raise SystemExit(f"no event count in the output:\n{output[-2000:]}")
    return int(found[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="cmake build folder with libqcity and libqcity_inet")
    ap.add_argument("--devices", type=int, default=100)
    ap.add_argument("--interval", default="100ms", help="mean time between a device's readings")
    ap.add_argument("--sim-time", default="60s")
    ap.add_argument("-n", "--repetitions", type=int, default=3)
    args = ap.parse_args(argv)
    settings = [f"--**.app.sendInterval=exponential({args.interval})", f"--sim-time-limit={args.sim_time}"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    with tempfile.TemporaryDirectory(prefix="bench_inet_") as tmp:  # results are not kept
        walls, rss, counts = measure(args, settings, env, Path(tmp))
    print(f"SmartCity, {args.devices} devices, a reading every {args.interval}, {args.sim_time} simulated; "
          f"medians of {args.repetitions} runs each, in turn")
    print("| access models, engine | events | wall time (s) | events/s | peak RSS (MiB) | wall time vs INET |")
    print("|---|---|---|---|---|---|")
    inet_wall = statistics.median(walls["INET's 802.15.4 stack, opp_run"])
    for name in walls:
        wall = statistics.median(walls[name])
        print(f"| {name} | {counts[name]:,} | {wall:.2f} | {counts[name] / wall / 1e6:.2f} M | "
              f"{statistics.median(rss[name]):.0f} | {wall / inet_wall:.3f} |")
    return 0


def measure(args, settings: list[str], env: dict, out_dir: Path) -> tuple[dict, dict, dict]:
    """Wall times, peak RSS and event counts of the three commands, run in turn `args.repetitions` times."""
    with_qcity, with_inet = opprun.setup(args.build), opprun.setup(args.build, inet=True)
    commands = {
        "qcity's models, embedded engine": ([sys.executable, "-m", "qcity.cli", "run", str(SMARTCITY), "-c", "SmartCity",
                                             f"--SmartCity.numDevices={args.devices}", "--result-dir", str(out_dir / "a"),
                                             *settings], SMARTCITY.parent),
        "qcity's models, opp_run": (with_qcity.command(SMARTCITY, "SmartCity", f"--SmartCity.numDevices={args.devices}",
                                                       *settings, result_dir=out_dir / "b"), SMARTCITY.parent),
        "INET's 802.15.4 stack, opp_run": (with_inet.command(SMARTCITY_INET, "SmartCity", f"--SmartCityInet.numDevices={args.devices}",
                                                             *settings, result_dir=out_dir / "c"), SMARTCITY_INET.parent),
    }
    walls: dict[str, list[float]] = {k: [] for k in commands}
    rss: dict[str, list[float]] = {k: [] for k in commands}
    counts: dict[str, int] = {}
    for _ in range(args.repetitions):
        for name, (cmd, cwd) in commands.items():
            wall, peak, out = timed(cmd, cwd, env)
            walls[name].append(wall)
            rss[name].append(peak)
            counts[name] = events(out)
    return walls, rss, counts


if __name__ == "__main__":
    sys.exit(main())
