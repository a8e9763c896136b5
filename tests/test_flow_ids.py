"""Injected attacks, the gateways' flow IDS (FlowTap + flowIdsHook), Q-IDS scoring, and the detectors."""

from __future__ import annotations

import shutil
from pathlib import Path

import analysis_scripts
import numpy as np
import pandas as pd
import pytest

from qcity import results
from qcity.ids.data.datasets import DatasetError, load_bot_iot, load_edge_iiotset, load_ton_iot_telemetry
from qcity.ids.evaluate import (
    bot_iot_features,
    cross_validate_binary,
    cross_validate_categories,
    detection_metrics,
    ton_iot_telemetry_features,
)
from qcity.ids.flow.hooks import ThresholdDetector, parse_settings
from qcity.ids.flow.logistic import LogisticDetector
from qcity.ids.flow.records import (
    FEATURE_NAMES,
    RECORD_COLUMNS,
    features,
    read_flow_logs,
    to_bot_iot,
    to_ton_iot_network,
)
from qcity.reports.detection import gateway_rows, per_kind, run_metrics, summarise
from qcity.sim.ini import IniFile
from qcity.sim.runner import execute_run

SCEN = Path(__file__).resolve().parent.parent / "omnetpp_models" / "scenarios" / "smartcity"

# Four gateways, 30 devices; one attacker of each kind from 8 s to 16 s; gateway 3's QKD link tapped then.
# the smart city's [General] radio settings (scenarios/smartcity/omnetpp.ini), for small test cities
CITY_RADIO = """[General]
network = SmartCity
**.vector-recording = false
**.radioMedium.pathLossExponent = 2.7
**.mac.ccaThreshold = -85
**.device[*].mac.listenAfterTx = 30ms
"""

ATTACKED_CITY = CITY_RADIO + """sim-time-limit = 20s
SmartCity.numGateways = 4
SmartCity.numDevices = 30
SmartCity.areaSize = 250m
SmartCity.numAttackers = 4
**.attacker[0].attack = "flood"
**.attacker[1].attack = "scan"
**.attacker[2].attack = "spoof"
**.attacker[3].attack = "botnet"
**.attacker[*].x = 60m
**.attacker[*].y = 60m
**.attacker[2].app.victim = 0
**.attacker[*].app.startTime = 8s
**.attacker[*].app.stopTime = 16s
**.gateway[*].secure = true
**.device[*].secure = true
**.gateway[*].qkd.pulseRate = 2MHz
**.gateway[*].qkd.keyLength = "margin"
**.gateway[*].sessions.mode = "adaptive"
**.device[*].sec.rekeyInterval = 10s
**.app.sendInterval = exponential(1s)
**.gateway[*].flowIds = true
**.gateway[0..2].linkClass = "clean"
**.gateway[3].linkClass = "eavesdropped"
**.gateway[3].qkd.interceptResend = 0.3
**.gateway[3].qkd.attackStart = 8s
**.gateway[3].qkd.attackEnd = 16s
"""


@pytest.fixture(scope="module")
def attacked_run(tmp_path_factory):
    """One run of the attacked city with flow logs; shared by the tests that read it."""
    d = tmp_path_factory.mktemp("attacked")
    shutil.copy(SCEN / "SmartCity.ned", d)
    ini = d / "omnetpp.ini"
    ini.write_text(ATTACKED_CITY + f'**.tap.flowLogPrefix = "{d / "flows"}"\n')
    r = execute_run(ini, "General", 0, result_dir=str(d / "results"))
    return d, r


def _scalars(r) -> dict:
    df = results.get_scalars(results.read_result_files(str(r.sca_path)))
    return {(row.module, row.name): row.value for row in df.itertuples()}


