"""Test oracle: qcity's scheduling descent written as NumPy array expressions.

This is the formulation the C++ kernel (cpp/scheduling/localsearch.cc) replaced, kept so the
tests can check the kernel step for step: with ``swap_partners`` at least the number of tasks
no partner is sampled and both must take the same steps. ``of_loads`` maps a k x machines
array of loads to k objective values; ``charge(cost)`` books a cost and returns False once
the budget is spent.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from qcity.scheduling.instance import Instance, loads

Charge = Callable[[float], bool]  # charges a cost in evaluations; False once the budget is spent
_SPENT = object()  # a neighbourhood's answer when the budget ran out before it could score


class ReferenceDescent:
    """The descent as NumPy expressions; ``of_loads`` and ``charge`` as the docstring above says."""

    def __init__(self, inst: Instance, of_loads: Callable[[np.ndarray], np.ndarray], prices: np.ndarray,
                 rng: np.random.Generator, charge: Charge, swap_partners: int = 128,
                 makespan: bool = False, shortlist: int = 1):
        self.inst, self.of_loads, self.rng, self.charge = inst, of_loads, rng, charge
        self.etc = inst.etc
        self.prices = np.asarray(prices, dtype=float)
        self.priced = np.argmin(self.etc * self.prices, axis=1)
        self.swap_partners, self.makespan, self.shortlist = swap_partners, makespan, shortlist
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
