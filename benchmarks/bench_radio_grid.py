"""The radio medium's receiver search: "exhaustive" (every radio) against "grid" (the cells of the
sender's channel within its reach), on smart cities of growing size at the default density (100
devices and 10 gateways per 500 m x 500 m), with "hashed" shadowing so both searches give the same
run. Each run is a fresh process: wall time, events/s and peak memory, and the fingerprint, which
must be the same for both searches.

    python benchmarks/bench_radio_grid.py [--devices 1000 4000] [--sim-time 2s]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
from pathlib import Path

INI = Path(__file__).resolve().parent.parent / "omnetpp_models" / "scenarios" / "smartcity" / "omnetpp.ini"

ONE_RUN = """
import json, resource, sys, time
from qcity.sim.runner import execute_run
devices, gateways, area, search, limit, out = sys.argv[1:]
start = time.perf_counter()
r = execute_run({ini!r}, "SmartCity", 0, result_dir=out, sim_time_limit=limit,
                overrides=[f"SmartCity.numDevices={{devices}}", f"SmartCity.numGateways={{gateways}}",
                           f"SmartCity.areaSize={{area}}m", '**.radioMedium.shadowing="hashed"',
                           f'**.radioMedium.neighbourSearch="{{search}}"'])
wall = time.perf_counter() - start
print(json.dumps({{"events": r.events, "wall_s": wall, "fingerprint": r.fingerprint,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run(devices: int, search: str, sim_time: str, out: Path) -> dict:
    gateways = max(1, round(devices / 10))
    area = 500 * math.sqrt(devices / 100)  # the default city's density
    code = ONE_RUN.format(ini=str(INI))
    r = subprocess.run([sys.executable, "-c", code, str(devices), str(gateways), f"{area:.0f}", search, sim_time,
                        str(out / f"{devices}-{search}")], capture_output=True, text=True, check=True)
    return {"devices": devices, "gateways": gateways, "area_m": round(area), "search": search,
            **json.loads(r.stdout.strip().splitlines()[-1])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devices", type=int, nargs="+", default=[1000, 4000])
    ap.add_argument("--sim-time", default="2s")
    ap.add_argument("--out", type=Path, default=Path("bench-radio-grid"))
    args = ap.parse_args()
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"SmartCity, {args.sim_time} simulated, hashed shadowing")
    print("| devices | gateways | area | search | events | wall | events/s | peak memory | fingerprint |")
    print("|---:|---:|---:|---|---:|---:|---:|---:|---|")
    for devices in args.devices:
        rows = [run(devices, search, args.sim_time, args.out) for search in ("exhaustive", "grid")]
        if rows[0]["fingerprint"] != rows[1]["fingerprint"] or rows[0]["events"] != rows[1]["events"]:
            sys.exit(f"{devices} devices: the two searches gave different runs: {rows}")
        for r in rows:
            print(f"| {r['devices']} | {r['gateways']} | {r['area_m']} m | {r['search']} | {r['events']:,} | "
                  f"{r['wall_s']:.1f} s | {r['events'] / r['wall_s'] / 1e3:.0f} k | {r['peak_mb']:.0f} MB | "
                  f"{r['fingerprint']} |", flush=True)
        print(f"| | | | grid / exhaustive | | {rows[1]['wall_s'] / rows[0]['wall_s']:.2f}x wall | | | |", flush=True)


if __name__ == "__main__":
    main()
