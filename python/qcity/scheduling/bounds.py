"""Lower bounds and near-exact schedules with OR-Tools, to judge the heuristics."""

from __future__ import annotations

import numpy as np

from .instance import Instance


def lp_lower_bound(inst: Instance) -> float:
    """LP relaxation of makespan minimisation (GLOP): min C s.t. sum_m x_tm = 1, sum_t e_tm x_tm <= C, x >= 0.

    Also at least the largest min_m e_tm (a task cannot be split in the real problem).
    """
    from ortools.linear_solver import pywraplp

    t, m = inst.etc.shape
    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = [[solver.NumVar(0, 1, "") for _ in range(m)] for _ in range(t)]
    c = solver.NumVar(0, solver.infinity(), "C")
    for i in range(t):
        solver.Add(sum(x[i]) == 1)
    for j in range(m):
        solver.Add(sum(inst.etc[i, j] * x[i][j] for i in range(t)) <= c)
    solver.Minimize(c)
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise RuntimeError("the LP relaxation did not solve to optimality")
    return max(c.solution_value(), float(inst.etc.min(axis=1).max()))


def cpsat_makespan(inst: Instance, time_limit_s: float = 10.0, scale: float = 1000.0, hint: np.ndarray | None = None,
                   workers: int = 1) -> tuple[np.ndarray, float, float, bool]:
    """CP-SAT makespan minimisation with a time limit.

    CP-SAT needs integers: ETC values are scaled by `scale` and rounded *down*, so the
    scaled problem is never harder than the real one and CP-SAT's proven bound is a
    valid lower bound on the real optimal makespan. The schedule found is evaluated
    with the real times. Returns (assignment, its real makespan, the lower bound,
    whether CP-SAT proved the scaled problem optimal). One worker by default, so the
    result is reproducible.
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
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError("CP-SAT found no schedule within the time limit")
    assign = np.array([next(j for j in range(m) if solver.Value(x[i][j])) for i in range(t)])
    from .objectives import evaluate

    return assign, float(evaluate(inst, assign)["makespan"]), solver.BestObjectiveBound() / scale, status == cp_model.OPTIMAL
