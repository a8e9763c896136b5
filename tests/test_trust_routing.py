"""Trust-aware backbone routing (seed 000): TrustRouter, attacks, trust, the policies and training."""

from __future__ import annotations

from pathlib import Path

import analysis_scripts
import numpy as np
import pytest

from qcity import results
from qcity.backbone import hooks as trust
from qcity.sim.runner import execute_run

GRID_NED = """
import qcity.backbone.BackboneGateway;

network Grid
{
    parameters:
        int rows = default(3);
        int cols = default(3);
    submodules:
        gw[rows * cols]: BackboneGateway { sink = index == 0; }
    connections:
        for k=0..rows*cols-1 {
            gw[k].port++ <--> { datarate = 10Mbps; delay = 100us; } <--> gw[k + 1].port++ if (k + 1) % cols != 0;
            gw[k].port++ <--> { datarate = 10Mbps; delay = 100us; } <--> gw[k + cols].port++ if k + cols < rows * cols;
        }
}
"""

GRID_INI = """
[General]
network = Grid
sim-time-limit = 20s
**.vector-recording = false
"""


def _totals(r) -> dict:
    sc = results.get_scalars(results.read_result_files(str(r.sca_path)))
    return {name: float(group.value.sum()) for name, group in sc.groupby("name")} | {"_frame": sc}


def test_messages_reach_the_sink_over_the_grid_and_are_acknowledged(scenario):
    t = _totals(execute_run(scenario(GRID_NED, GRID_INI), "General", 0))
    assert t["rxPk:count"] >= 0.99 * t["sentPk:count"] > 1000
    assert t["ackedPk:count"] >= 0.99 * t["sentPk:count"]
    sc = t["_frame"]
    assert sc[(sc.module == "Grid.gw[0].app") & (sc.name == "hopCount:max")].value.iloc[0] == 4  # the far corner
    assert t["dropAttack:count"] == 0 and t["compromised"] == 0


def test_black_holes_swallow_what_they_should_relay(scenario):
    ini = scenario(GRID_NED, GRID_INI + "**.router.attackProbability = 1\n**.router.blackHoleShare = 1\n")
    t = _totals(execute_run(ini, "General", 0))
    sc = t["_frame"]
    assert t["compromised"] == 2 * 8  # every gateway but the sink
    # only the sink's neighbours' own messages get through: one hop
    assert sc[(sc.module == "Grid.gw[0].app") & (sc.name == "hopCount:max")].value.iloc[0] == 1
    assert t["dropAttack:count"] > 0


def test_trust_steers_around_compromised_gateways(scenario):
    ratios = []
    for seed in range(4):  # four attacker placements, 1 to 11 of the 15 gateways compromised
        ini = scenario(GRID_NED.replace("default(3)", "default(4)"),
                       GRID_INI + f"**.router.attackProbability = 0.3\nseed-set = {seed}\n")
        standard = _totals(execute_run(ini, "General", 0))
        trusted = _totals(execute_run(ini, "General", 0, overrides=['**.router.routingHook="qcity.backbone.hooks:trust_threshold"']))
        assert standard["compromised"] > 0 and standard["compromised"] == trusted["compromised"]  # same attackers
        share = {name: t["chosenCompromised:sum"] / t["chosenCompromised:count"] for name, t in
                 (("standard", standard), ("trusted", trusted))}
        assert share["trusted"] < share["standard"], seed
        assert trusted["rxPk:count"] / trusted["sentPk:count"] > standard["rxPk:count"] / standard["sentPk:count"], seed
        ratios.append(share["trusted"] / share["standard"])
    assert np.mean(ratios) < 0.5  # trust halves the traffic handed to attackers


def test_q_learning_trains_over_episodes_then_acts_greedily_and_reproducibly(scenario, tmp_path):
    ini = scenario(GRID_NED, GRID_INI + '**.router.attackProbability = 0.3\n**.router.routingHook = "qcity.backbone.hooks:QLearningRouting"\n'
                   '**.router.qTableDir = "tables"\n')
    for episode in (100, 101):
        execute_run(ini, "General", 0, sim_time_limit="10s", overrides=["**.router.learning=true", f"seed-set={episode}"])
    with np.load(tmp_path / "tables" / "gateway4.npz") as table:
        assert int(table["episodes"]) == 2 and table["visits"].sum() > 100
        assert table["q"][:, trust.FORWARD].max() > 0.5  # delivering pays
    assert not list((tmp_path / "tables").glob("*.lock"))
    first = execute_run(ini, "General", 0)
    again = execute_run(ini, "General", 0)
    assert first.fingerprint == again.fingerprint
    assert _totals(first)["rxPk:count"] > 0
    with np.load(tmp_path / "tables" / "gateway4.npz") as table:
        assert int(table["episodes"]) == 2  # evaluation leaves the tables alone


