"""Objectives of a schedule (an assignment of each task to one machine), vectorised over populations.

- makespan: the largest machine load;
- load balance index LBI = mean load / makespan (1: perfectly balanced);
- energy: sum over machines of active power x load + idle power x (makespan - load)
  (machines stay on until the schedule ends);
- fuzzy score (MF-MBO): each objective gets a linear membership in [0, 1] between an
  ideal value (1) and a poor reference value (0) fixed per instance, and the score
  is the weighted sum of memberships (higher is better); fitness = 1 - score.
  Ideal: the LP lower bound on the makespan, LBI 1, and the energy of running every
  task on its most efficient machine with no idle time; poor: the mean of random
  assignments. Fixing the references per instance keeps the fitness comparable
  across algorithms and runs.

Every objective is a function of the machine loads alone, so :class:`Objective` scores a
population of assignments and, for the local search, candidate load vectors directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bounds import lp_lower_bound
from .instance import Instance, loads

__all__ = ["loads", "evaluate", "evaluate_loads", "FuzzyObjective", "Objective", "OBJECTIVES"]

OBJECTIVES = ("makespan", "energy", "imbalance", "fuzzy")


def evaluate(inst: Instance, assign: np.ndarray) -> dict[str, np.ndarray]:
    """makespan, lbi and energy of one assignment or a population."""
    out = evaluate_loads(inst, np.atleast_2d(loads(inst, assign)))
    return {k: v[0] for k, v in out.items()} if np.ndim(assign) == 1 else out


def evaluate_loads(inst: Instance, ld: np.ndarray) -> dict[str, np.ndarray]:
    """makespan, lbi and energy of load vectors (rows of a k x machines array)."""
    ms = ld.max(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):  # an all-zero schedule is perfectly balanced
        lbi = np.where(ms > 0, ld.mean(axis=1) / ms, 1.0)
    energy = ld @ inst.active_power + (ms[:, None] - ld) @ inst.idle_power
    return {"makespan": ms, "lbi": lbi, "energy": energy}


@dataclass(frozen=True)
class FuzzyObjective:
    """Weighted fuzzy score over makespan, load balance and energy (see the module docstring)."""

    ideal: tuple[float, float, float]
    poor: tuple[float, float, float]
    weights: tuple[float, float, float] = (0.5, 0.2, 0.3)

    @classmethod
    def for_instance(cls, inst: Instance, weights=(0.5, 0.2, 0.3), samples: int = 256, seed: int = 0) -> "FuzzyObjective":
        if abs(sum(weights) - 1) > 1e-9 or min(weights) < 0:
            raise ValueError(f"weights must be non-negative and sum to 1, got {weights}")
        rng = np.random.default_rng(seed)
        rand = evaluate(inst, rng.integers(0, inst.machines, size=(samples, inst.tasks)))
        best_energy = float((inst.etc * inst.active_power).min(axis=1).sum())
        ideal = (lp_lower_bound(inst), 1.0, best_energy)
        poor = (float(rand["makespan"].mean()), float(rand["lbi"].mean()), float(rand["energy"].mean()))
        return cls(ideal, poor, tuple(weights))

    def memberships(self, values: dict[str, np.ndarray]) -> np.ndarray:
        cols = []
        for k, key in enumerate(("makespan", "lbi", "energy")):
            lo, hi = self.ideal[k], self.poor[k]
            mu = (values[key] - hi) / (lo - hi) if lo != hi else np.ones_like(values[key])
            cols.append(np.clip(mu, 0.0, 1.0))
        return np.stack(cols, axis=-1)

    def fitness(self, inst: Instance, assign: np.ndarray) -> np.ndarray:
        """1 - weighted membership: lower is better, 0 at the ideal point."""
        return self.fitness_of_loads(inst, np.atleast_2d(loads(inst, assign)))

    def fitness_of_loads(self, inst: Instance, ld: np.ndarray) -> np.ndarray:
        """:meth:`fitness` of load vectors (rows of a k x machines array)."""
        mu = self.memberships(evaluate_loads(inst, ld))
        return 1.0 - mu @ np.asarray(self.weights)


@dataclass(frozen=True)
class Objective:
    """A fitness to minimise on one instance: ``objective(population)`` and ``objective.of_loads(loads)``.

    ``name`` is one of :data:`OBJECTIVES`: the makespan, the energy, the imbalance (1 - LBI), or
    the fuzzy score's fitness (:class:`FuzzyObjective`, references fixed per instance).
    """

    inst: Instance
    name: str = "fuzzy"
    fuzzy: FuzzyObjective | None = None

    def __post_init__(self):
        if self.name not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}, got {self.name!r}")
        if self.name == "fuzzy" and self.fuzzy is None:
            object.__setattr__(self, "fuzzy", FuzzyObjective.for_instance(self.inst))

    def __call__(self, pop: np.ndarray) -> np.ndarray:
        return self.of_loads(np.atleast_2d(loads(self.inst, pop)))

    def of_loads(self, ld: np.ndarray) -> np.ndarray:
        """The objective of each row of a k x machines array of loads."""
        if self.name == "makespan":
            return ld.max(axis=1)
        if self.name == "fuzzy":
            return self.fuzzy.fitness_of_loads(self.inst, ld)
        values = evaluate_loads(self.inst, ld)
        return values["energy"] if self.name == "energy" else 1.0 - values["lbi"]
