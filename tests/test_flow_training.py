"""Flow detectors trained on FlowTap logs of one run and judged on another's, offline and inside the simulation."""

from __future__ import annotations

import shutil

import analysis_scripts
import numpy as np
import pandas as pd
import pytest
from test_flow_ids import ATTACKED_CITY, SCEN

from qcity import results
from qcity.ids.data.datasets import DatasetError
from qcity.ids.flow.hooks import DEFAULT_MODEL, LearnedDetector
from qcity.ids.flow.logistic import LogisticDetector
from qcity.ids.flow.records import FEATURE_NAMES, RECORD_COLUMNS, read_flow_logs
from qcity.ids.flow.training import (
    judge,
    log_features,
    rule_alerts,
    run_of,
    train_detectors,
    train_logistic,
    window_of,
)
from qcity.sim.ini import IniFile
from qcity.sim.runner import execute_run

pytest.importorskip("sklearn")

# the rules without Q-IDS evidence, as offline (the logs do not carry it)
RULES_ALONE = '**.tap.detectorSettings = "fusion=0"\n'


def _city(folder, name: str, extra: str):
    shutil.copy(SCEN / "SmartCity.ned", folder)
    ini = folder / f"{name}.ini"
    ini.write_text(ATTACKED_CITY + extra)
    return execute_run(ini, "General", 0, result_dir=str(folder / name))


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """Two runs of the attacked city (seed sets 0 and 1) with flow logs under flows/."""
    d = tmp_path_factory.mktemp("flowlogs")
    runs = {}
    for seed in (0, 1):
        runs[seed] = _city(d, f"seed{seed}", f'seed-set = {seed}\n{RULES_ALONE}**.tap.flowLogPrefix = "{d / "flows" / f"seed{seed}"}"\n')
    return d, runs


def _tap_scalars(run) -> dict:
    sc = results.get_scalars(results.read_result_files(str(run.sca_path)))
    return {(row.module, row.name): row.value for row in sc.itertuples() if row.module.endswith(".tap")}


def test_offline_rules_judge_the_logs_as_the_simulation_did(logs):
    d, runs = logs
    frame = read_flow_logs(sorted((d / "flows").glob("seed0-*.csv")))
    assert set(frame.source.map(run_of)) == {"seed0"}
    window = window_of(frame)
    assert window == 2.0  # FlowTap's default window
    alerts = rule_alerts(frame, window)
    s = _tap_scalars(runs[0])
    gateway = frame.source.str.extract(r"gateway\[(\d+)\]")[0].astype(int)
    for (g, kind), part in frame.groupby([gateway, "attack"]):
        tap = f"SmartCity.gateway[{g}].tap"
        if kind == "normal":
            assert len(part) == s[(tap, "normalFlows")] and alerts[part.index].sum() == s[(tap, "falseAlerts")]
        else:
            assert len(part) == s[(tap, f"{kind}Flows")]
            assert alerts[part.index].sum() == s[(tap, f"{kind}Detected")]


def test_trained_detectors_on_a_held_out_run(logs):
    d, _ = logs
    train = read_flow_logs(sorted((d / "flows").glob("seed0-*.csv")))
    test = read_flow_logs(sorted((d / "flows").glob("seed1-*.csv")))
    trained = train_detectors(train, 2.0)
    assert list(trained.predictors) == ["rules", "qcity_logistic", "random_forest", "sklearn_logistic", "mlp"]
    table = judge(trained, test, 2.0).set_index("detector")
    assert (table.run == "seed1").all() and (table.attacks == test.label.sum()).all()
    # the forged readings claim a device of another cell: no rule sees them; their size does give them
    # away (no AES-GCM overhead, which every secure device's readings carry)
    assert table.loc["rules", "adr_spoof"] == 0
    learned = table.loc["qcity_logistic"]
    assert learned.adr > table.loc["rules", "adr"] and learned.adr_spoof >= 0.5
    assert learned.fpr < 0.02 and table.fpr.max() < 0.05


