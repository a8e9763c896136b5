"""Scheduler hooks for the EdgeScheduler module (NED parameter schedulerHook), one per algorithm.

Each receives {"etc": tasks x servers seconds, "active_power": [...], "idle_power": [...],
"evaluations": budget, "seed": int, "ready": [s per server]} once per scheduling round and
returns the server of each task. :func:`lp_bound` is the module's ``boundHook``: a lower bound
on the round's makespan.
"""

from __future__ import annotations

import numpy as np

from .algorithms import METAHEURISTICS, max_min, min_min
from .bounds import lp_lower_bound
from .instance import Instance
from .objectives import FuzzyObjective, Objective


def _instance(args: dict) -> Instance:
    return Instance(np.asarray(args["etc"], dtype=float), np.asarray(args["active_power"], dtype=float),
                    np.asarray(args["idle_power"], dtype=float))


def _metaheuristic(name: str, args: dict) -> list[int]:
    inst = _instance(args)
    start = min_min(inst)
    if inst.tasks < 2 or inst.machines < 2:
        return start.tolist()
    fo = FuzzyObjective.for_instance(inst, samples=64)
    r = METAHEURISTICS[name](inst, Objective(inst, "fuzzy", fo), int(args["evaluations"]), int(args["seed"]),
                             initial=start)
    return r.assignment.tolist()


def min_min_hook(args: dict) -> list[int]:
    """Min-Min."""
    return min_min(_instance(args)).tolist()


def max_min_hook(args: dict) -> list[int]:
    """Max-Min."""
    return max_min(_instance(args)).tolist()


def ga(args: dict) -> list[int]:
    """Genetic algorithm on the fuzzy fitness."""
    return _metaheuristic("GA", args)


def pso(args: dict) -> list[int]:
    """Particle swarm on the fuzzy fitness."""
    return _metaheuristic("PSO", args)


def mbo(args: dict) -> list[int]:
    """Monarch butterfly optimisation on the fuzzy fitness."""
    return _metaheuristic("MBO", args)


def mf_mbo(args: dict) -> list[int]:
    """MF-MBO (seed 000)."""
    return _metaheuristic("MF-MBO", args)


def lp_bound(args: dict) -> float:
    """LP lower bound on the round's makespan, servers' earlier work (``ready``) included."""
    return lp_lower_bound(_instance(args), args.get("ready"))
