"""Lower bounds and near-exact schedules with OR-Tools, to judge the heuristics."""

from __future__ import annotations

import numpy as np

from .instance import Instance, loads


def lp_lower_bound(inst: Instance, ready: np.ndarray | None = None) -> float:
    """LP relaxation of makespan minimisation (OR-Tools' CLP): min C s.t. sum_m x_tm = 1, r_m + sum_t e_tm x_tm <= C, x >= 0.

    ``ready`` (default zeros) is when each machine is free of earlier work; the makespan is when
    the last of these tasks ends, so a machine still busy at that time holds none of them. The
    bound is therefore the least, over k, of the LP on the k machines free first (with C at least
    the k-th ready time): a schedule of makespan C uses only machines free before C. Also at
    least the largest min_m (r_m + e_tm) (a task cannot be split in the real problem).
    """
    m = inst.etc.shape[1]
    r = np.zeros(m) if ready is None else np.asarray(ready, float)
    if r.shape != (m,) or np.any(r < 0):
        raise ValueError(f"ready needs one non-negative time per machine ({m}), got {r.tolist()}")
    order = np.argsort(r, kind="stable")
    if not np.any(r > 0):
        lp = _free_machines_lp(inst)[0]
    else:
        lp = min(max(_makespan_lp(inst.etc[:, order[:k]], r[order[:k]]), r[order[k - 1]]) for k in range(1, m + 1))
    return max(lp, float((inst.etc + r).min(axis=1).max()))


def lp_machine_prices(inst: Instance) -> np.ndarray:
    """Each machine's price in the makespan LP (the dual of its load constraint), scaled to a largest of 1.

    A machine's price is what one more second of its time is worth to the LP optimum: work on a
    busy fast machine is dear, on a slow one cheap. ``argmin_m price[m] * etc[t, m]`` is where the
    LP would put task t, which the local search uses to steer tasks (qcity.scheduling.localsearch).
    A small floor keeps every machine's work from being free.
    """
    prices = np.abs(_free_machines_lp(inst)[1])
    top = prices.max()
    return np.maximum(prices / top, 1e-6) if top > 0 else np.ones(inst.machines)


def lp_assignment(inst: Instance) -> np.ndarray:
    """The machine that runs the largest share of each task in the makespan LP's optimum (every machine free at 0).

    A basic optimum of this LP splits at most machines - 1 tasks; every other task runs whole on one machine. MF-MBO's
    migration moves tasks there (qcity.scheduling.localsearch): towards the schedule the relaxation would run.
    """
    return _free_machines_lp(inst)[2]


def _free_machines_lp(inst: Instance) -> tuple[float, np.ndarray, np.ndarray]:
    """The makespan LP with every machine free at 0: its optimum, load prices and assignment, solved once per
    instance (an MF-MBO round needs the bound for the fuzzy objective and the rest for the local search)."""
    if "free_machines_lp" not in inst.cache:
        inst.cache["free_machines_lp"] = _makespan_lp(inst.etc, np.zeros(inst.machines), with_prices=True)
    return inst.cache["free_machines_lp"]


def _makespan_lp(etc: np.ndarray, ready: np.ndarray, with_prices: bool = False):
    from ortools.linear_solver import pywraplp

    t, m = etc.shape
    # CLP (OR-Tools' COIN-OR simplex) solves this LP 3-7 times faster than GLOP from 512 x 16 up (0.37 s against
    # 2.5 s at 2048 x 64, the same optimum and prices); GLOP stands in where OR-Tools was built without CLP.
    solver = pywraplp.Solver.CreateSolver("CLP") or pywraplp.Solver.CreateSolver("GLOP")
    inf = solver.infinity()
    x = [[solver.NumVar(0, 1, "") for _ in range(m)] for _ in range(t)]
    c = solver.NumVar(0, inf, "C")
    # Coefficients are set one by one: building expression objects term by term costs far more in Python.
    for i in range(t):
        assign = solver.Constraint(1, 1)  # sum_m x_im = 1
        for j in range(m):
            assign.SetCoefficient(x[i][j], 1)
    capacity = []
    for j in range(m):
        load = solver.Constraint(-inf, -float(ready[j]))  # sum_t e_tj x_tj - C <= -r_j
        for i in range(t):
            load.SetCoefficient(x[i][j], float(etc[i, j]))
        load.SetCoefficient(c, -1)
        capacity.append(load)
    solver.Minimize(c)
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise RuntimeError("the LP relaxation did not solve to optimality")
    if with_prices:
        shares = np.array([[v.solution_value() for v in row] for row in x])
        return c.solution_value(), np.array([k.dual_value() for k in capacity]), shares.argmax(axis=1)
    return c.solution_value()


def cpsat_makespan(inst: Instance, time_limit_s: float = 10.0, scale: float = 1000.0, hint: np.ndarray | None = None,
                   workers: int = 1) -> tuple[np.ndarray, float, float, bool]:
    """CP-SAT makespan minimisation with a time limit.

    CP-SAT needs integers: ETC values are scaled by `scale` and rounded *down*, so the
    scaled problem is never harder than the real one and CP-SAT's proven bound is a
    valid lower bound on the real optimal makespan. The schedule found is evaluated
    with the real times. Returns (assignment, its real makespan, the lower bound,
    whether CP-SAT proved the scaled problem optimal). One worker by default, so the
    result is reproducible. When the time limit runs out before CP-SAT has any schedule (a
    few hundredths of a second can go on presolve alone), the `hint` is returned with the
    bound CP-SAT proved so far; without a hint that is a ValueError naming the limit.
    """
    from ortools.sat.python import cp_model

    t, m = inst.etc.shape
    e = np.floor(inst.etc * scale).astype(np.int64)
    model = cp_model.CpModel()
    x = [[model.NewBoolVar("") for _ in range(m)] for _ in range(t)]
    cmax = model.NewIntVar(0, int(e.sum()), "cmax")
    for i in range(t):
        model.AddExactlyOne(x[i])
    for j in range(m):
        model.Add(sum(int(e[i, j]) * x[i][j] for i in range(t)) <= cmax)
    model.Minimize(cmax)
    if hint is not None:
        for i in range(t):
            for j in range(m):
                model.AddHint(x[i][j], int(hint[i] == j))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_search_workers = workers
    solver.parameters.random_seed = 0
    status = solver.Solve(model)
    bound = max(solver.BestObjectiveBound(), 0.0) / scale
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if hint is None:
            raise ValueError(f"CP-SAT found no schedule of {t} tasks on {m} machines within {time_limit_s:g} s: "
                             "give it more time or a hint")
        assign = np.asarray(hint, dtype=int)
        return assign, float(loads(inst, assign).max()), bound, False
    assign = np.array([next(j for j in range(m) if solver.Value(x[i][j])) for i in range(t)])
    return assign, float(loads(inst, assign).max()), bound, status == cp_model.OPTIMAL