def test_injected_attacks_reach_the_gateway_and_are_scored(attacked_run):
    d, r = attacked_run
    s = _scalars(r)
    for i in range(4):
        assert s[(f"SmartCity.attacker[{i}].app", "attackSent:count")] > 0
    # scans and the bot's calls home hit no service: the attacker's gateway drops them
    assert sum(v for (m, n), v in s.items() if n == "dropFiltered:count") > 0
    # floods and forged readings reach the broker, counted apart from the readings
    assert s[("SmartCity.controlCenter", "attackDelivered:count")] > 0
    taps = {m: {n: v for (mm, n), v in s.items() if mm == m} for (m, _) in s if m.endswith(".tap")}
    kinds = {n[: -len("Flows")] for t in taps.values() for n in t if n.endswith("Flows") and n != "normalFlows"}
    assert {"flood", "scan", "spoof", "botnet"} <= kinds
    total = lambda name: sum(t.get(name, 0) for t in taps.values())  # noqa: E731
    # the threshold rules catch every scan probe and bot beacon and most flood windows
    assert total("scanDetected") == total("scanFlows") and total("botnetDetected") == total("botnetFlows")
    assert total("floodDetected") >= 0.7 * total("floodFlows")
    # the forged readings come from a MAC the victim never used at that gateway only if the
    # victim lives in the same cell; the rules get no other evidence of spoofing
    assert total("normalFlows") > 100 and total("falseAlerts") <= 0.01 * total("normalFlows")
    for t in taps.values():
        for kind in kinds:
            if t.get(f"{kind}Detected", 0) > 0:
                assert 0 <= t[f"{kind}DetectionDelay"] <= 8  # first alert within the attack period


def test_control_centre_flags_readings_through_another_gateway(attacked_run):
    _, r = attacked_run
    s = _scalars(r)
    cc = {n: s[("SmartCity.controlCenter", n)] for n in ("spoofReadings", "spoofFlagged", "spoofFalseAlerts")}
    # the victim (device 0) reaches the broker through another gateway than the spoofer's, whose
    # tap cannot tell the forged readings apart (no second MAC for the device there)
    assert s[("SmartCity.device[0].app", "ackedPk:count")] > 0
    assert s[("SmartCity.gateway[0].tap", "spoofFlows")] > 0 and s[("SmartCity.gateway[0].tap", "spoofDetected")] == 0
    assert cc["spoofReadings"] > 0 and cc["spoofFlagged"] == cc["spoofReadings"]
    assert cc["spoofFalseAlerts"] == 0  # single-hop devices never change gateway


def test_qids_flags_the_tapped_link_only(attacked_run):
    _, r = attacked_run
    s = _scalars(r)
    tapped = "SmartCity.gateway[3].ids"
    assert s[(tapped, "eavesdropped")] == 1 and s[(tapped, "eavesdropDetected")] == 1
    assert 0 < s[(tapped, "eavesdropDetectionDelay")] <= 3
    for g in range(3):
        assert s[(f"SmartCity.gateway[{g}].ids", "eavesdropped")] == 0
        assert s[(f"SmartCity.gateway[{g}].ids", "falseAlerts")] == 0
    # the security layer reacted: the tapped gateway's key was discarded and its sessions switched mode
    assert s[("SmartCity.gateway[3].keys", "discardedBits:count")] >= 1
    assert s[("SmartCity.gateway[3].sessions", "modeSwitches:count")] > 0
    for g in range(3):
        assert s[(f"SmartCity.gateway[{g}].keys", "discardedBits:count")] == 0


def test_detection_report_per_channel_class_and_attack(attacked_run):
    _, r = attacked_run
    rows = gateway_rows(str(r.sca_path))
    assert set(rows.link_class) == {"clean", "eavesdropped"}
    by_class = summarise(run_metrics(rows, ["link_class"]), ["link_class"]).set_index("link_class")
    assert by_class.loc["eavesdropped", "eavesdrop_adr"] == 1
    assert np.isnan(by_class.loc["clean", "eavesdrop_adr"])
    kinds = per_kind(rows, []).set_index("kind")
    assert kinds.loc["scan", "adr"] == 1 and kinds.loc["eavesdrop", "adr"] == 1
    assert 0 <= kinds.loc["spoof", "adr"] <= 1


def test_flow_logs_hold_records_and_ground_truth(attacked_run):
    d, _ = attacked_run
    logs = sorted(d.glob("flows-gateway*.csv"))
    assert len(logs) == 4
    f = read_flow_logs(logs)
    assert set(f.attack) >= {"normal", "flood", "scan", "botnet"}
    assert (f.label == (f.attack != "normal")).all()
    assert f.loc[f.attack == "scan", "dport"].nunique() > 10
    normal = f[f.attack == "normal"]
    assert set(normal.dport) <= {0, 1883}  # session set-up and MQTT readings
    x = features(f, 2.0)
    assert x.shape == (len(f), len(FEATURE_NAMES)) and np.isfinite(x).all()
    bot = to_bot_iot(f)
    assert {"saddr", "sport", "daddr", "dport", "srate", "drate", "N_IN_Conn_P_SrcIP", "attack", "category"} <= set(bot.columns)
    ton = to_ton_iot_network(f)
    assert set(ton.service) <= {"mqtt", "coap", "-"} and (ton.label == f.label).all()