def test_a_trained_model_runs_inside_the_simulation(logs, tmp_path):
    d, _ = logs
    train = read_flow_logs(sorted((d / "flows").glob("seed0-*.csv")))
    model = train_logistic(log_features(train, 2.0), train.label.to_numpy())
    path = tmp_path / "flows.npz"
    model.save(path)
    run = _city(tmp_path, "learned", 'seed-set = 1\n**.tap.flowIdsHook = "qcity.ids.flow.hooks:LearnedDetector"\n'
                                     f'**.tap.detectorSettings = "model={path} fusion=0"\n')
    s = _tap_scalars(run)
    spoofs = sum(v for (m, n), v in s.items() if n == "spoofFlows")
    assert spoofs > 0 and sum(v for (m, n), v in s.items() if n == "spoofDetected") >= 0.5 * spoofs


def test_shipped_model_fits_the_flow_features(tmp_path):
    model = LogisticDetector.load(DEFAULT_MODEL)
    assert model.weights.shape == (len(FEATURE_NAMES),) and np.all(model.scale > 0)
    flows = {c: [0] * 2 for c in RECORD_COLUMNS}
    flows.update(proto=["mqtt", "mqtt"], dport=[1883, 1883], pkts=[2, 2], bytes=[200, 200])
    assert len(LearnedDetector()({"window": 2.0, "flows": flows})["alerts"]) == 2
    small = tmp_path / "small.npz"
    LogisticDetector.untrained(3).save(small)
    with pytest.raises(ValueError, match="the model has 3 features"):
        LearnedDetector()({"window": 2.0, "settings": f"model={small}", "flows": flows})


def test_bad_training_input(logs):
    d, _ = logs
    frame = read_flow_logs(sorted((d / "flows").glob("seed0-*.csv")))
    with pytest.raises(DatasetError, match="both normal and attack"):
        train_logistic(np.zeros((5, len(FEATURE_NAMES))), np.zeros(5))
    one_window = frame[frame.time == frame.time.min()]
    with pytest.raises(DatasetError, match="window length"):
        window_of(one_window)
    trained = train_detectors(frame, 2.0, baselines=False)
    with pytest.raises(DatasetError, match="no records"):
        judge(trained, frame.iloc[:0], 2.0)


def test_training_script(logs, tmp_path, capsys):
    d, _ = logs
    script = analysis_scripts.load("train_flow_detector")
    model = tmp_path / "m.npz"
    out = tmp_path / "cmp"
    assert script.main([str(d / "flows"), "--train", "seed0-*.csv", "--test", "seed1-*.csv", "--model", str(model),
                        "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "qcity_logistic" in printed and "random_forest" in printed and "ADR per attack kind" in printed
    table = pd.read_csv(f"{out}_detectors.csv")
    assert list(table.detector) == ["rules", "qcity_logistic", "random_forest", "sklearn_logistic", "mlp"]
    assert LogisticDetector.load(model).weights.shape == (len(FEATURE_NAMES),)
    with pytest.raises(SystemExit, match="no flow logs match"):
        script.main([str(d / "flows"), "--train", "nothing-*.csv"])


def test_flow_configs_train_and_judge_on_other_seed_sets():
    ini = IniFile(SCEN / "omnetpp.ini")
    logs = [r.iteration["logSeed"] for r in ini.runs("FlowLogs")]
    judged = {r.iteration["repetition"] for r in ini.runs("Intrusions")}
    assert logs == ["100", "101", "102", "103", "0", "1", "2"] and judged == {"0", "1", "2"}
    variants = {r.iteration["variant"]: r.iteration for r in ini.runs("Detectors")}
    assert list(variants) == ["rules", "rules_nofusion", "learned", "learned_nofusion"]
    assert variants["learned"]["detector"] == "LearnedDetector" and variants["learned_nofusion"]["settings"] == "fusion=0"


def test_synthetic_fidelity_script(logs, tmp_path, capsys):
    d, _ = logs
    script = analysis_scripts.load("synthetic_fidelity")
    out = tmp_path / "syn"
    assert script.main([str(d / "flows"), "--train", "seed0-*.csv", "--test", "seed1-*.csv", "--scale", "2", "-o", str(out)]) == 0
    table = pd.read_csv(f"{out}_tstr.csv").set_index("trained_on")
    assert list(table.index) == ["real", "synthetic x2"]
    assert table.loc["synthetic x2", "records"] == 2 * table.loc["real", "records"]
    # scans are told apart by their ports whether the forest saw real or drawn records
    assert table.adr_scan.min() > 0.9 and table.fpr.max() < 0.1  # few normal flows flagged (15 of 288 with synthetic training)
    assert script.main([str(d / "flows"), "--test", "nothing-*.csv"]) == 1
