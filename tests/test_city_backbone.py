"""The smart city over a gateway backbone: TrustRouter relays readings, replies and federated
messages between the gateways and the control centre's gateway, and the trust policies steer
around compromised gateways inside the full scenario."""

from __future__ import annotations

import shutil

import analysis_scripts
import pytest
from test_federated import FEDERATED_CITY
from test_flow_ids import ATTACKED_CITY, CITY_RADIO, SCEN

from qcity import results
from qcity.backbone import hooks as trust
from qcity.sim.runner import execute_run

CITY = CITY_RADIO + """sim-time-limit = 15s
SmartCity.numGateways = 9
SmartCity.numDevices = 40
SmartCity.areaSize = 300m
SmartCity.backbone = true
**.app.sendInterval = exponential(500ms)
"""


def _run(tmp_path, text, name="r", overrides=()):
    shutil.copy(SCEN / "SmartCity.ned", tmp_path)
    ini = tmp_path / f"{name}.ini"
    ini.write_text(text)
    return execute_run(ini, "General", 0, result_dir=str(tmp_path / name), overrides=list(overrides))


def _by_module(r) -> dict:
    sc = results.get_scalars(results.read_result_files(str(r.sca_path)))
    return {(row.module, row.name): row.value for row in sc.itertuples()}


def _total(s: dict, name: str, module_part: str = "") -> float:
    return sum(v for (m, n), v in s.items() if n == name and module_part in m)


def test_readings_and_replies_cross_the_gateway_mesh(tmp_path):
    s = _by_module(_run(tmp_path, CITY))
    cc = "SmartCity.controlCenter"
    # 3 x 3 grid, control centre behind gateway 0 (a corner): gateway g is row + column links away
    serving = [g for g in range(9) if s[(f"SmartCity.gateway[{g}].router", "forwarded:count")] > 0]
    farthest = max(serving, key=lambda g: g // 3 + g % 3)
    assert farthest // 3 + farthest % 3 >= 3
    assert s[(cc, "backboneHops:max")] == farthest // 3 + farthest % 3
    assert 1 < s[(cc, "backboneHops:mean")] < s[(cc, "backboneHops:max")]
    sent = _total(s, "sentPk:count", "device[")
    assert s[(cc, "rxPk:count")] > 0.9 * sent
    assert _total(s, "ackedPk:count", "device[") > 0.9 * sent  # the replies found their way back
    assert _total(s, "dropNoRoute:count") == 0 and _total(s, "dropAttack:count") == 0
    # the sink hands everything to the control centre without a routing decision
    assert s[("SmartCity.gateway[0].relay", "chosenCompromised:count")] == 0
    assert s[(f"SmartCity.gateway[{farthest}].relay", "chosenCompromised:count")] > 0
    # backhaul latency now spans the mesh: more than the 2 ms link to the control centre
    assert s[(cc, "latencyBackhaul:mean")] > 0.002


def test_identity_check_uses_the_entry_gateway_not_the_port(tmp_path):
    # every reading reaches the control centre on one port now; the spoofer is still caught
    s = _by_module(_run(tmp_path, ATTACKED_CITY + "SmartCity.backbone = true\n"))
    cc = "SmartCity.controlCenter"
    assert s[(cc, "spoofReadings")] > 0
    assert s[(cc, "spoofFlagged")] > 0 and s[(cc, "spoofFalseAlerts")] == 0


def test_federated_rounds_cross_the_backbone_both_ways(tmp_path):
    s = _by_module(_run(tmp_path, FEDERATED_CITY + "SmartCity.backbone = true\n"))
    server = "SmartCity.fedServer"
    # every round needs every update up the mesh and the models down it
    assert s[(server, "fedRoundTime:count")] == 4 and s[(server, "fedRoundsFailed:count")] == 0
    for g in range(4):
        assert s[(f"SmartCity.gateway[{g}].fed", "fedSent:count")] == 1 + 4
    assert _total(s, "dropNoRoute:count") == 0


def test_trust_policies_meet_the_same_attackers_and_trust_avoids_them(tmp_path):
    ini = SCEN / "omnetpp.ini"
    # TrustRouting's runs: policy major, seed set minor (5 each); run 0 least loaded, run 5 trust threshold
    done = {policy: execute_run(ini, "TrustRouting", run, sim_time_limit="20s", result_dir=str(tmp_path))
            for policy, run in (("least_loaded", 0), ("trust_threshold", 5))}
    runs = {policy: _by_module(r) for policy, r in done.items()}
    compromised = {p: {m for (m, n), v in s.items() if n == "compromised" and v > 0} for p, s in runs.items()}
    assert compromised["least_loaded"] and compromised["least_loaded"] == compromised["trust_threshold"]
    share = {p: _total(s, "chosenCompromised:sum") / _total(s, "chosenCompromised:count") for p, s in runs.items()}
    assert share["trust_threshold"] < 0.5 * share["least_loaded"]
    pdr = {p: s[("SmartCity.controlCenter", "rxPk:count")] / _total(s, "sentPk:count", "device[") for p, s in runs.items()}
    assert pdr["trust_threshold"] > pdr["least_loaded"]
    # the backbone's analysis script reads the city's runs, one row per policy
    script = analysis_scripts.load("trust_routing")
    table = script.comparison_table(script.run_metrics([str(r.sca_path) for r in done.values()]))
    assert list(table.index) == ["least_loaded", "trust_threshold"]
    assert table.loc["trust_threshold", "pdr"] == pytest.approx(pdr["trust_threshold"])


def _decide(evidence, acknowledged=True):
    n = len(evidence)
    return {"event": "decide", "node": 0, "decision": 7,
            "packet": {"source": 1, "seq": 0, "delaysLeft": 10, "age": 0.0, "acknowledged": acknowledged},
            "candidates": {"address": list(range(1, n + 1)), "trust": [0.1] * n, "evidence": evidence,
                           "stability": [1.0] * n, "qkdUp": [True] * n, "load": [0] * n, "hops": [1] * n}}


def _greedy_router(tmp_path, q_drop_best: bool):
    router = trust.QLearningRouting()
    router({"event": "init", "node": 0, "params": {"qTableDir": "", "learning": True, "epsilon": 0.0,
                                                   "learningRate": 0.1, "discountFactor": 0.9, "seed": 1}})
    if q_drop_best:  # a table that learnt to give up on every state
        router.q[:, trust.DROP] = 0.5
        router.q[:, trust.DELAY] = 0.4
        router.q[:, trust.FORWARD] = -1.0
    return router


def test_q_learning_tries_neighbours_it_knows_nothing_about(tmp_path):
    router = _greedy_router(tmp_path, q_drop_best=True)
    assert router(_decide(evidence=[0.0, 1.0]))["action"] == "forward"  # untried: tried, not judged
    assert router(_decide(evidence=[10.0, 10.0]))["action"] == "drop"   # known (and bad): the table decides


def test_q_learning_keeps_nothing_for_messages_without_replies(tmp_path):
    router = _greedy_router(tmp_path, q_drop_best=False)
    answer = router(_decide(evidence=[10.0, 10.0], acknowledged=False))
    assert answer["action"] in ("forward", "drop")
    assert not router.pending and not router.delayed
    router.q[:, trust.DELAY] = 5.0  # even a table that loves waiting does not hold it back
    assert router(_decide(evidence=[10.0, 10.0], acknowledged=False))["action"] != "delay"
    assert router(_decide(evidence=[10.0, 10.0]))["action"] == "delay"