def test_q_learning_errors_are_clear(scenario, tmp_path):
    ini = scenario(GRID_NED, GRID_INI + '**.router.routingHook = "qcity.backbone.hooks:QLearningRouting"\n'
                   '**.router.qTableDir = "tables"\n')
    with pytest.raises(RuntimeError, match="does not exist: train first"):
        execute_run(ini, "General", 0, sim_time_limit="1s")
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "gateway3.lock").touch()
    with pytest.raises(RuntimeError, match="being trained by another run"):
        execute_run(ini, "General", 0, sim_time_limit="1s", overrides=["**.router.learning=true"])
    with pytest.raises(RuntimeError, match="epsilon must be in"):
        execute_run(ini, "General", 0, sim_time_limit="1s", overrides=["**.router.learning=true", "**.router.epsilon=2",
                                                                      '**.router.qTableDir=""'])


@pytest.mark.parametrize("hook,message", [
    ("backbone_as_int", "must answer a decide event with"),
    ("backbone_unknown_action", 'unknown action "teleport"'),
    ("backbone_to_nobody", "chose gateway 99, which is not one of the candidates"),
    ("backbone_forward_without_next", 'a forward action needs "next"'),
])
def test_broken_backbone_hooks_fail_with_the_module_path(scenario, hook, message):
    ini = scenario(GRID_NED, GRID_INI + f'**.router.routingHook = "hookfuncs:{hook}"\n')
    with pytest.raises(RuntimeError, match=r"Grid\.gw") as err:
        execute_run(ini, "General", 0, sim_time_limit="2s")
    assert message in str(err.value)


@pytest.mark.parametrize("setting,message", [
    ("**.router.ackTimeout = 0s", "ackTimeout"),
    ("**.router.attackProbability = 1.5", "must be in [0, 1]"),
    ("**.router.queueLimit = 0", "queueLimit >= 1"),
])
def test_out_of_range_backbone_parameters_are_rejected(scenario, setting, message):
    with pytest.raises(RuntimeError) as err:
        execute_run(scenario(GRID_NED, GRID_INI + setting + "\n"), "General", 0, sim_time_limit="1s")
    assert message in str(err.value)


def test_a_backbone_without_sink_is_reported(scenario):
    with pytest.raises(RuntimeError, match="no sink gateway reachable"):
        execute_run(scenario(GRID_NED.replace("sink = index == 0", "sink = false"), GRID_INI), "General", 0)


def _decide(**columns) -> dict:
    n = len(columns["address"])
    base = {"trust": [0.5] * n, "evidence": [10.0] * n, "stability": [1.0] * n, "qkdUp": [True] * n,
            "load": [0] * n, "hops": [1] * n}
    base.update(columns)
    return {"event": "decide", "node": 0, "decision": 0, "packet": {"source": 1, "seq": 0, "delaysLeft": 10, "age": 0.0},
            "candidates": base}


def test_states_separate_unknown_neighbours_and_links_without_qkd():
    states = trust.candidate_states(_decide(address=[1, 2, 3, 4], trust=[0.9, 0.9, 0.9, 0.1],
                                            evidence=[10, 1, 10, 10], qkdUp=[True, True, False, True]))
    assert len(set(states.tolist())) == 4 and states.max() < trust.N_STATES


def test_trust_threshold_prefers_trusted_then_least_loaded():
    assert trust.trust_threshold(_decide(address=[5, 6, 7], trust=[0.3, 0.7, 0.9], load=[0, 1, 3]))["next"] == 6
    assert trust.trust_threshold(_decide(address=[5, 6], trust=[0.1, 0.3]))["next"] == 6
    assert trust.trust_threshold({"event": "outcome"}) is None


def test_trust_analysis_script_prints_the_table(scenario, capsys):
    ini = scenario(GRID_NED, GRID_INI + "**.router.attackProbability = 0.3\n")
    execute_run(ini, "General", 0, sim_time_limit="5s", result_dir="res")
    execute_run(ini, "General", 0, sim_time_limit="5s", result_dir="res2",
                overrides=['**.router.routingHook="qcity.backbone.hooks:trust_threshold"'])
    module = analysis_scripts.load("trust_routing")
    runs = module.run_metrics(["res", "res2"])
    assert len(runs) == 2 and runs.pdr.between(0, 1).all()
    assert module.main(["res", "-o", "trust"]) == 0
    assert "pdr" in capsys.readouterr().out and Path("trust_table.csv").exists()
