"""Ring benchmark: qcity's embedded kernel vs a SimPy model of the same ring.

N nodes in a ring, one token per node, each hop a 1 ms link delay; an event is a
token arriving at a node. Reports events/s for qcity (event loop only, and whole
run including network setup and result writing) and for SimPy in the same
process, plus qcity's peak memory at two event counts (flat = no growth).

    python benchmarks/bench_ring.py [--nodes 100] [--sim-time 1000]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

NED = """
package bench;
import qcity.examples.RingNode;
network BenchRing {
    parameters:
        int n;
    submodules:
        node[n]: RingNode;
    connections:
        for i=0..n-1 { node[i].out --> {delay = 1ms;} --> node[(i+1) % n].in; }
}
"""


def write_scenario(folder: Path, nodes: int, statistics: bool) -> Path:
    (folder / "BenchRing.ned").write_text(NED)
    ini = folder / "omnetpp.ini"
    ini.write_text(textwrap.dedent(f"""
        [General]
        network = BenchRing
        BenchRing.n = {nodes}
        **.tokens = 1
        **.holdTime = 0s
        **.scalar-recording = {"true" if statistics else "false"}
        **.vector-recording = false
        result-dir = {folder / "results"}
    """))
    return ini


def run_qcity(nodes: int, sim_time: float, statistics: bool) -> dict:
    from qcity.sim.runner import execute_run

    with tempfile.TemporaryDirectory() as d:
        ini = write_scenario(Path(d), nodes, statistics)
        t0 = time.perf_counter()
        r = execute_run(ini, "General", 0, sim_time_limit=f"{sim_time}s")
        wall = time.perf_counter() - t0
    return {"events": r.events, "loop_s": r.elapsed_seconds, "wall_s": wall,
            "loop_ev_per_s": r.events / r.elapsed_seconds, "wall_ev_per_s": r.events / wall}


def run_simpy(nodes: int, sim_time: float) -> dict:
    import simpy

    env = simpy.Environment()
    delay = 0.001
    count = [0]
    callbacks = []

    # Event callbacks rather than processes: the fastest way to write this ring in SimPy.
    def make(i):
        nxt = (i + 1) % nodes

        def arrive(_event):
            count[0] += 1
            env.timeout(delay).callbacks.append(callbacks[nxt])

        return arrive

    callbacks.extend(make(i) for i in range(nodes))
    for i in range(nodes):
        env.timeout(delay).callbacks.append(callbacks[(i + 1) % nodes])
    t0 = time.perf_counter()
    env.run(until=sim_time + 1e-9)
    wall = time.perf_counter() - t0
    return {"events": count[0], "wall_s": wall, "ev_per_s": count[0] / wall}


def peak_memory(nodes: int, sim_time: float) -> float:
    """Peak RSS (MiB) of a fresh process running the ring: compare two event counts."""
    code = textwrap.dedent(f"""
        import resource, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from bench_ring import run_qcity
        r = run_qcity({nodes}, {sim_time}, True)
        print(r["events"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), float(out[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=100)
    ap.add_argument("--sim-time", type=float, default=1000.0)
    ap.add_argument("--simpy-sim-time", type=float, default=20.0, help="SimPy is slower: a shorter run gives a stable rate")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    res = {
        "machine": f"{platform.processor() or platform.machine()}, {platform.system()} {platform.release()}, Python {platform.python_version()}",
        "qcity_no_stats": run_qcity(args.nodes, args.sim_time, False),
        "qcity_stats": run_qcity(args.nodes, args.sim_time, True),
        "simpy": run_simpy(args.nodes, args.simpy_sim_time),
        "memory": [peak_memory(args.nodes, t) for t in (args.sim_time / 10, args.sim_time)],
    }
    if args.json:
        print(json.dumps(res, indent=2))
        return
    q0, q1, s = res["qcity_no_stats"], res["qcity_stats"], res["simpy"]
    print(f"ring of {args.nodes} nodes, 1 token each, 1 ms links ({res['machine']})")
    print("| engine | events | events/s (event loop) | events/s (whole run) | vs SimPy |")
    print("|---|---|---|---|---|")
    print(f"| qcity, no statistics | {q0['events']:,} | {q0['loop_ev_per_s'] / 1e6:.2f} M | {q0['wall_ev_per_s'] / 1e6:.2f} M | "
          f"{q0['loop_ev_per_s'] / s['ev_per_s']:.0f}x |")
    print(f"| qcity, 2 statistics per node | {q1['events']:,} | {q1['loop_ev_per_s'] / 1e6:.2f} M | "
          f"{q1['wall_ev_per_s'] / 1e6:.2f} M | {q1['loop_ev_per_s'] / s['ev_per_s']:.0f}x |")
    print(f"| SimPy {__import__('simpy').__version__} (callbacks) | {s['events']:,} | {s['ev_per_s'] / 1e6:.2f} M | "
          f"{s['ev_per_s'] / 1e6:.2f} M | 1x |")
    (e1, m1), (e2, m2) = res["memory"]
    print(f"\npeak RSS: {m1:.1f} MiB at {e1:,} events, {m2:.1f} MiB at {e2:,} events")


if __name__ == "__main__":
    main()
