"""Scheduling: fitness-evaluation speed (issue 9's target: 100k evaluations of a
512-task x 16-machine instance in under 10 s), the local search's candidate cost against
a full evaluation (what its 1/T charge assumes), and quality vs CP-SAT / LP bounds.

    python benchmarks/bench_scheduling.py
"""

from __future__ import annotations

import time

import numpy as np

from qcity.scheduling.algorithms import min_min
from qcity.scheduling.bounds import lp_machine_prices
from qcity.scheduling.compare import ABLATIONS, METAHEURISTICS, compare
from qcity.scheduling.instance import braun_instance
from qcity.scheduling.localsearch import LocalSearch
from qcity.scheduling.objectives import FuzzyObjective, Objective


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
    _candidate_cost(inst, fo)
    algorithms = {**METAHEURISTICS, **ABLATIONS}
    c = compare(braun_instance(128, 8, seed=1), evaluations=20_000, seeds=30, cpsat_seconds=10, algorithms=algorithms)
    print("\n128 tasks x 8 machines (inconsistent, high/high heterogeneity), 20,000 evaluations, 30 seeds")
    print(c.table().round(4).to_markdown())


class _Ledger:
    """An unlimited budget that adds up what the local search books on it."""

    left = float("inf")
    spent = 0.0

    def spend(self, cost: float) -> None:
        self.spent += cost


def _candidate_cost(inst, fo) -> None:
    """Evaluations the local search is charged per CPU second beside full evaluations per second, for the makespan
    and the fuzzy score: at equal rates a charged evaluation costs what a full one does; a lower local-search rate
    would mean its charge is too small."""
    pop = np.random.default_rng(1).integers(0, inst.machines, size=(100, inst.tasks))
    for name in ("makespan", "fuzzy"):
        objective = Objective(inst, name, fo if name == "fuzzy" else None)
        ledger = _Ledger()
        search = LocalSearch(inst, objective, lp_machine_prices(inst), np.random.default_rng(0), ledger,
                             makespan=name == "makespan")
        start = min_min(inst)
        t = time.process_time()
        search.iterate(start, float(objective(start[None])[0]), rounds=20)
        charged = ledger.spent / (time.process_time() - t)
        t = time.process_time()
        for _ in range(200):
            objective(pop)
        full = 20_000 / (time.process_time() - t)
        print(f"{name}: local search charged {charged / 1e3:.0f} k evaluations per CPU second, full evaluations "
              f"{full / 1e3:.0f} k/s (ratio {charged / full:.2f}; below 1: the charge is too small)")


if __name__ == "__main__":
    main()
