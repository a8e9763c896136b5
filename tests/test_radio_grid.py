"""The radio medium's grid search finds the same receivers, in the same order, as checking every radio:
with shadowing that does not depend on which pairs are looked at ("hashed"), a run is the same run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qcity import results
from qcity.sim.runner import execute_run

INI = Path(__file__).resolve().parent.parent / "omnetpp_models" / "scenarios" / "smartcity" / "omnetpp.ini"
# a city wider than a transmission's reach (about 1.5 km at 0 dBm with 4-sigma shadowing), so the grid leaves
# radios out
WIDE_CITY = ["SmartCity.numDevices=80", "SmartCity.numGateways=16", "SmartCity.areaSize=4000m"]
HASHED = ['**.radioMedium.shadowing="hashed"']
GRID = '**.radioMedium.neighbourSearch="grid"'


def _run(out: Path, *overrides: str, shadowing: tuple[str, ...] = tuple(HASHED)):
    r = execute_run(INI, "SmartCity", 0, result_dir=str(out), sim_time_limit="10s",
                    overrides=[*WIDE_CITY, *shadowing, *overrides])
    sc = results.get_scalars(results.read_result_files(str(r.sca_path)))
    return r, {(m, n): v for m, n, v in zip(sc.module, sc.name, sc.value)}


def test_the_grid_search_gives_the_exhaustive_searchs_run(tmp_path):
    every, s_every = _run(tmp_path / "exhaustive")
    grid, s_grid = _run(tmp_path / "grid", GRID)
    assert every.events == grid.events > 0 and every.fingerprint == grid.fingerprint
    checks = ("SmartCity.radioMedium", "receiverChecks")
    assert s_grid[checks] < s_every[checks]  # it looked at fewer radios ...
    del s_every[checks], s_grid[checks]
    np.testing.assert_equal(s_grid, s_every)  # ... and every statistic is the same (NaN equals NaN here)
    assert sum(v for (m, n), v in s_grid.items() if n == "rxPk:count") > 0


@pytest.mark.parametrize("overrides,message", [
    (['**.radioMedium.neighbourSearch="nearest"'], "neighbourSearch must be"),
    (["**.radioMedium.hashedShadowingLimit=0"], "hashedShadowingLimit must be positive"),
    ([GRID, "**.radioMedium.gridCellSize=0m"], "gridCellSize must be positive"),
])
def test_bad_search_settings_are_refused(tmp_path, overrides, message):
    with pytest.raises(RuntimeError, match=message):
        _run(tmp_path, *overrides)


def test_the_grid_refuses_shadowing_drawn_for_the_pairs_looked_at(tmp_path):
    with pytest.raises(RuntimeError, match='grid.* needs shadowing .hashed.*"link" shadowing draws for every pair'):
        _run(tmp_path, GRID, shadowing=())
    _run(tmp_path, GRID, "**.radioMedium.shadowingStdDev=0", shadowing=())  # no shadowing: nothing to draw


def test_hashed_shadowing_changes_with_the_seed_and_not_otherwise(tmp_path):
    _, first = _run(tmp_path / "a")
    _, again = _run(tmp_path / "b")
    _, other = _run(tmp_path / "c", "seed-set=7")
    np.testing.assert_equal(again, first)
    assert any(v != other.get(k) for k, v in first.items() if v == v)


def test_a_scale_sweep_on_a_dask_cluster_gives_the_local_sweeps_results(tmp_path):
    # The Scale config's first two cities (100 and 1,000 devices) on two worker processes, against
    # one local process: same events, fingerprints and scalars.
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed (pip install '.[dask]')")
    from qcity.sim.sweep import sweep

    def scalars(folder: Path):
        df = results.get_scalars(results.read_result_files(str(folder)), include_runattrs=True)
        return df[["runnumber", "module", "name", "value"]].sort_values(["runnumber", "module", "name"]).reset_index(drop=True)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = sweep(INI, "Scale", runs=[0, 1], result_dir=str(tmp_path / "dask"), sim_time_limit="0.5s",
                       dask_address=cluster.scheduler_address)
    local = sweep(INI, "Scale", runs=[0, 1], result_dir=str(tmp_path / "local"), sim_time_limit="0.5s", jobs=1)
    assert [(r.events, r.fingerprint) for r in remote] == [(r.events, r.fingerprint) for r in local]
    assert local[1].events > local[0].events > 0
    table = scalars(tmp_path / "local")
    assert table.runnumber.nunique() == 2
    assert scalars(tmp_path / "dask").equals(table)
