"""Sweeps: all runs of a config in parallel, locally (joblib) or on a Dask cluster.

A run whose scalar file already exists is skipped: result files are renamed into
place only when a run completes, so an existing file is a finished run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from .ini import IniFile
from .runner import RunResult, execute_run, result_paths


def _one(ini_path: str, config: str, run_number: int, nedpath, result_dir, sim_time_limit, overrides) -> RunResult:
    return execute_run(ini_path, config, run_number, nedpath=nedpath, result_dir=result_dir, sim_time_limit=sim_time_limit,
                       overrides=overrides)


def sweep(
    ini_path: str | os.PathLike,
    config: str,
    runs: list[int] | None = None,
    nedpath: list[str] | None = None,
    result_dir: str | None = None,
    sim_time_limit: str | None = None,
    jobs: int = -1,
    dask_address: str | None = None,
    force: bool = False,
    on_done: Callable[[RunResult], None] | None = None,
    overrides: Sequence[str] = (),
) -> list[RunResult]:
    """Runs `runs` (default: all) of `config`; returns one RunResult per run, in run order.

    `overrides` are "key=value" settings that win over the ini file (opp_run's ``--key=value``).
    """
    import joblib

    ini = IniFile(ini_path, overrides)
    all_runs = ini.runs(config)
    numbers = list(range(len(all_runs))) if runs is None else runs
    results: dict[int, RunResult] = {}
    todo = []
    for n in numbers:
        if not 0 <= n < len(all_runs):
            raise ValueError(f"run number {n} out of range (config {config} has {len(all_runs)} runs)")
        sca, vec = result_paths(all_runs[n], result_dir)
        if sca.exists() and not force:
            results[n] = RunResult(config, n, sca, vec, skipped=True)
            if on_done:
                on_done(results[n])
        else:
            todo.append(n)
    nedpath_s = [str(p) for p in nedpath] if nedpath is not None else None
    calls = (joblib.delayed(_one)(str(Path(ini_path)), config, n, nedpath_s, result_dir, sim_time_limit,
                                     list(overrides)) for n in todo)
    if dask_address:
        from dask.distributed import Client  # optional extra: pip install 'qcity[dask]'

        with Client(dask_address), joblib.parallel_config(backend="dask"):
            done = joblib.Parallel(return_as="generator")(calls)
            for r in done:
                results[r.run_number] = r
                if on_done:
                    on_done(r)
    else:
        for r in joblib.Parallel(n_jobs=jobs, return_as="generator")(calls):
            results[r.run_number] = r
            if on_done:
                on_done(r)
    return [results[n] for n in numbers]