def test_bad_flow_logs_are_errors_with_file_and_line(attacked_run, tmp_path):
    d, _ = attacked_run
    text = (d / "flows-gateway[0].csv").read_text()
    cut = tmp_path / "cut.csv"
    cut.write_text(text[:-5])
    with pytest.raises(DatasetError, match=r"cut\.csv:\d+: file is truncated"):
        read_flow_logs(cut)
    lines = text.splitlines()
    short = tmp_path / "short.csv"
    short.write_text("\n".join(lines[:2] + [lines[2].rsplit(",", 3)[0]]) + "\n")
    with pytest.raises(DatasetError, match=r"short\.csv:3: row has"):
        read_flow_logs(short)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    with pytest.raises(DatasetError, match=r"wrong\.csv:1: not a FlowTap flow log"):
        read_flow_logs(wrong)
    kind = tmp_path / "kind.csv"
    kind.write_text("\n".join([lines[0], lines[1].rsplit(",", 2)[0] + ",teleport,1"]) + "\n")
    with pytest.raises(DatasetError, match=r"kind\.csv:2: unknown attack kind 'teleport'"):
        read_flow_logs(kind)


@pytest.mark.parametrize("old,new,message", [
    ('attacker[0].attack = "flood"', 'attacker[0].attack = "teleport"', "attack must be one of flood, scan, spoof, botnet"),
    ("flowIds = true", 'flowIds = true\n**.tap.flowIdsHook = "hookfuncs:wrong_length_alerts"',
     "must return one alert per flow record"),
    ("flowIds = true", 'flowIds = true\n**.tap.detectorSettings = "rate_factr=3"', "unknown detector setting 'rate_factr=3'"),
    ("flowIds = true", "flowIds = true\n**.tap.window = 0s", "window must be positive"),
])
def test_bad_attack_and_detector_settings_are_clear_errors(tmp_path, monkeypatch, old, new, message):
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    shutil.copy(SCEN / "SmartCity.ned", tmp_path)
    ini = tmp_path / "omnetpp.ini"
    ini.write_text(ATTACKED_CITY.replace("sim-time-limit = 20s", "sim-time-limit = 10s").replace(old, new))
    with pytest.raises(RuntimeError, match=message):
        execute_run(ini, "General", 0, result_dir=str(tmp_path / "r"))


def test_threshold_rules_and_fusion():
    flows = {c: [0] * 4 for c in RECORD_COLUMNS}
    flows.update(proto=["mqtt"] * 4, dport=[1883, 1883, 1883, 1883], srate=[0.5, 0.5, 0.5, 3.0],
                 dports_per_src=[1, 1, 1, 1], macs_per_device=[1, 1, 1, 1])
    assert ThresholdDetector()({"flows": flows})["alerts"] == [False] * 4  # 3 pkt/s is under the 5 pkt/s floor
    assert ThresholdDetector()({"flows": flows, "settings": "rate_floor=2"})["alerts"] == [False, False, False, True]
    assert ThresholdDetector()({"flows": flows, "settings": "rate_floor=2 rate_factor=7"})["alerts"][3] is False
    heightened = ThresholdDetector()({"flows": flows, "quantum_alert": True, "settings": "rate_floor=2 rate_factor=7"})
    assert heightened["alerts"] == [False, False, False, True]  # 7 x 0.5 = 3.5 bar halves to 1.75
    fused_off = ThresholdDetector()({"flows": flows, "quantum_alert": True, "settings": "rate_floor=2 rate_factor=7 fusion=0"})
    assert fused_off["alerts"][3] is False
    flows.update(dport=[1883, 1883, 80, 1883])
    assert ThresholdDetector()({"flows": flows, "settings": "rate_floor=100"})["alerts"] == [False, False, True, False]
    with pytest.raises(ValueError, match="must be a number"):
        parse_settings("rate_factor=fast", ThresholdDetector.DEFAULTS)


