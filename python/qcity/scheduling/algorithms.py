"""Schedulers: Min-Min and Max-Min heuristics; GA, PSO, MBO and MF-MBO metaheuristics.

Every metaheuristic minimises the same fitness (a function of a population of
assignments) under the same budget of fitness evaluations, and records its
convergence curve, so comparisons are fair.

MBO (monarch butterfly optimisation; Wang, Deb & Cui, Neural Comput. Appl. 31,
2019, first online 2015), discretised: machines are copied task by task.
Parameters are Wang et al.'s defaults: p = 5/12 (share of Land 1 and migration
ratio), peri = 1.2, BAR = 5/12, S_max = 1, two elites kept each generation.
- migration (Land 1): task k comes from a random Land-1 butterfly if rand * peri <= p,
  else from a random Land-2 one;
- adjusting (Land 2): task k comes from the best butterfly if rand <= p, else from a
  random Land-2 one, and then, if rand > BAR, is moved to a random machine with
  probability min(1, alpha |L|) (alpha = S_max / t^2, L a Levy(1.5) step drawn by
  Mantegna's algorithm) -- the discrete reading of x += alpha (dx - 0.5).

MF-MBO (seed 000, QSC-Net): MBO plus three ideas the paper names; the paper gives no
formulas, so these are qcity's definitions:
- fuzzy scoring: the fitness is qcity.scheduling.objectives.FuzzyObjective (memberships
  of makespan, load balance and energy), supplied by the caller;
- quantum-inspired tunnelling acceptance: a child replaces its parent if it is better,
  or, if worse by d, with probability exp(-d / G_t) where the tunnelling field
  G_t = G_0 (1 - t/T) decreases to 0 over the run (G_0 = 0.05 in fitness units);
- bounded greedy migration with local search (qcity.scheduling.localsearch): every
  generation the best `local_solutions` butterflies descend to a local optimum (moves and
  swaps on the makespan machine, plateau moves to the machine the makespan LP runs each task
  on); when the best has not improved for `stagnation` generations, `kicks` rounds of
  migration (a few tasks moved to their LP machine, more while rounds fail) and descent
  restart from it, and the result replaces the worst butterfly. Local-search candidates are charged against the same budget (one
  evaluation each, or 4/(T + M) of one when the makespan is the objective and a candidate is
  scored from the three largest loads; see qcity.scheduling.localsearch).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .bounds import lp_assignment, lp_machine_prices
from .instance import Instance
from .localsearch import LocalSearch
from .objectives import Objective

Fitness = Callable[[np.ndarray], np.ndarray]  # (pop, tasks) -> (pop,), lower is better


@dataclass
class ScheduleResult:
    assignment: np.ndarray
    fitness: float
    evaluations: int
    history: list[tuple[int, float]] = field(default_factory=list)  # (evaluations so far, best fitness)


class _Budget:
    """Counts evaluations (local-search candidates as fractions of one) and tracks the best solution seen."""

    def __init__(self, fitness: Fitness, limit: int):
        self.fitness, self.limit, self.used = fitness, limit, 0.0
        self.best: np.ndarray | None = None
        self.best_f = math.inf
        self.history: list[tuple[float, float]] = []

    @property
    def left(self) -> float:
        return self.limit - self.used

    def __call__(self, pop: np.ndarray) -> np.ndarray:
        pop = np.atleast_2d(pop)
        f = np.asarray(self.fitness(pop), dtype=float)
        self.used += len(pop)
        k = int(np.argmin(f))
        self.offer(pop[k], float(f[k]))
        return f

    def spend(self, cost: float) -> None:
        """Books ``cost`` evaluations the local search spent (it never spends more than ``left``)."""
        self.used += cost

    def offer(self, assign: np.ndarray, f: float) -> None:
        """Records a scored schedule; the curve gets a point whenever evaluations were spent."""
        if f < self.best_f:
            self.best_f, self.best = f, assign.copy()
        self.history.append((self.used, self.best_f))

    def result(self) -> ScheduleResult:
        return ScheduleResult(self.best, self.best_f, int(math.ceil(self.used)), self.history)


# ---- heuristics -------------------------------------------------------------------------


def min_min(inst: Instance) -> np.ndarray:
    """Min-Min: repeatedly schedule the task whose earliest completion time is smallest."""
    return _min_x(inst, largest=False)


def max_min(inst: Instance) -> np.ndarray:
    """Max-Min: repeatedly schedule the task whose earliest completion time is largest."""
    return _min_x(inst, largest=True)


def _min_x(inst: Instance, largest: bool) -> np.ndarray:
    t, m = inst.etc.shape
    ready = np.zeros(m)
    assign = np.full(t, -1)
    left = np.ones(t, dtype=bool)
    for _ in range(t):
        ct = inst.etc + ready  # completion time of each task on each machine
        best_m = np.argmin(ct, axis=1)
        best_ct = ct[np.arange(t), best_m]
        best_ct = np.where(left, best_ct, -np.inf if largest else np.inf)
        task = int(np.argmax(best_ct) if largest else np.argmin(best_ct))
        assign[task] = best_m[task]
        ready[best_m[task]] += inst.etc[task, best_m[task]]
        left[task] = False
    return assign


# ---- metaheuristics ------------------------------------------------------------------------


def _initial(rng: np.random.Generator, inst: Instance, size: int, initial: np.ndarray | None) -> np.ndarray:
    """A random population whose first rows are the given solutions (e.g. Min-Min), as Braun et al. seed their GA."""
    pop = rng.integers(0, inst.machines, size=(size, inst.tasks))
    if initial is not None:
        init = np.atleast_2d(initial)[:size]
        pop[: len(init)] = init
    return pop


def genetic_algorithm(inst: Instance, fitness: Fitness, evaluations: int, seed: int, pop_size: int = 50,
                      crossover: float = 0.9, tournament: int = 3, elites: int = 2,
                      initial: np.ndarray | None = None) -> ScheduleResult:
    """GA: tournament selection, uniform crossover, per-task mutation 1/T, elitism."""
    rng = np.random.default_rng(seed)
    budget = _Budget(fitness, evaluations)
    t, m = inst.etc.shape
    pop = _initial(rng, inst, pop_size, initial)
    f = budget(pop)
    while budget.left >= pop_size - elites:
        order = np.argsort(f)
        contenders = rng.integers(0, pop_size, size=(2 * (pop_size - elites), tournament))
        winners = contenders[np.arange(len(contenders)), np.argmin(f[contenders], axis=1)]
        a, b = pop[winners[0::2]], pop[winners[1::2]]
        mask = rng.random(a.shape) < 0.5
        children = np.where(mask & (rng.random((len(a), 1)) < crossover), b, a)
        mutate = rng.random(children.shape) < 1.0 / t
        children[mutate] = rng.integers(0, m, size=int(mutate.sum()))
        fc = budget(children)
        pop = np.vstack([pop[order[:elites]], children])
        f = np.concatenate([f[order[:elites]], fc])
    return budget.result()


def particle_swarm(inst: Instance, fitness: Fitness, evaluations: int, seed: int, swarm: int = 50,
                   inertia: float = 0.729, c1: float = 1.49445, c2: float = 1.49445,
                   initial: np.ndarray | None = None) -> ScheduleResult:
    """PSO with continuous positions in [0, M); a task runs on machine floor(position) (Clerc's constants)."""
    rng = np.random.default_rng(seed)
    budget = _Budget(fitness, evaluations)
    t, m = inst.etc.shape
    x = _initial(rng, inst, swarm, initial) + rng.random((swarm, t))  # a position inside each machine's interval
    v = rng.uniform(-m / 4, m / 4, size=(swarm, t))

    def decode(pos):
        return np.clip(np.floor(pos), 0, m - 1).astype(np.int64)

    f = budget(decode(x))
    pbest, pbest_f = x.copy(), f.copy()
    while budget.left >= swarm:
        g = pbest[np.argmin(pbest_f)]
        r1, r2 = rng.random(x.shape), rng.random(x.shape)
        v = inertia * v + c1 * r1 * (pbest - x) + c2 * r2 * (g - x)
        v = np.clip(v, -m / 2, m / 2)
        x = np.clip(x + v, 0, m - 1e-9)
        f = budget(decode(x))
        better = f < pbest_f
        pbest[better], pbest_f[better] = x[better], f[better]
    return budget.result()


def _levy(rng: np.random.Generator, size, beta: float = 1.5) -> np.ndarray:
    """Levy-stable steps by Mantegna's algorithm."""
    sigma = (math.gamma(1 + beta) * math.sin(math.pi * beta / 2)
             / (math.gamma((1 + beta) / 2) * beta * 2 ** ((beta - 1) / 2))) ** (1 / beta)
    return rng.normal(0, sigma, size) / np.abs(rng.normal(0, 1, size)) ** (1 / beta)


def monarch_butterfly(inst: Instance, fitness: Fitness, evaluations: int, seed: int, pop_size: int = 50,
                      p: float = 5 / 12, peri: float = 1.2, bar: float = 5 / 12, s_max: float = 1.0, elites: int = 2,
                      tunnelling: float = 0.0, local_solutions: int = 0, stagnation: int = 5, kicks: int = 100,
                      migration: int = 20, swap_partners: int = 128,
                      initial: np.ndarray | None = None) -> ScheduleResult:
    """MBO; with tunnelling > 0 and local_solutions > 0 it is MF-MBO. See the module docstring.

    The local search needs ``fitness`` to be a qcity.scheduling.objectives.Objective (it scores machine loads).
    """
    rng = np.random.default_rng(seed)
    budget = _Budget(fitness, evaluations)
    t, m = inst.etc.shape
    search = _local_search(inst, fitness, rng, budget, swap_partners, migration) if local_solutions else None
    pop = _initial(rng, inst, pop_size, initial)
    f = budget(pop)
    n1 = int(math.ceil(p * pop_size))
    generation = 0
    generations = max(1, evaluations // pop_size)
    stalled, last_best = 0, budget.best_f
    while budget.left >= pop_size:
        generation += 1
        order = np.argsort(f)
        pop, f = pop[order], f[order]
        keep, keep_f = pop[:elites].copy(), f[:elites].copy()
        land1, land2 = pop[:n1], pop[n1:]
        # migration operator (Land 1)
        from1 = rng.random((n1, t)) * peri <= p
        src1 = land1[rng.integers(0, n1, size=(n1, t)), np.arange(t)]
        src2 = land2[rng.integers(0, len(land2), size=(n1, t)), np.arange(t)]
        child1 = np.where(from1, src1, src2)
        # butterfly adjusting operator (Land 2)
        n2 = pop_size - n1
        from_best = rng.random((n2, t)) <= p
        child2 = np.where(from_best, pop[0], land2[rng.integers(0, n2, size=(n2, t)), np.arange(t)])
        alpha = s_max / generation**2
        jump = (rng.random((n2, t)) > bar) & (rng.random((n2, t)) < np.minimum(1.0, alpha * np.abs(_levy(rng, (n2, t)))))
        child2[jump] = rng.integers(0, m, size=int(jump.sum()))
        children = np.vstack([child1, child2])
        fc = budget(children)
        if tunnelling > 0:  # MF-MBO: accept worse children with a shrinking tunnelling probability
            field_strength = tunnelling * (1 - min(1.0, generation / generations))
            # exponent <= 0 always (better children get probability 1 anyway): no overflow
            accept = rng.random(pop_size) < np.exp(-np.maximum(fc - f, 0.0) / max(field_strength, 1e-12))
            pop = np.where(accept[:, None], children, pop)
            f = np.where(accept, fc, f)
        else:  # MBO: the new generation replaces the old
            pop, f = children, fc
        if search is not None:
            stalled = 0 if budget.best_f < last_best else stalled + 1
            last_best = budget.best_f
            _adjust(search, budget, pop, f, local_solutions, kicks if stalled >= stagnation else 0)
            stalled = 0 if stalled >= stagnation else stalled
        # elitism: the saved elites replace the worst
        worst = np.argsort(f)[-elites:]
        pop[worst], f[worst] = keep, keep_f
    return budget.result()


def _local_search(inst: Instance, fitness, rng, budget: _Budget, swap_partners: int, migration: int) -> LocalSearch:
    if not isinstance(fitness, Objective):
        raise TypeError("MF-MBO's local search scores machine loads: pass a qcity.scheduling.objectives.Objective "
                        f"as the fitness, got {type(fitness).__name__}")
    makespan = fitness.name == "makespan"  # scored from the largest loads alone
    return LocalSearch(inst, fitness, lp_machine_prices(inst), rng, budget, swap_partners, migration, makespan,
                       targets=lp_assignment(inst))


def _adjust(search: LocalSearch, budget: _Budget, pop: np.ndarray, f: np.ndarray, solutions: int, kicks: int) -> None:
    """Descends the best ``solutions`` butterflies; with ``kicks`` > 0 the best then goes through ``kicks`` rounds of
    migration and descent, and the result replaces the worst butterfly."""
    order = np.argsort(f)
    for k in order[:solutions]:
        pop[k], f[k] = search.descend(pop[k], float(f[k]))
        budget.offer(pop[k], float(f[k]))
    if kicks:
        best = order[0]
        a, fa = search.iterate(pop[best], float(f[best]), kicks)
        budget.offer(a, fa)
        worst = order[-1]
        pop[worst], f[worst] = a, fa


def mf_mbo(inst: Instance, fitness: Fitness, evaluations: int, seed: int, pop_size: int = 50,
           tunnelling: float = 0.05, local_solutions: int = 2, stagnation: int = 5, kicks: int = 100,
           migration: int = 20, swap_partners: int = 128, initial: np.ndarray | None = None) -> ScheduleResult:
    """MF-MBO (seed 000): MBO + fuzzy fitness (given by the caller) + tunnelling + migration and local search."""
    return monarch_butterfly(inst, fitness, evaluations, seed, pop_size, tunnelling=tunnelling,
                             local_solutions=local_solutions, stagnation=stagnation, kicks=kicks, migration=migration,
                             swap_partners=swap_partners, initial=initial)


METAHEURISTICS = {"GA": genetic_algorithm, "PSO": particle_swarm, "MBO": monarch_butterfly, "MF-MBO": mf_mbo}


def _mbo_local_only(inst, fitness, evaluations, seed, initial=None):
    return mf_mbo(inst, fitness, evaluations, seed, tunnelling=0.0, initial=initial)


def _mbo_tunnelling_only(inst, fitness, evaluations, seed, initial=None):
    return mf_mbo(inst, fitness, evaluations, seed, local_solutions=0, initial=initial)


# MF-MBO with one of its two search additions removed (the fuzzy fitness is common to all)
ABLATIONS = {"MBO + migration and local search": _mbo_local_only, "MBO + tunnelling": _mbo_tunnelling_only}
