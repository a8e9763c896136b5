"""Scheduling: the HCSP/ETC instance format, the local search and MF-MBO's use of it."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from scheduling_reference import ReferenceDescent

from qcity.errors import QcityError
from qcity.scheduling.algorithms import METAHEURISTICS, mf_mbo, min_min
from qcity.scheduling.bounds import lp_assignment, lp_lower_bound, lp_machine_prices
from qcity.scheduling.compare import compare
from qcity.scheduling.instance import Instance, braun_instance, read_hcsp, write_hcsp
from qcity.scheduling.localsearch import LocalSearch
from qcity.scheduling.objectives import OBJECTIVES, Objective, evaluate, loads

BRAUN_CLASSES = [f"u_{c}_{t}{m}" for c in "cis" for t in ("hi", "lo") for m in ("hi", "lo")]


# ---- the instance format --------------------------------------------------------------------------------------


def test_hcsp_round_trip_keeps_zero_entries(tmp_path):
    inst = braun_instance(12, 3, seed=2)
    etc = inst.etc.round(6)
    etc[4, 1] = 0.0  # rounding leaves zeros in published instances: valid
    path = tmp_path / "small.etc"
    write_hcsp(Instance(etc, inst.active_power, inst.idle_power), path)
    back = read_hcsp(path)
    assert back.etc.shape == (12, 3) and np.allclose(back.etc, etc) and back.etc[4, 1] == 0
    assert np.all(back.idle_power <= back.active_power)


def test_hcsp_values_may_share_lines(tmp_path):
    path = tmp_path / "packed.etc"
    path.write_text("2 2 0\n1.5 2.5\n  3.5\t4.5")  # no line end at the end: a complete last line
    assert read_hcsp(path).etc.tolist() == [[1.5, 2.5], [3.5, 4.5]]


@pytest.mark.parametrize("text, line, message", [
    ("", 1, "first line must be 'tasks machines 0'"),
    ("2 2\n1\n2\n3\n4\n", 1, "first line must be 'tasks machines 0'"),
    ("0 2 0\n", 1, "at least one task"),
    ("2 2 0\n1\n2\nx3\n4\n", 4, "'x3' is not a number"),
    ("2 2 0\n1\n-2\n3\n4\n", 3, "finite and non-negative"),
    ("2 2 0\n1\ninf\n3\n4\n", 3, "finite and non-negative"),
    ("2 2 0\n1\n2\n3\n", 4, "2 x 2 = 4 times, the file has 3 (cut short?)"),
    ("2 2 0\n1\n2\n3\n4\n5\n", 6, "the file has 5"),
])
def test_malformed_hcsp_files_are_named_with_their_line(tmp_path, text, line, message):
    path = tmp_path / "bad.etc"
    path.write_text(text)
    with pytest.raises(QcityError, match=re.escape(message)) as err:
        read_hcsp(path)
    assert err.value.file == str(path) and err.value.line == line


def test_binary_hcsp_file_names_the_byte(tmp_path):
    path = tmp_path / "bad.etc"
    path.write_bytes(b"2 2 0\n1\n\xff\n3\n4\n")
    with pytest.raises(QcityError, match=r"byte 8 \(0xff\) cannot be decoded") as e:
        read_hcsp(path)
    assert (e.value.file, e.value.line) == (str(path), 3)


def test_missing_hcsp_file_is_a_clear_error(tmp_path):
    with pytest.raises(QcityError, match="cannot read HCSP/ETC instance") as e:
        read_hcsp(tmp_path / "none.etc")
    assert e.value.file == str(tmp_path / "none.etc")


def test_the_twelve_braun_instances_read(shared_data):
    folder = shared_data / "braun_512x16"
    for name in BRAUN_CLASSES:
        inst = read_hcsp(folder / f"{name}.0")
        assert inst.etc.shape == (512, 16)
        if name.startswith("u_c"):  # consistent: a faster machine is faster for every task
            assert np.all(np.diff(inst.etc, axis=1) >= 0)


# ---- objectives of loads, machine prices ----------------------------------------------------------------------


@pytest.mark.parametrize("name", OBJECTIVES)
def test_objectives_of_loads_match_those_of_assignments(name):
    inst = braun_instance(30, 4, seed=1)
    objective = Objective(inst, name)
    pop = np.random.default_rng(0).integers(0, 4, (6, 30))
    assert np.allclose(objective(pop), objective.of_loads(loads(inst, pop)))
    values = evaluate(inst, pop)
    expected = {"makespan": values["makespan"], "energy": values["energy"], "imbalance": 1 - values["lbi"]}
    if name in expected:
        assert np.allclose(objective(pop), expected[name])
    with pytest.raises(ValueError, match="objective must be one of"):
        Objective(inst, "speed")


def test_identical_machines_have_equal_prices_and_the_slow_machine_is_cheap():
    same = Instance(np.ones((6, 3)), np.ones(3), np.zeros(3))
    assert np.allclose(lp_machine_prices(same), 1.0)
    # machine 1 is ten times slower for every task: an hour of it is worth less to the LP
    skewed = Instance(np.array([[1.0, 10.0]] * 8), np.ones(2), np.zeros(2))
    prices = lp_machine_prices(skewed)
    assert prices[0] == pytest.approx(1.0) and prices[1] < prices[0]


def test_lp_assignment_is_where_the_lp_runs_each_task():
    # each task is ten times faster on its own machine: the LP runs it whole there
    inst = Instance(np.array([[1.0, 10.0], [10.0, 1.0], [1.0, 10.0]]), np.ones(2), np.zeros(2))
    assert lp_assignment(inst).tolist() == [0, 1, 0]
    big = braun_instance(60, 5, seed=3)
    a = lp_assignment(big)
    assert a.shape == (60,) and a.min() >= 0 and a.max() < 5
    assert loads(big, a).max() >= lp_lower_bound(big) * (1 - 1e-9)  # a schedule: never below the bound


# ---- the local search -----------------------------------------------------------------------------------------


class _Budget:
    """A budget of ``limit`` evaluations that records what the search books on it."""

    def __init__(self, limit=float("inf")):
        self.limit, self.spent = limit, 0.0

    @property
    def left(self):
        return self.limit - self.spent

    def spend(self, cost):
        self.spent += cost


def _search(inst, objective, seed=0, budget=float("inf"), makespan=False, **options):
    ledger = _Budget(budget)
    return LocalSearch(inst, objective, lp_machine_prices(inst), np.random.default_rng(seed), ledger,
                       makespan=makespan, **options), ledger


@pytest.mark.parametrize("name", OBJECTIVES)
def test_descent_ends_in_a_local_optimum_it_reports_truly(name):
    inst = braun_instance(40, 5, seed=6)
    objective = Objective(inst, name)
    search, _ = _search(inst, objective, makespan=name == "makespan")
    start = min_min(inst)
    f0 = float(objective(start[None])[0])
    a, f = search.descend(start, f0)
    assert f == pytest.approx(float(objective(a[None])[0]), rel=1e-12)  # incremental loads agree with a recount
    assert f <= f0
    if name != "makespan":  # other objectives score only the move the makespan ranks best: no exhaustive optimum
        return
    # no single move off the makespan machine improves it (what the first neighbourhood checks, exhaustively)
    c = int(np.argmax(loads(inst, a)))
    for t in np.flatnonzero(a == c):
        for m in range(inst.machines):
            trial = a.copy()
            trial[t] = m
            assert float(objective(trial[None])[0]) >= f * (1 - 1e-9)


def test_local_search_improves_min_min_on_the_makespan():
    inst = braun_instance(64, 8, "consistent", seed=3)
    objective = Objective(inst, "makespan")
    search, ledger = _search(inst, objective)
    start = min_min(inst)
    a, f = search.iterate(start, float(objective(start[None])[0]), rounds=20)
    assert f < 0.99 * evaluate(inst, start)["makespan"]
    assert f >= lp_lower_bound(inst) * (1 - 1e-9)
    assert ledger.spent > 0  # its candidates were charged


def test_local_search_stops_when_the_budget_is_spent():
    inst = braun_instance(64, 8, seed=3)
    objective = Objective(inst, "makespan")
    search, ledger = _search(inst, objective, budget=2.0)
    start = min_min(inst)
    search.iterate(start, float(objective(start[None])[0]), rounds=50)
    assert 0 < ledger.spent <= 2.0


# ---- MF-MBO with it ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", OBJECTIVES)
def test_mf_mbo_beats_plain_mbo_on_every_objective_within_the_same_budget(name):
    inst = braun_instance(96, 8, seed=9)
    objective = Objective(inst, name)
    start = min_min(inst)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the tunnelling acceptance once overflowed in exp
        mf = mf_mbo(inst, objective, 4000, seed=1, initial=start)
    plain = METAHEURISTICS["MBO"](inst, objective, 4000, seed=1, initial=start)
    assert mf.evaluations <= 4000 and mf.fitness <= plain.fitness
    assert mf.fitness == pytest.approx(float(objective(mf.assignment[None])[0]))
    again = mf_mbo(inst, objective, 4000, seed=1, initial=start)
    assert np.array_equal(mf.assignment, again.assignment)  # the search's random draws come from the seed


def test_mf_mbo_asks_for_an_objective_that_scores_loads():
    inst = braun_instance(20, 3, seed=1)
    with pytest.raises(TypeError, match="Objective"):
        mf_mbo(inst, lambda pop: evaluate(inst, pop)["makespan"], 500, seed=0)


def test_comparison_on_the_makespan_alone():
    c = compare(braun_instance(40, 4, seed=4), evaluations=1500, seeds=3, cpsat_seconds=2, objective="makespan")
    t = c.table()
    assert np.allclose(t["fitness_mean"], t["makespan_mean"])
    assert t.loc["MF-MBO", "makespan_mean"] <= t.loc["MBO", "makespan_mean"]
    assert (t.loc[list(METAHEURISTICS), "cpu_s_mean"] > 0).all()


def test_mf_mbo_within_three_percent_of_the_best_known_on_a_braun_instance(shared_data):
    """u_i_lolo.0: best known makespan 2533.4 (Gogos et al. 2016, in the shared data's SOURCES.md)."""
    inst = read_hcsp(shared_data / "braun_512x16" / "u_i_lolo.0")
    r = mf_mbo(inst, Objective(inst, "makespan"), 30_000, seed=0, initial=min_min(inst))
    assert r.fitness <= 1.03 * 2533.4
    assert r.fitness >= lp_lower_bound(inst) * (1 - 1e-9)


@pytest.mark.parametrize("machines", [1, 2, 6])
def test_the_makespan_shortcut_scores_as_the_full_objective_does(machines):
    inst = braun_instance(30, machines, seed=8)
    objective = Objective(inst, "makespan")
    start = min_min(inst)
    runs = []
    for shortcut in (False, True):
        search, ledger = _search(inst, objective, seed=4, makespan=shortcut)
        runs.append((*search.iterate(start, float(objective(start[None])[0]), rounds=5), ledger.spent))
    (a_full, f_full, spent_full), (a_fast, f_fast, spent_fast) = runs
    assert np.array_equal(a_full, a_fast) and f_full == f_fast
    if machines == 1:  # no task can move anywhere: nothing is ever scored on the full objective
        assert spent_fast == spent_full
    else:  # its candidates are charged their smaller share of a full evaluation
        assert spent_fast < spent_full


def test_a_move_to_its_own_machine_never_takes_the_shortlist():
    # one task on machine 0; moving it to the slow machine 1 worsens the makespan (10 against 1) but saves energy
    # (machine 1 draws a hundredth of the power); a "move" back to machine 0 must not take the one shortlist place
    inst = Instance(np.array([[1.0, 10.0]]), np.array([1.0, 0.01]), np.array([0.0, 0.0]))
    search = LocalSearch(inst, Objective(inst, "energy"), np.ones(2), np.random.default_rng(0), _Budget(), shortlist=1)
    a, f = search.descend(np.array([0]), 1.0)
    assert a.tolist() == [1] and f == pytest.approx(0.1)


# ---- the C++ descent against the NumPy formulation ---------------------------------------------------------------


@pytest.mark.parametrize("name", OBJECTIVES)
@pytest.mark.parametrize("consistency", ["inconsistent", "consistent"])
@pytest.mark.parametrize("shortlist", [1, 3])
def test_the_kernel_takes_the_steps_the_numpy_formulation_takes(name, consistency, shortlist):
    """With swap partners at least the tasks nothing is sampled: both descents must end in the same schedule, having
    charged the same, from several starts (Min-Min and random schedules)."""
    inst = braun_instance(48, 6, consistency, seed=11)
    objective = Objective(inst, name)
    shortcut = name == "makespan"
    prices = lp_machine_prices(inst)
    starts = [min_min(inst), *np.random.default_rng(5).integers(0, inst.machines, size=(3, inst.tasks))]
    for start in starts:
        f0 = float(objective(start[None])[0])
        spent = [0.0]

        def charge(cost, spent=spent):
            spent[0] += cost
            return True

        oracle = ReferenceDescent(inst, objective.of_loads, prices, np.random.default_rng(0), charge,
                                  swap_partners=inst.tasks, makespan=shortcut, shortlist=shortlist)
        a_ref, f_ref = oracle.descend(start, f0)
        search, ledger = _search(inst, objective, makespan=shortcut, swap_partners=inst.tasks, shortlist=shortlist)
        a, f = search.descend(start, f0)
        assert np.array_equal(a, a_ref)
        assert f == (f_ref if shortcut else pytest.approx(f_ref, rel=1e-12))  # sums in another order elsewhere
        assert ledger.spent == pytest.approx(spent[0], rel=1e-12)


def test_the_kernel_objective_is_the_objective():
    inst = braun_instance(30, 5, seed=2)
    ld = loads(inst, np.random.default_rng(1).integers(0, 5, size=(20, 30)))
    for name in OBJECTIVES:
        objective = Objective(inst, name)
        search, _ = _search(inst, objective)
        kernel = [search._kernel.objective(row) for row in ld]
        assert kernel == pytest.approx(objective.of_loads(ld).tolist(), rel=1e-12)


def test_sampled_swap_partners_follow_the_seed():
    inst = braun_instance(200, 8, "consistent", seed=3)
    objective = Objective(inst, "makespan")
    start = min_min(inst)
    f0 = float(objective(start[None])[0])
    ends = []
    for seed in (1, 1, 2):
        search, _ = _search(inst, objective, seed=seed, makespan=True, swap_partners=4)
        ends.append(search.iterate(start, f0, rounds=10))
    assert np.array_equal(ends[0][0], ends[1][0]) and ends[0][1] == ends[1][1]
    assert all(f < f0 for _, f in ends)
    assert float(objective(ends[2][0][None])[0]) == pytest.approx(ends[2][1], rel=1e-12)  # incremental loads: a recount


def test_the_kernel_refuses_bad_arrays():
    inst = braun_instance(10, 3, seed=1)
    search, _ = _search(inst, Objective(inst, "makespan"))
    kernel = search._kernel
    ld = loads(inst, np.zeros(10, dtype=np.int64))
    with pytest.raises(ValueError, match="machine 3 of task 0 is out of range"):
        kernel.descend(np.array([3] + [0] * 9, dtype=np.int64), ld.copy(), 1.0, 10.0, 0)
    with pytest.raises(ValueError, match="one machine per task"):
        kernel.descend(np.zeros(9, dtype=np.int64), ld.copy(), 1.0, 10.0, 0)
    with pytest.raises(ValueError, match="one load per machine"):
        kernel.descend(np.zeros(10, dtype=np.int64), np.zeros(2), 1.0, 10.0, 0)
    frozen = np.zeros(10, dtype=np.int64)
    frozen.setflags(write=False)
    with pytest.raises(ValueError, match="writable"):
        kernel.descend(frozen, ld.copy(), 1.0, 10.0, 0)
    with pytest.raises(TypeError):  # another dtype would be a copy the caller never sees updated
        kernel.descend(np.zeros(10, dtype=np.int32), ld.copy(), 1.0, 10.0, 0)
    with pytest.raises(TypeError, match="Objective"):
        LocalSearch(inst, lambda ld: ld.max(axis=1), np.ones(3), np.random.default_rng(0), _Budget())
    with pytest.raises(ValueError, match="each of the 10 tasks a machine"):
        LocalSearch(inst, Objective(inst, "makespan"), np.ones(3), np.random.default_rng(0), _Budget(),
                    targets=np.full(10, 3))
