"""Learned routing (seed 003's AI model): experience recording, training, the scorer, its hooks."""

from __future__ import annotations

import analysis_scripts
import numpy as np
import pandas as pd
import pytest
from linenet import LINE_INI, LINE_NED, STAGGERED_LINE_NED

from qcity import results
from qcity.reports.routing import experience_frame
from qcity.routing import hooks, learned
from qcity.sim.runner import execute_run

# the first matching line wins inside a section, so the exp* vectors go before **.vector-recording
EXPERIENCE_INI = LINE_INI.replace("[General]\n", "[General]\n**.net.exp*.vector-recording = true\n") + """
Line.n = 8
**.device[*].net.routingHook = "qcity.routing.hooks:RandomExploration"
**.net.recordExperience = true
"""


def _synthetic_experience(rows: int = 600, seed: int = 0) -> pd.DataFrame:
    """Decisions whose delivery gets likelier with link quality and whose delay grows with the queue."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "energyFraction": rng.uniform(0.2, 1, rows), "linkQuality": rng.uniform(0.3, 1, rows),
        "distance": rng.uniform(10, 110, rows), "queueLength": rng.integers(0, 5, rows).astype(float),
        "hops": rng.integers(0, 4, rows).astype(float), "pathEtx": rng.uniform(1, 5, rows),
        "delay": rng.uniform(0.005, 0.05, rows),
    })
    frame["delivered"] = (rng.uniform(size=rows) < frame.linkQuality).astype(float)
    frame["elapsed"] = 0.01 + 0.02 * frame.queueLength + rng.normal(0, 0.002, rows)
    return frame


def test_experience_rows_record_each_decision_and_its_outcome(scenario):
    r = execute_run(scenario(STAGGERED_LINE_NED, EXPERIENCE_INI), "General", 0)
    frame = experience_frame(str(r.vec_path))
    assert set(learned.FEATURES) <= set(frame.columns) and set(frame.delivered.unique()) == {0.0, 1.0}
    assert (frame.elapsed >= 0).all() and (frame.linkQuality > 0).all()
    # device k chooses among neighbours k hops from the gateway
    per_node = frame.groupby("module").hops
    for k in range(8):
        assert (per_node.get_group(f"Line.device[{k}].net") == k).all()
    # the farthest device relays nothing: each of its delivered rows is one of its own ACKed readings
    sc = results.get_scalars(results.read_result_files(str(r.sca_path)))
    acked = sc[(sc.module == "Line.device[7].app") & (sc.name == "ackedPk:count")].value.iloc[0]
    assert frame[frame.module == "Line.device[7].net"].delivered.sum() == acked
    # decisions through a weaker link fail more often
    weak = frame.linkQuality < frame.linkQuality.median()
    assert frame[weak].delivered.mean() < frame[~weak].delivered.mean()


def test_recording_experience_does_not_change_the_run(scenario):
    ini = scenario(STAGGERED_LINE_NED, EXPERIENCE_INI)
    on = execute_run(ini, "General", 0, sim_time_limit="15s")
    off = execute_run(ini, "General", 0, sim_time_limit="15s", overrides=["**.net.recordExperience=false"])
    assert on.fingerprint == off.fingerprint and on.events == off.events


def test_experience_frame_errors_name_what_is_missing(scenario, tmp_path):
    one_missing = LINE_INI.replace("[General]\n", "[General]\n**.net.expHops:vector.vector-recording = false\n"
                                   "**.net.exp*.vector-recording = true\n")
    r = execute_run(scenario(LINE_NED, one_missing + "**.net.recordExperience = true\n"), "General", 0, sim_time_limit="10s")
    with pytest.raises(ValueError, match="incomplete"):
        experience_frame(str(r.vec_path))
    without = execute_run(scenario(LINE_NED, LINE_INI), "General", 0, sim_time_limit="5s")
    with pytest.raises(ValueError, match="recordExperience = true"):
        experience_frame(str(without.sca_path))


def test_scorer_learns_from_experience_and_round_trips(tmp_path):
    scorer = learned.train(_synthetic_experience(2000))
    good, bad = _synthetic_experience(200, seed=1), _synthetic_experience(200, seed=1)
    good["linkQuality"], bad["linkQuality"] = 0.95, 0.35
    p_good, _ = scorer.predict(good[list(learned.FEATURES)].to_numpy())
    p_bad, _ = scorer.predict(bad[list(learned.FEATURES)].to_numpy())
    assert p_good.mean() > p_bad.mean() + 0.25  # true difference 0.6; a small net fits part of it
    idle, busy = _synthetic_experience(200, seed=2), _synthetic_experience(200, seed=2)
    idle["queueLength"], busy["queueLength"] = 0.0, 4.0
    assert scorer.predict(busy[list(learned.FEATURES)].to_numpy())[1].mean() > \
        scorer.predict(idle[list(learned.FEATURES)].to_numpy())[1].mean() + 0.04
    path = tmp_path / "model.npz"
    scorer.save(path)
    again = learned.RouteScorer.load(path)
    x = good[list(learned.FEATURES)].to_numpy()
    np.testing.assert_allclose(again.loss(x), scorer.loss(x))


def test_numpy_forward_pass_matches_scikit_learn():
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    frame = _synthetic_experience()
    x = frame[list(learned.FEATURES)].to_numpy()
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    clf = MLPClassifier(hidden_layer_sizes=(8, 4), random_state=0, max_iter=300).fit(x, frame.delivered.astype(int))
    reg = MLPRegressor(hidden_layer_sizes=(8,), random_state=0, max_iter=300).fit(x, frame.elapsed)
    p = 1 / (1 + np.exp(-learned._forward(learned._mlp_layers(clf), x)))
    np.testing.assert_allclose(p, clf.predict_proba(x)[:, 1], rtol=1e-9)
    np.testing.assert_allclose(learned._forward(learned._mlp_layers(reg), x), reg.predict(x), rtol=1e-9)


def test_training_refuses_data_it_cannot_learn_from():
    with pytest.raises(ValueError, match="too few"):
        learned.train(_synthetic_experience(20))
    same = _synthetic_experience()
    same["delivered"] = 1.0
    with pytest.raises(ValueError, match="same outcome"):
        learned.train(same)


def test_bad_model_files_are_reported(tmp_path):
    junk = tmp_path / "junk.npz"
    junk.write_text("not a model")
    with pytest.raises(ValueError, match="not a routing model file"):
        learned.RouteScorer.load(junk)
    scorer = learned.train(_synthetic_experience())
    scorer.save(tmp_path / "m.npz")
    data = dict(np.load(tmp_path / "m.npz"))
    data["features"] = np.asarray(["linkQuality"])
    np.savez(tmp_path / "other.npz", **data)
    with pytest.raises(ValueError, match="trained on features"):
        learned.RouteScorer.load(tmp_path / "other.npz")


def _request(**columns) -> dict:
    n = len(columns["address"])
    base = {"hops": [1] * n, "linkQuality": [0.9] * n, "pathEtx": [2.0] * n, "delay": [0.02] * n,
            "residualEnergy": [1.0] * n, "energyFraction": [0.5] * n, "queueLength": [0] * n, "distance": [60.0] * n}
    base.update(columns)
    return {"node": 0, "hops": 2, "candidates": base}


def test_neural_hooks_choose_by_predicted_loss_then_by_eq7():
    router = hooks.neural()
    request = _request(address=[7, 8, 9], linkQuality=[0.4, 0.95, 0.6])
    losses = router._scorer(request).loss(np.column_stack([learned._column(request, f) for f in learned.FEATURES]))
    assert router(request) == [7, 8, 9][int(np.argmin(losses))]
    # two candidates the model cannot tell apart: Eq. 7 prefers the one with more energy
    energy_router = hooks.neural_energy()
    twins = _request(address=[3, 4], residualEnergy=[0.5, 1.5])
    assert energy_router(twins) == 4


def test_neural_routing_runs_in_the_network(scenario):
    ini = scenario(STAGGERED_LINE_NED, LINE_INI + "Line.n = 8\n")
    for policy in ("neural", "neural_energy"):
        r = execute_run(ini, "General", 0, sim_time_limit="20s",
                        overrides=[f'**.device[*].net.routingHook="qcity.routing.hooks:{policy}"'])
        sc = results.get_scalars(results.read_result_files(str(r.sca_path)))
        received = sc[(sc.module == "Line.controlCenter") & (sc.name == "rxPk:count")].value.iloc[0]
        sent = sc[sc.name == "sentPk:count"].value.sum()
        assert received >= 0.9 * sent


def test_training_script_fits_on_one_seed_set_and_checks_on_another(scenario, capsys):

    ini = scenario(STAGGERED_LINE_NED, EXPERIENCE_INI)
    for seed_set in (5, 6):
        execute_run(ini, "General", 0, sim_time_limit="20s", overrides=[f"seed-set={seed_set}"],
                    result_dir=f"results/s{seed_set}")
    module = analysis_scripts.load("train_routing_nn")
    assert module.main(["results/s5", "results/s6", "-o", "model.npz"]) == 0
    out = capsys.readouterr().out
    assert "fitted on seed set 5" in out and "checked on [6]" in out and "delivery AUC" in out
    learned.RouteScorer.load("model.npz")


def test_neural_hooks_load_the_model_routing_settings_name(tmp_path):
    scorer = learned.RouteScorer.load(learned.DEFAULT_MODEL)
    other = tmp_path / "other.npz"
    scorer.save(other)
    request = _request(address=[7, 8], linkQuality=[0.4, 0.95])
    router = hooks.neural()
    assert router({**request, "settings": f"model={other}"}) in (7, 8)
    assert router.scorer is not None
    with pytest.raises(ValueError, match="not a routing model file"):
        hooks.neural()({**request, "settings": f"model={tmp_path / 'missing.npz'}"})
    with pytest.raises(ValueError, match="unknown routing setting 'depth=2'"):
        hooks.neural()({**request, "settings": "depth=2"})

