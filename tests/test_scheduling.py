"""Task scheduling: instances, objectives, heuristics, metaheuristics, bounds and the comparison harness."""

from __future__ import annotations

import numpy as np
import pytest

from qcity.scheduling.algorithms import METAHEURISTICS, max_min, min_min
from qcity.scheduling.bounds import cpsat_makespan, lp_lower_bound
from qcity.scheduling.compare import compare
from qcity.scheduling.instance import Instance, braun_instance
from qcity.scheduling.objectives import FuzzyObjective, Objective, evaluate, loads


def test_braun_instances_have_the_requested_consistency():
    c = braun_instance(64, 8, "consistent", seed=1).etc
    assert np.all(np.diff(c, axis=1) >= 0)
    s = braun_instance(64, 8, "semiconsistent", seed=1).etc
    assert np.all(np.diff(s[:, ::2], axis=1) >= 0) and not np.all(np.diff(s, axis=1) >= 0)
    lo = braun_instance(64, 8, task_het="lo", machine_het="lo", seed=1).etc
    assert lo.max() <= 100 * 10
    with pytest.raises(ValueError):
        braun_instance(4, 2, "sorted")


def test_objectives_by_hand():
    inst = Instance(np.array([[1.0, 2.0], [3.0, 1.0], [2.0, 2.0]]), np.array([10.0, 20.0]), np.array([1.0, 2.0]))
    a = np.array([0, 1, 0])  # loads: m0 = 1 + 2 = 3, m1 = 1
    assert loads(inst, a).tolist() == [3.0, 1.0]
    e = evaluate(inst, a)
    assert e["makespan"] == 3.0 and e["lbi"] == pytest.approx(2 / 3)
    assert e["energy"] == pytest.approx(10 * 3 + 20 * 1 + 1 * 0 + 2 * (3 - 1))
    pop = np.array([[0, 1, 0], [1, 1, 1]])
    assert evaluate(inst, pop)["makespan"].tolist() == [3.0, 5.0]
    with pytest.raises(ValueError):
        Instance(np.array([[1.0, -1.0]]), np.array([1.0, 1.0]), np.array([0.5, 0.5]))


def test_heuristics_and_bounds_on_a_small_instance():
    inst = braun_instance(40, 4, seed=3)
    lb = lp_lower_bound(inst)
    assign, ms, proven, optimal = cpsat_makespan(inst, time_limit_s=20)
    assert optimal and proven <= ms * (1 + 1e-9)
    assert lb <= proven * (1 + 1e-6)  # the LP bound never exceeds the optimum
    for h in (min_min, max_min):
        assert evaluate(inst, h(inst))["makespan"] >= ms * (1 - 1e-9)
    assert evaluate(inst, min_min(inst))["makespan"] < evaluate(inst, max_min(inst))["makespan"] * 1.5


def test_cpsat_out_of_time_before_any_schedule_keeps_the_hint_or_says_so():
    inst = braun_instance(512, 16, seed=1)  # presolve alone takes longer than the limit below
    hint = min_min(inst)
    assign, ms, bound, optimal = cpsat_makespan(inst, time_limit_s=1e-6, hint=hint)
    assert (assign == hint).all() and ms == evaluate(inst, hint)["makespan"] and not optimal
    assert 0 <= bound <= ms
    with pytest.raises(ValueError, match=r"no schedule of 512 tasks on 16 machines within 1e-06 s"):
        cpsat_makespan(inst, time_limit_s=1e-6)


def test_lp_bound_with_busy_machines_stays_below_the_exact_makespan():
    """Exhaustive on small rounds: the makespan is when the round's last task ends, machines still busy from
    earlier rounds included (a machine busy past that time holds none of the round's tasks)."""
    import itertools

    rng = np.random.default_rng(4)
    tight = 0
    for _ in range(40):
        etc = rng.uniform(0.1, 2.0, (4, 3))
        ready = rng.choice([0.0, 0.5, 5.0], 3)
        inst = Instance(etc, np.ones(3), np.zeros(3))
        exact = min(max(ready[j] + etc[[i for i in range(4) if a[i] == j], j].sum() for j in set(a))
                    for a in itertools.product(range(3), repeat=4))
        bound = lp_lower_bound(inst, ready)
        assert bound <= exact * (1 + 1e-9)
        tight += bound >= 0.8 * exact
    assert tight > 20  # and close to it, not merely below
    with pytest.raises(ValueError, match="one non-negative time per machine"):
        lp_lower_bound(inst, np.array([1.0, -1.0, 0.0]))


@pytest.mark.parametrize("name", list(METAHEURISTICS))
def test_metaheuristics_respect_the_budget_and_improve(name):
    inst = braun_instance(60, 6, seed=2)
    fo = FuzzyObjective.for_instance(inst)
    r = METAHEURISTICS[name](inst, Objective(inst, "fuzzy", fo), 3000, seed=5)
    assert r.evaluations <= 3000
    assert [b for _, b in r.history] == sorted((b for _, b in r.history), reverse=True)  # best-so-far never worsens
    assert r.fitness == pytest.approx(float(fo.fitness(inst, r.assignment[None])[0]))
    assert r.history[-1][1] < r.history[0][1]
    again = METAHEURISTICS[name](inst, Objective(inst, "fuzzy", fo), 3000, seed=5)
    assert np.array_equal(r.assignment, again.assignment)  # same seed, same schedule


def test_fair_comparison_harness():
    c = compare(braun_instance(48, 4, seed=4), evaluations=2000, seeds=6, cpsat_seconds=5)
    t = c.table()
    assert set(t.index) == {"Min-Min", "Max-Min", "GA", "PSO", "MBO", "MF-MBO", "CP-SAT (makespan)"}
    assert (t["makespan_mean"] >= c.bound * (1 - 1e-9)).all()
    # seeded with Min-Min, no metaheuristic ends worse than it on the fitness they all minimise
    for name in METAHEURISTICS:
        assert t.loc[name, "fitness_mean"] <= t.loc["Min-Min", "fitness_mean"] + 1e-12
    assert np.isnan(t.loc["MF-MBO", "wilcoxon_p_vs_MF-MBO"])
    assert set(c.curves["algorithm"]) == set(METAHEURISTICS)


def test_fuzzy_weights_are_checked():
    inst = braun_instance(8, 2, seed=1)
    with pytest.raises(ValueError, match="sum to 1"):
        FuzzyObjective.for_instance(inst, weights=(0.5, 0.5, 0.5))