def test_logistic_detector_learns_saves_and_exchanges_parameters(tmp_path):
    rng = np.random.default_rng(3)
    x = np.vstack([rng.normal(0, 1, (300, 4)), rng.normal(2.5, 1, (60, 4))])
    y = np.r_[np.zeros(300), np.ones(60)]
    model = LogisticDetector.standardised_for(x).fit(x, y)
    m = detection_metrics(y, model.predict(x))
    assert m["adr"] > 0.9 and m["fpr"] < 0.1
    path = tmp_path / "m.npz"
    model.save(path)
    again = LogisticDetector.load(path)
    assert np.array_equal(again.scores(x), model.scores(x))
    vec = model.parameters()
    assert vec.shape == (5,) and np.array_equal(model.with_parameters(vec).scores(x), model.scores(x))
    with pytest.raises(FileNotFoundError, match="flow detector model not found"):
        LogisticDetector.load(tmp_path / "missing.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a LogisticDetector model"):
        LogisticDetector.load(tmp_path / "junk.npz")


def test_detection_metrics():
    m = detection_metrics([1, 1, 1, 0, 0], [1, 0, 1, 1, 0])
    assert m["adr"] == pytest.approx(2 / 3) and m["fpr"] == 0.5 and m["precision"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 / 3)
    assert np.isnan(detection_metrics([0, 0], [0, 0])["adr"])


def test_intrusion_configs_are_paired():
    ini = IniFile(SCEN / "omnetpp.ini")
    runs = ini.runs("IdsComparison")
    variants = [r.iteration["variant"] for r in runs[::3]]
    assert variants == ["QESIF", "QuIDS", "QRHE", "HyQuSec", "QLSN", "noQKD", "noQIDS", "noHybrid"]
    by = {r.iteration["variant"]: r.iteration for r in runs}
    assert by["QRHE"]["detector"] == "NoDetector" and by["QLSN"]["mode"] == '"pqc"'
    assert by["QESIF"]["settings"] == "fusion=1" and by["QuIDS"]["settings"] == "fusion=0"
    assert len(ini.runs("Intrusions")) == 3


def test_sklearn_detectors_on_the_real_samples(shared_data):
    """Reported as measured: on the fridge telemetry the readings barely separate attacks (near chance)."""
    pytest.importorskip("sklearn")
    ton = load_ton_iot_telemetry(shared_data / "ton_iot_fridge_sample.csv")
    x, y, category = ton_iot_telemetry_features(ton)
    assert x.shape == (400, 3)  # temperature and the two conditions; no timestamps (they would leak the class)
    table = cross_validate_binary(x, y, category).set_index("detector")
    assert set(table.index) == {"qcity_logistic", "random_forest", "logistic_regression"}
    assert table[["adr", "fpr", "precision", "f1"]].apply(lambda c: c.between(0, 1)).all().all()
    assert {"adr_ddos", "adr_backdoor", "adr_xss"} <= set(table.columns)
    bot = load_bot_iot(shared_data / "bot_iot_sample.tsv")
    xb, cat = bot_iot_features(bot)
    cats = cross_validate_categories(xb, cat).iloc[0]
    assert cats["accuracy"] > 0.8 and cats["n_Reconnaissance"] == 8
    # the Edge-IIoTset MITM sample has no row that fits its header: nothing to train on
    edge = load_edge_iiotset(shared_data / "edge_iiotset_mitm_sample.csv")
    assert edge.valid().empty


def test_detector_features_are_finite_on_degenerate_windows():
    f = pd.DataFrame({c: [0] for c in RECORD_COLUMNS}).assign(proto="sec")
    assert np.isfinite(features(f, 2.0)).all()


def test_analysis_script_reports_and_draws(attacked_run, tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="plotting needs the analysis extra")
    _, r = attacked_run
    script = analysis_scripts.load("intrusion_detection")
    prefix = tmp_path / "ids"
    assert script.main([str(r.sca_path), "-o", str(prefix)]) == 0
    out = capsys.readouterr().out
    assert "ADR per attack kind" in out and "eavesdropped" in out and "reference" in out
    assert "identity check" in out
    for suffix in ("_variants.csv", "_kinds.csv", "_classes.csv", "_adr.png", "_heatmap.png"):
        assert (tmp_path / f"ids{suffix}").stat().st_size > 0
    kinds = pd.read_csv(f"{prefix}_kinds.csv")
    assert set(kinds.kind) >= {"scan", "botnet", "eavesdrop"}
