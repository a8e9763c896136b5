"""Multi-hop access network: MeshRouter beacons, next-hop choice, reverse routes, routing hooks."""

from __future__ import annotations

import analysis_scripts
import numpy as np
import pytest
from linenet import LINE_INI, LINE_NED, STAGGERED_LINE_NED

from qcity import results
from qcity.reports.routing import SEED003_REPORTED, comparison_table, run_metrics
from qcity.routing import hooks
from qcity.routing.metrics import MIN_LINK_LOSS, energy_aware_metric
from qcity.sim.runner import execute_run


def _scalars(r) -> dict:
    df = results.get_scalars(results.read_result_files(str(r.sca_path)))
    return {(row.module, row.name): row.value for row in df.itertuples()}


def test_line_topology_relays_over_as_many_hops_as_devices_and_replies_come_back(scenario):
    s = _scalars(execute_run(scenario(LINE_NED, LINE_INI), "General", 0))
    for k in range(4):
        assert s[(f"Line.device[{k}].net", "hopsToGateway:last")] == k + 1
    cc = "Line.controlCenter"
    assert s[(cc, "hopCount:max")] == 4
    assert s[(cc, "hopCount:mean")] == pytest.approx(2.5, abs=0.3)  # four devices, 1-4 hops, similar loads
    sent = sum(s[(f"Line.device[{k}].app", "sentPk:count")] for k in range(4))
    assert s[(cc, "rxPk:count")] >= 0.95 * sent
    # PUBACKs travel the reverse path back to the farthest device
    assert s[("Line.device[3].app", "ackedPk:count")] >= 0.9 * s[("Line.device[3].app", "sentPk:count")]
    # device k relays for the devices behind it: the nearest relays most, the last one nothing
    relayed = [s[(f"Line.device[{k}].net", "forwarded:count")] for k in range(4)]
    assert relayed[3] == 0 and relayed[0] > relayed[1] > relayed[2] > 0
    latency_parts = ["Processing", "RouteWait", "MacQueueing", "MacAccess", "Transmission", "Propagation",
                     "GatewayQueueing", "GatewayProcessing", "Backhaul", "RetransmissionWait"]
    total = sum(s[(cc, f"latency{p}:mean")] for p in latency_parts)
    assert total == pytest.approx(s[(cc, "endToEndDelay:mean")], rel=1e-9)
    # relaying costs energy: the relays listen all the time
    assert s[("Line.device[0].energy", "consumedEnergy:last")] > 40 * 0.05


def test_python_shortest_path_hook_reproduces_the_builtin_policy(scenario):
    ini = scenario(STAGGERED_LINE_NED, LINE_INI + "Line.n = 8\n")
    builtin = execute_run(ini, "General", 0)
    python = execute_run(ini, "General", 0, overrides=['**.device[*].net.routingHook="qcity.routing.hooks:shortest_path"'])
    assert builtin.fingerprint == python.fingerprint and builtin.events == python.events
    checked = execute_run(ini, "General", 0, overrides=['**.device[*].net.routingHook="hookfuncs:route_first_candidate_checked"'])
    assert checked.events > 0


def test_policy_drops_are_counted(scenario):
    ini = scenario(LINE_NED, LINE_INI + '**.device[*].net.routingHook = "hookfuncs:route_drop_all"\n')
    s = _scalars(execute_run(ini, "General", 0, sim_time_limit="10s"))
    assert s[("Line.controlCenter", "rxPk:count")] == 0
    assert sum(s[(f"Line.device[{k}].net", "dropByPolicy:count")] for k in range(4)) > 0


@pytest.mark.parametrize("hook,message", [
    ("route_as_string", "must return a candidate's MAC address (int) or -1, got a str"),
    ("route_to_nobody", "chose MAC address 10000, which is not one of the candidates"),
])
def test_broken_routing_hooks_fail_with_the_module_path(scenario, hook, message):
    ini = scenario(LINE_NED, LINE_INI + f'**.device[*].net.routingHook = "hookfuncs:{hook}"\n')
    with pytest.raises(RuntimeError, match="Line.device") as err:
        execute_run(ini, "General", 0)
    assert message in str(err.value)


@pytest.mark.parametrize("setting,message", [
    ("**.net.beaconInterval = 0s", "beaconInterval > 0"),
    ("**.net.neighbourTimeout = 1s", "must exceed beaconInterval"),
    ("**.net.minLinkQuality = 1.5", "minLinkQuality"),
    ('**.net.progress = "distance"', 'progress must be "hops" or "etx"'),
    ("**.net.maxHops = 0", "maxHops >= 1"),
    ("**.net.experienceTimeout = 0s", "experienceTimeout > 0"),
])
def test_out_of_range_router_parameters_are_rejected(scenario, setting, message):
    ini = scenario(LINE_NED, LINE_INI + setting + "\n")
    with pytest.raises(RuntimeError, match="MeshRouter|net") as err:
        execute_run(ini, "General", 0)
    assert message in str(err.value)


def _request(**columns) -> dict:
    n = len(columns["address"])
    base = {"hops": [1] * n, "linkQuality": [1.0] * n, "pathEtx": [1.0] * n, "delay": [0.01] * n,
            "residualEnergy": [1.0] * n, "energyFraction": [0.5] * n, "queueLength": [0] * n, "distance": [50.0] * n}
    base.update(columns)
    return {"node": 99, "hops": 3, "residualEnergy": 1.0, "queueLength": 0,
            "packet": {"deviceId": 0, "hopCount": 0, "bytes": 72}, "candidates": base}


