"""Smart-city scenario on the embedded kernel: events/s and peak memory for 50-200 devices.

    python benchmarks/bench_smartcity.py

Each size runs in a fresh process (so peak RSS belongs to that run), for 60 s of
simulated time of scenarios/smartcity (config Nodes, first repetition).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

INI = Path(__file__).resolve().parent.parent / "omnetpp_models" / "scenarios" / "smartcity" / "omnetpp.ini"


def run(devices: int, run_number: int) -> tuple[int, float, float, float]:
    with tempfile.TemporaryDirectory() as d:
        code = textwrap.dedent(f"""
            import resource, time
            from qcity.sim.runner import execute_run
            t = time.perf_counter()
            r = execute_run({str(INI)!r}, "Nodes", {run_number}, result_dir={d!r})
            wall = time.perf_counter() - t
            print(r.events, r.elapsed_seconds, wall, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        """)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), float(out[1]), float(out[2]), float(out[3])


def main() -> None:
    print("| devices | events | event loop (s) | events/s | whole run (s) | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|")
    for k, devices in enumerate((50, 100, 150, 200)):
        events, loop, wall, rss = run(devices, 3 * k)  # run numbers 0, 3, 6, 9: repetition 0 of each size
        print(f"| {devices} | {events:,} | {loop:.2f} | {events / loop / 1e6:.2f} M | {wall:.2f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
