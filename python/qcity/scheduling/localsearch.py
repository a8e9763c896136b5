"""Local search on the makespan machine, and the bounded greedy migration that restarts it.

Seed 000 names MF-MBO's third idea "bounded greedy migration" (tasks shifted from busy machines
to quiet ones) and gives no formula; this module is qcity's definition.

:meth:`LocalSearch.descend` is a steepest-descent search with incremental load updates. Each
step scores, against the run's objective, the candidates of three neighbourhoods in turn and
takes the best strict improvement of the first that has one:

1. *move* a task off the most loaded machine (the makespan machine) to any other machine;
2. *swap* a task of the makespan machine with a task of another machine (``swap_partners``
   partners drawn from the run's random stream, so a step stays cheap on large instances);
3. *plateau* move: a task to its priced machine (below) where the objective does not get worse,
   the one saving the most priced work first. Makespan schedules sit on wide plateaus (a move
   between two machines below the makespan changes nothing); these moves cross them in the
   direction that frees fast machines.

The *priced machine* of a task is ``argmin_m price[m] * etc[t, m]``, with ``price`` the machines'
dual prices in the makespan LP (qcity.scheduling.bounds.lp_machine_prices): where the LP
relaxation would run the task. :meth:`LocalSearch.migrate` is the bounded greedy migration:
``migration`` tasks not on their priced machine are moved to it (bounded: a few tasks, never a
whole machine), and :meth:`LocalSearch.iterate` alternates migrations and descents, keeping the
best schedule (an iterated local search).

Cost accounting, so comparisons stay fair: every candidate is charged against the same budget
as every other evaluation. A candidate's makespan comes from the three largest loads, about 4 of
the T + M load operations of a full evaluation, and is charged 4/(T + M) of one
(benchmarks/bench_scheduling.py measures the two costs side by side). For any other objective
the makespan only proposes: each neighbourhood's ``shortlist`` best candidates are scored on
their whole load vector and each of those counts as one full evaluation.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .instance import Instance, loads

Charge = Callable[[float], bool]  # charges a cost in evaluations; False once the budget is spent
_SPENT = object()  # a neighbourhood's answer when the budget ran out before it could score


class LocalSearch:
    """Descent, migration and iterated local search for one instance and objective.

    ``of_loads`` maps a k x machines array of loads to k objective values (lower is better),
    e.g. :meth:`qcity.scheduling.objectives.Objective.of_loads`; ``prices`` are the machine
    prices (see the module docstring); ``charge`` is called with every batch's cost. Candidates
    are scored by their makespan, from the three largest loads; with ``makespan=True`` that is
    the objective, otherwise the ``shortlist`` best of each neighbourhood by makespan are scored
    on the objective proper.
    """

    def __init__(self, inst: Instance, of_loads: Callable[[np.ndarray], np.ndarray], prices: np.ndarray,
                 rng: np.random.Generator, charge: Charge, swap_partners: int = 128, migration: int = 10,
                 makespan: bool = False, shortlist: int = 1):
        if min(swap_partners, migration, shortlist) < 1:
            raise ValueError(f"swap_partners, migration and shortlist must be at least 1, got {swap_partners}, "
                             f"{migration} and {shortlist}")
        self.inst, self.of_loads, self.rng, self.charge = inst, of_loads, rng, charge
        self.etc = inst.etc
        self.prices = np.asarray(prices, dtype=float)
        self.priced = np.argmin(self.etc * self.prices, axis=1)
        self.swap_partners, self.migration, self.makespan, self.shortlist = swap_partners, migration, makespan, shortlist
        self.makespan_cost = 4.0 / (inst.tasks + inst.machines)  # a candidate's makespan from the three largest loads

    def _score(self, ld: np.ndarray, first, first_load, second, second_load, prefer=None,
               exclude=None) -> np.ndarray | None:
        """Objective after machine ``first`` gets ``first_load`` and ``second`` gets ``second_load`` (arrays that
        broadcast to the candidates' shape; the two machines differ wherever the score is used), or None once the
        budget is spent.

        For the makespan every candidate is scored from the three largest loads. For any other objective that
        makespan is only the proposal: the ``shortlist`` candidates it (or ``prefer``, lower first) ranks best are
        scored on their whole load vector, the others get +inf. Candidates where ``exclude`` (broadcast to their
        shape) is true are never shortlisted: the caller has no use for them.
        """
        shape = np.broadcast_shapes(np.shape(first), np.shape(first_load), np.shape(second), np.shape(second_load))
        if not self.charge(int(np.prod(shape)) * self.makespan_cost):
            return None
        order = np.full(3, -1)
        top = np.zeros(3)  # loads are never negative: 0 stands for "no third machine"
        largest = np.argsort(ld)[::-1][:3]
        order[: len(largest)], top[: len(largest)] = largest, ld[largest]
        others = np.where((order[0] != first) & (order[0] != second), top[0],
                          np.where((order[1] != first) & (order[1] != second), top[1], top[2]))
        makespan = np.maximum(others, np.maximum(first_load, second_load)) * np.ones(shape)
        if self.makespan:
            return makespan
        rank = makespan if prefer is None else np.broadcast_to(prefer, shape)
        if exclude is not None:
            rank = np.where(exclude, np.inf, rank)
        rank = rank.ravel()
        chosen = np.argsort(rank, kind="stable")[: self.shortlist]
        chosen = chosen[np.isfinite(rank[chosen])]
        if not self.charge(float(len(chosen))):
            return None
        m = self.inst.machines
        cand = np.broadcast_to(ld, (len(chosen), m)).copy()
        rows = np.arange(len(chosen))
        cand[rows, np.broadcast_to(first, shape).ravel()[chosen]] = np.broadcast_to(first_load, shape).ravel()[chosen]
        cand[rows, np.broadcast_to(second, shape).ravel()[chosen]] = np.broadcast_to(second_load, shape).ravel()[chosen]
        score = np.full(int(np.prod(shape)), np.inf)
        score[chosen] = self.of_loads(cand)
        return score.reshape(shape)

    def descend(self, assign: np.ndarray, f: float) -> tuple[np.ndarray, float]:
        """Steepest descent from ``assign`` (objective ``f``) until no neighbourhood improves it."""
        a = assign.copy()
        ld = loads(self.inst, a)
        while True:
            for neighbourhood in (self._move, self._swap, self._plateau):
                step = neighbourhood(a, ld, f)  # the new objective, None (no improvement) or _SPENT
                if step is not None:
                    break
            if step is None or step is _SPENT:
                return a, f
            f = step

    def _tolerance(self, f: float) -> float:
        return 1e-12 * max(abs(f), 1e-300)

    def _move(self, a, ld, f):
        etc, m = self.etc, self.inst.machines
        c = int(np.argmax(ld))
        tasks = np.flatnonzero(a == c)
        if len(tasks) == 0:
            return None
        machines = np.arange(m)[None, :]  # [task, destination]
        score = self._score(ld, c, (ld[c] - etc[tasks, c])[:, None], machines, ld[None, :] + etc[tasks],
                            exclude=machines == c)  # a move to its own machine is none
        if score is None:
            return _SPENT
        score[:, c] = np.inf
        i, j = np.unravel_index(np.argmin(score), score.shape)
        if score[i, j] >= f - self._tolerance(f):
            return None
        t = tasks[i]
        ld[c] -= etc[t, c]
        ld[j] += etc[t, j]
        a[t] = j
        return float(score[i, j])

    def _swap(self, a, ld, f):
        etc = self.etc
        c = int(np.argmax(ld))
        tasks = np.flatnonzero(a == c)
        partners = np.flatnonzero(a != c)
        if len(tasks) == 0 or len(partners) == 0:
            return None
        if len(partners) > self.swap_partners:
            partners = np.sort(self.rng.choice(partners, self.swap_partners, replace=False))
        home = a[partners]  # [task, partner]
        score = self._score(ld, c, ld[c] + etc[partners, c][None, :] - etc[tasks, c][:, None], home[None, :],
                            ld[home][None, :] + etc[tasks][:, home] - etc[partners, home][None, :])
        if score is None:
            return _SPENT
        i, k = np.unravel_index(np.argmin(score), score.shape)
        if score[i, k] >= f - self._tolerance(f):
            return None
        t, u, j = tasks[i], partners[k], home[k]
        ld[c] += etc[u, c] - etc[t, c]
        ld[j] += etc[t, j] - etc[u, j]
        a[t], a[u] = j, c
        return float(score[i, k])

    def _plateau(self, a, ld, f):
        etc = self.etc
        off = np.flatnonzero(a != self.priced)
        if len(off) == 0:
            return None
        src, dst = a[off], self.priced[off]
        saving = self.prices[src] * etc[off, src] - self.prices[dst] * etc[off, dst]
        score = self._score(ld, src, ld[src] - etc[off, src], dst, ld[dst] + etc[off, dst],
                            prefer=np.where(saving > 0, -saving, np.inf))
        if score is None:
            return _SPENT
        saving = np.where(score <= f + self._tolerance(f), saving, -np.inf)
        k = int(np.argmax(saving))
        if saving[k] <= 0:
            return None
        t = off[k]
        ld[src[k]] -= etc[t, src[k]]
        ld[dst[k]] += etc[t, dst[k]]
        a[t] = dst[k]
        return min(f, float(score[k]))

    def migrate(self, assign: np.ndarray) -> np.ndarray:
        """Bounded greedy migration: up to ``migration`` random tasks moved to their priced machine."""
        a = assign.copy()
        off = np.flatnonzero(a != self.priced)
        if len(off):
            moved = self.rng.choice(off, min(self.migration, len(off)), replace=False)
            a[moved] = self.priced[moved]
        return a

    def iterate(self, assign: np.ndarray, f: float, rounds: int) -> tuple[np.ndarray, float]:
        """Iterated local search: ``rounds`` of migration then descent, keeping the best (ties move on)."""
        best, best_f = self.descend(assign, f)
        for _ in range(rounds):
            trial = self.migrate(best)
            if not self.charge(1.0):  # a migrated schedule is scored in full
                break
            trial, trial_f = self.descend(trial, float(self.of_loads(loads(self.inst, trial)[None, :])[0]))
            if trial_f <= best_f:
                best, best_f = trial, trial_f
        return best, best_f