def test_policies_pick_by_their_own_criterion():
    r = _request(address=[7, 8, 9], hops=[2, 1, 1], pathEtx=[2.0, 3.5, 1.5])
    assert hooks.shortest_path(r) == 9  # fewest hops, then ETX
    assert hooks.min_etx(r) == 9
    r = _request(address=[7, 8], hops=[2, 1], pathEtx=[2.0, 3.5])
    assert hooks.shortest_path(r) == 8 and hooks.min_etx(r) == 7
    # seed 003: M = E / (D x L); 8 has half the energy but a quarter of the loss
    r = _request(address=[7, 8], residualEnergy=[1.0, 0.5], linkQuality=[0.6, 0.9], delay=[0.02, 0.02])
    assert hooks.energy_aware(r) == 8
    # a gateway (mains power) in reach wins; between two, the shorter delay
    r = _request(address=[1, 2, 3], residualEnergy=[np.inf, np.inf, 2.0], delay=[0.02, 0.01, 0.001])
    assert hooks.energy_aware(r) == 2


def test_energy_aware_metric_follows_eq7_and_clamps_perfect_links():
    m = energy_aware_metric([2.0, 1.0], [0.01, 0.02], [0.1, 0.0])
    assert m[0] == pytest.approx(2.0 / (0.01 * 0.1))
    assert m[1] == pytest.approx(1.0 / (0.02 * MIN_LINK_LOSS))
    with pytest.raises(ValueError, match="positive"):
        energy_aware_metric([1.0], [0.0], [0.5])


def test_routing_report_from_result_files(scenario):
    ini = scenario(LINE_NED, LINE_INI + "warmup-period = 5s\nLine.n = ${n=2,3}\n")
    for run in range(2):
        execute_run(ini, "General", run, sim_time_limit="20s")
    runs = run_metrics(str(ini.parent / "results"))
    assert sorted(runs.n) == [2, 3]
    assert ((runs.pdr > 0.9) & (runs.pdr <= 1)).all()
    assert (runs.energy_J > 0).all() and (runs.hops > 1).all()
    table = comparison_table(runs, by=("n",))
    assert list(table.index) == [2, 3] and (table.runs == 1).all()
    with pytest.raises(ValueError, match="no iteration variable"):
        comparison_table(runs, by=("routing",))
    assert set(SEED003_REPORTED.scheme) == {"proposed", "CSR", "AI-R"}


def test_warmup_period_hides_early_values_without_changing_the_run(scenario):
    ini = scenario(LINE_NED, LINE_INI)
    full = execute_run(ini, "General", 0, sim_time_limit="20s")
    full_s = _scalars(full)
    warm = execute_run(ini, "General", 0, sim_time_limit="20s", overrides=["warmup-period=10s"])
    warm_s = _scalars(warm)
    assert warm.fingerprint == full.fingerprint and warm.events == full.events
    beacons = ("Line.device[0].net", "beaconsSent:count")
    assert 0.35 * full_s[beacons] < warm_s[beacons] < 0.65 * full_s[beacons]  # one beacon per ~2 s either way
    # readings created during the warm-up are left out at both ends, so the PDR stays a ratio
    sent = sum(warm_s[(f"Line.device[{k}].app", "sentPk:count")] for k in range(4))
    assert 0.9 * sent <= warm_s[("Line.controlCenter", "rxPk:count")] <= sent


def test_a_negative_warmup_period_is_an_error(scenario):
    from qcity.errors import IniError

    ini = scenario(LINE_NED, LINE_INI + "warmup-period = -1s\n")
    with pytest.raises(IniError, match=r"omnetpp.ini:\d+: (warmup-period must not be negative|time limit must not be negative)"):
        execute_run(ini, "General", 0, sim_time_limit="20s")


def test_a_warmup_period_past_the_end_runs_and_records_nothing(scenario):
    # opp_run runs it too (MultiHop's 6 s warm-up with a shorter --sim-time-limit): statistics stay empty
    ini = scenario(LINE_NED, LINE_INI + "warmup-period = 20s\n")
    r = execute_run(ini, "General", 0, sim_time_limit="10s")
    s = _scalars(r)
    assert r.events > 1000
    assert s[("Line.device[0].app", "sentPk:count")] == 0 and s[("Line.controlCenter", "rxPk:count")] == 0


def test_routing_analysis_script_draws_the_comparison(tmp_path, capsys):
    """analysis/routing_comparison.py on a two-policy, one-size cut of the Routing config."""
    pytest.importorskip("matplotlib", reason="plotting needs the analysis extra")
    from pathlib import Path

    from qcity.sim.sweep import sweep

    root = Path(__file__).resolve().parent.parent
    ini = root / "omnetpp_models" / "scenarios" / "smartcity" / "omnetpp.ini"
    sweep(ini, "Routing", [0, 4], result_dir=str(tmp_path / "res"), jobs=1, sim_time_limit="12s",
          overrides=["SmartCity.numDevices=30"])
    script = analysis_scripts.load("routing_comparison")
    assert script.main([str(tmp_path / "res"), "-o", str(tmp_path / "routing")]) == 0
    out = capsys.readouterr().out
    assert "energy_aware" in out and "shortest_path" in out and "seed 003" in out
    assert (tmp_path / "routing_comparison.png").stat().st_size > 10_000
    assert (tmp_path / "routing_table.csv").exists()
