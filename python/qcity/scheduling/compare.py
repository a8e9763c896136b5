"""Fair comparison of schedulers: same fitness, same evaluation budget, same seeds, same start.

Every metaheuristic minimises the same objective (MF-MBO's fuzzy fitness by default, or the
makespan, the energy or the imbalance alone) with the same number of evaluations (MF-MBO's
local-search candidates charged as qcity.scheduling.localsearch explains), from a first
population holding the Min-Min schedule, for `seeds` independent runs per instance.
Reported per algorithm: mean and standard deviation of the objective, makespan, load
balance and energy; the makespan gap to CP-SAT's proven lower bound; and a Wilcoxon
signed-rank test (paired by seed) of each algorithm against MF-MBO on the objective.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import wilcoxon

from .algorithms import ABLATIONS, METAHEURISTICS, max_min, min_min
from .bounds import cpsat_makespan
from .instance import Instance
from .objectives import Objective, evaluate

__all__ = ["ABLATIONS", "METAHEURISTICS", "Comparison", "compare"]


@dataclass
class Comparison:
    runs: pd.DataFrame  # one row per (algorithm, seed)
    curves: pd.DataFrame  # mean best fitness vs evaluations per algorithm
    bound: float  # CP-SAT's proven makespan lower bound
    cpsat_makespan: float

    def table(self) -> pd.DataFrame:
        g = self.runs.groupby("algorithm", sort=False)
        t = g.agg(fitness_mean=("fitness", "mean"), fitness_std=("fitness", "std"), makespan_mean=("makespan", "mean"),
                  makespan_std=("makespan", "std"), lbi_mean=("lbi", "mean"), energy_mean=("energy", "mean"),
                  cpu_s_mean=("cpu_s", "mean"))
        t["gap_to_bound_%"] = 100 * (t["makespan_mean"] / self.bound - 1)
        ref = self.runs[self.runs.algorithm == "MF-MBO"].set_index("seed")["fitness"]
        pvals = {}
        for name, grp in g:
            other = grp.set_index("seed")["fitness"].reindex(ref.index)
            if name == "MF-MBO" or other.isna().any() or np.allclose(other.values, ref.values):
                pvals[name] = np.nan
            else:
                pvals[name] = wilcoxon(ref.values, other.values).pvalue
        t["wilcoxon_p_vs_MF-MBO"] = pd.Series(pvals)
        return t


def compare(inst: Instance, evaluations: int = 20_000, seeds: int = 30, cpsat_seconds: float | None = 10.0,
            algorithms: dict | None = None, objective: str = "fuzzy") -> Comparison:
    """Runs Min-Min, Max-Min, every metaheuristic (x seeds) and CP-SAT on one instance.

    `algorithms` defaults to METAHEURISTICS; add ABLATIONS to see what each MF-MBO idea contributes.
    `objective` is one of qcity.scheduling.objectives.OBJECTIVES. ``cpsat_seconds=None`` gives CP-SAT
    the mean CPU time of the MF-MBO runs (or of all metaheuristic runs when MF-MBO is not among them).
    """
    fitness = Objective(inst, objective)

    start = min_min(inst)
    rows, curves = [], []
    for name, sched in (("Min-Min", start), ("Max-Min", max_min(inst))):
        rows.append({"algorithm": name, "seed": 0, "fitness": float(fitness(sched[None])[0]), **_metrics(inst, sched)})
    checkpoints = np.linspace(evaluations / 20, evaluations, 20)
    for name, algorithm in (algorithms or METAHEURISTICS).items():
        per_seed = []
        for seed in range(seeds):
            started = time.process_time()
            r = algorithm(inst, fitness, evaluations, seed=seed, initial=start)
            rows.append({"algorithm": name, "seed": seed, "fitness": r.fitness, "cpu_s": time.process_time() - started,
                         **_metrics(inst, r.assignment)})
            ev, best = zip(*r.history)
            per_seed.append(np.interp(checkpoints, ev, best))
        curves.append(pd.DataFrame({"algorithm": name, "evaluations": checkpoints, "best_fitness": np.mean(per_seed, axis=0)}))
    if cpsat_seconds is None:
        timed = pd.DataFrame(rows).dropna(subset=["cpu_s"])
        mf = timed[timed.algorithm == "MF-MBO"]
        cpsat_seconds = max(0.1, float((mf if len(mf) else timed)["cpu_s"].mean()))
    assign, ms, bound, _ = cpsat_makespan(inst, cpsat_seconds, hint=start)
    rows.append({"algorithm": "CP-SAT (makespan)", "seed": 0, "fitness": float(fitness(assign[None])[0]),
                 "cpu_s": cpsat_seconds, **_metrics(inst, assign)})
    return Comparison(pd.DataFrame(rows), pd.concat(curves, ignore_index=True), bound, ms)


def _metrics(inst: Instance, assign: np.ndarray) -> dict:
    e = evaluate(inst, assign)
    return {"makespan": float(e["makespan"]), "lbi": float(e["lbi"]), "energy": float(e["energy"])}
