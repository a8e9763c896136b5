"""Smart-city scenario on the embedded kernel: events/s and peak memory for 50-200 devices.

    python benchmarks/bench_smartcity.py            # single-hop, config Nodes
    python benchmarks/bench_smartcity.py --routing  # multi-hop, config Routing

Each run is a fresh process (so peak RSS belongs to that run), first repetition:
60 s of simulated time for Nodes, 30 s for Routing, whose table compares the
built-in next-hop policy with the same policy and seed 003's as Python hooks.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

INI = Path(__file__).resolve().parent.parent / "omnetpp_models" / "scenarios" / "smartcity" / "omnetpp.ini"


def run(config: str, run_number: int, overrides: tuple[str, ...] = ()) -> tuple[int, float, float, float]:
    with tempfile.TemporaryDirectory() as d:
        code = textwrap.dedent(f"""
            import resource, time
            from qcity.sim.runner import execute_run
            t = time.perf_counter()
            r = execute_run({str(INI)!r}, {config!r}, {run_number}, result_dir={d!r}, overrides={list(overrides)!r})
            wall = time.perf_counter() - t
            print(r.events, r.elapsed_seconds, wall, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        """)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), float(out[1]), float(out[2]), float(out[3])


def single_hop() -> None:
    print("| devices | events | event loop (s) | events/s | whole run (s) | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|")
    for k, devices in enumerate((50, 100, 150, 200)):
        events, loop, wall, rss = run("Nodes", 3 * k)  # run numbers 0, 3, 6, 9: repetition 0 of each size
        print(f"| {devices} | {events:,} | {loop:.2f} | {events / loop / 1e6:.2f} M | {wall:.2f} | {rss:.0f} |")


def multi_hop() -> None:
    builtin = ('**.device[*].net.routingHook=""',)
    print("| devices | policy | events | event loop (s) | events/s | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|")
    for k, devices in enumerate((50, 100, 150, 200)):
        # Routing runs 6k (shortest_path) and 6k + 4 (energy_aware), repetition 0
        for label, number, extra in (("built-in (C++)", 6 * k, builtin), ("shortest_path hook", 6 * k, ()),
                                     ("energy_aware hook", 6 * k + 4, ())):
            events, loop, _, rss = run("Routing", number, extra)
            print(f"| {devices} | {label} | {events:,} | {loop:.2f} | {events / loop / 1e6:.2f} M | {rss:.0f} |")


def main() -> None:
    multi_hop() if "--routing" in sys.argv[1:] else single_hop()


if __name__ == "__main__":
    main()
