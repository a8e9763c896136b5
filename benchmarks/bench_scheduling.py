"""Scheduling: fitness-evaluation speed (issue 9's target: 100k evaluations of a
512-task x 16-machine instance in under 10 s) and quality vs CP-SAT / LP bounds.

    python benchmarks/bench_scheduling.py
"""

from __future__ import annotations

import time

import numpy as np

from qcity.scheduling.compare import ABLATIONS, METAHEURISTICS, compare
from qcity.scheduling.instance import braun_instance
from qcity.scheduling.objectives import FuzzyObjective


def main() -> None:
    inst = braun_instance(512, 16, seed=7)
    fo = FuzzyObjective.for_instance(inst)
    rng = np.random.default_rng(0)
    pop = rng.integers(0, 16, size=(100, 512))
    t = time.perf_counter()
    for _ in range(1000):  # 1000 populations of 100 = 100,000 evaluations
        fo.fitness(inst, pop)
    dt = time.perf_counter() - t
    print(f"fuzzy fitness, 512 x 16, batches of 100: 100,000 evaluations in {dt:.2f} s ({1e5 / dt / 1e3:.0f} k/s)")
    t = time.perf_counter()
    for _ in range(2000):  # one at a time, as the greedy local adjustment evaluates
        fo.fitness(inst, pop[:1])
    print(f"single evaluations: {(time.perf_counter() - t) / 2000 * 1e6:.0f} us each")
    algorithms = {**METAHEURISTICS, **ABLATIONS}
    c = compare(braun_instance(128, 8, seed=1), evaluations=20_000, seeds=30, cpsat_seconds=10, algorithms=algorithms)
    print("\n128 tasks x 8 machines (inconsistent, high/high heterogeneity), 20,000 evaluations, 30 seeds")
    print(c.table().round(4).to_markdown())


if __name__ == "__main__":
    main()
