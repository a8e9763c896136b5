"""Local search on the makespan machine, and the bounded greedy migration that restarts it.

Seed 000 names MF-MBO's third idea "bounded greedy migration" (tasks shifted from busy machines
to quiet ones) and gives no formula; this module is qcity's definition.

:meth:`LocalSearch.descend` is a steepest-descent search with incremental load updates. Each
step scores, against the run's objective, the candidates of three neighbourhoods in turn and
takes the best strict improvement of the first that has one:

1. *move* a task off the most loaded machine (the makespan machine) to any other machine;
2. *swap* a task of the makespan machine with a task of another machine (``swap_partners``
   partners drawn from the run's random stream, so a step stays cheap on large instances;
   tasks on the target machines (below) of the makespan machine's tasks first: a swap that
   takes a task to its target machine is the one that cuts total work);
3. *plateau* move: a task to its target machine (below) where the objective does not get worse,
   the one saving the most priced work first. Makespan schedules sit on wide plateaus (a move
   between two machines below the makespan changes nothing); these moves cross them in the
   direction that frees fast machines.

The *priced machine* of a task is ``argmin_m price[m] * etc[t, m]``, with ``price`` the machines'
dual prices in the makespan LP (qcity.scheduling.bounds.lp_machine_prices). A search may be given
other *target machines* instead; MF-MBO gives the LP's own assignment
(qcity.scheduling.bounds.lp_assignment: the machine carrying the largest share of each task in
the LP optimum). The two differ where the duals are degenerate: on a generated 2048 x 64
semi-consistent instance the priced machines make a schedule 70 % above the LP bound, the LP's
assignment (its split tasks rounded to their largest share) 47 %, and as migration targets the
LP's assignment took MF-MBO from 4 % above the bound to 3 % in the same budget. Plateau moves
(3. above) go to the target machines, ranked by the priced saving.
:meth:`LocalSearch.migrate` is the bounded greedy migration: ``migration`` tasks not on their
target machine are moved to it (bounded: a few tasks, never a whole machine), and
:meth:`LocalSearch.iterate` alternates migrations and descents, keeping the best schedule (an
iterated local search). Its migration size adapts: doubled after every round that fails to
improve, back to ``migration`` after one that improves.

The descent runs in C++ (cpp/scheduling/localsearch.cc, through ``qcity._core.ScheduleSearch``):
a step scores thousands of candidates of a few operations each, where NumPy's per-call overhead
set the pace. Swap partners are sampled by the kernel's own generator (SplitMix64), seeded from
the run's random stream once per descent, so a seed still fixes the whole search.

Cost accounting, so comparisons stay fair: every candidate is charged against the same budget
as every other evaluation. A candidate's makespan comes from the three largest loads, about 4 of
the T + M load operations of a full evaluation, and is charged 4/(T + M) of one
(benchmarks/bench_scheduling.py measures the two costs side by side). For any other objective
the makespan only proposes: each neighbourhood's ``shortlist`` best candidates are scored on
their whole load vector and each of those counts as one full evaluation.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from .._core import ScheduleSearch
from .instance import Instance, loads
from .objectives import Objective


class Budget(Protocol):
    """The evaluations a search may still spend (``left``) and a way to book what it spent."""

    @property
    def left(self) -> float: ...

    def spend(self, cost: float) -> None: ...


class LocalSearch:
    """Descent, migration and iterated local search for one instance and objective.

    ``objective`` is the run's :class:`qcity.scheduling.objectives.Objective`; ``prices`` are the
    machine prices and ``targets`` each task's target machine (default: its priced machine; see the
    module docstring); every candidate's cost is booked on ``budget``.
    Candidates are scored by their makespan, from the three largest loads; with
    ``makespan=True`` that is the objective, otherwise the ``shortlist`` best of each
    neighbourhood by makespan are scored on the objective proper.
    """

    def __init__(self, inst: Instance, objective: Objective, prices: np.ndarray, rng: np.random.Generator,
                 budget: Budget, swap_partners: int = 128, migration: int = 10, makespan: bool = False,
                 shortlist: int = 1, targets: np.ndarray | None = None):
        if not isinstance(objective, Objective):
            raise TypeError("the local search scores machine loads: pass a qcity.scheduling.objectives.Objective, "
                            f"got {type(objective).__name__}")
        if min(swap_partners, migration, shortlist) < 1:
            raise ValueError(f"swap_partners, migration and shortlist must be at least 1, got {swap_partners}, "
                             f"{migration} and {shortlist}")
        self.inst, self.objective, self.rng, self.budget = inst, objective, rng, budget
        self.prices = np.asarray(prices, dtype=float)
        self.targets = np.argmin(inst.etc * self.prices, axis=1) if targets is None else np.asarray(targets, np.int64)
        if self.targets.shape != (inst.tasks,) or not np.all((self.targets >= 0) & (self.targets < inst.machines)):
            raise ValueError(f"targets must give each of the {inst.tasks} tasks a machine in [0, {inst.machines})")
        self.migration = migration
        fuzzy = objective.fuzzy
        ideal, poor, weights = (fuzzy.ideal, fuzzy.poor, fuzzy.weights) if fuzzy else ((0.0,) * 3,) * 3
        self._kernel = ScheduleSearch(
            inst.etc, self.prices, self.targets, objective.name, inst.active_power, inst.idle_power,
            ideal, poor, weights, makespan, swap_partners, shortlist,
            4.0 / (inst.tasks + inst.machines))  # a candidate's makespan from the three largest loads

    def descend(self, assign: np.ndarray, f: float) -> tuple[np.ndarray, float]:
        """Steepest descent from ``assign`` (objective ``f``) until no neighbourhood improves it."""
        a = np.array(assign, dtype=np.int64)
        ld = np.ascontiguousarray(loads(self.inst, a), dtype=float)
        seed = int(self.rng.integers(0, 2**63))
        f, spent, _ = self._kernel.descend(a, ld, float(f), self.budget.left, seed)
        self.budget.spend(spent)
        return a, f

    def migrate(self, assign: np.ndarray, size: int | None = None) -> np.ndarray:
        """Bounded greedy migration: up to ``size`` (default ``migration``) random tasks moved to their target
        machine."""
        a = assign.copy()
        off = np.flatnonzero(a != self.targets)
        if len(off):
            moved = self.rng.choice(off, min(size or self.migration, len(off)), replace=False)
            a[moved] = self.targets[moved]
        return a

    def iterate(self, assign: np.ndarray, f: float, rounds: int) -> tuple[np.ndarray, float]:
        """Iterated local search: ``rounds`` of migration then descent, keeping the best (ties move on).

        The migration size adapts, as a variable neighbourhood search's shaking does: it doubles after each round
        that does not improve the best (up to a quarter of the tasks, then back to ``migration``) and returns to
        ``migration`` when one does. A fixed size that suits 512 tasks is too small a kick for 2048.
        """
        best, best_f = self.descend(assign, f)
        size, largest = self.migration, max(self.migration, self.inst.tasks // 4)
        for _ in range(rounds):
            trial = self.migrate(best, size)
            if self.budget.left < 1.0:  # a migrated schedule is scored in full
                break
            self.budget.spend(1.0)
            trial, trial_f = self.descend(trial, float(self.objective.of_loads(loads(self.inst, trial)[None, :])[0]))
            size = self.migration if trial_f < best_f or 2 * size > largest else 2 * size
            if trial_f <= best_f:
                best, best_f = trial, trial_f
        return best, best_f
