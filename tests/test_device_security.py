"""Security in the smart-city scenario: QKD gateways, device sessions, device-side crypto costs."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import analysis_scripts
import numpy as np
import pytest
from linenet import LINE_INI, LINE_NED

from qcity import results
from qcity.sim.ini import IniFile
from qcity.sim.runner import execute_run

SCEN = Path(__file__).resolve().parent.parent / "omnetpp_models" / "scenarios" / "smartcity"

# DeviceSecurity.ned defaults, restated here on purpose: the test checks the module charges them
CLOCK = 32e6
ENCAPS = 1138225
AEAD_PER_BYTE = 2206
READING_BYTES = 72  # MQTT QoS 1 PUBLISH with the default sizes (test_smartcity)


@pytest.fixture
def city(tmp_path, monkeypatch):
    """One secure gateway, a few devices, and an ini body written by the test."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(SCEN / "SmartCity.ned", tmp_path)

    def make(body: str, gateways: int = 1, devices: int = 1, area: str = "50m", secure_gateways: bool = True,
             secure_devices: bool = True) -> Path:
        ini = tmp_path / "omnetpp.ini"
        # the body first: within a section the first matching line wins
        ini.write_text("[General]\nnetwork = SmartCity\n" + body + "\n**.vector-recording = false\n"
                       f"SmartCity.numGateways = {gateways}\nSmartCity.numDevices = {devices}\nSmartCity.areaSize = {area}\n"
                       f"**.radioMedium.pathLossExponent = 2.7\n**.gateway[*].secure = {str(secure_gateways).lower()}\n"
                       f"**.device[*].secure = {str(secure_devices).lower()}\n**.qkd.pulseRate = 2MHz\n"
                       "**.qkd.keyLength = \"margin\"\n")  # as the scenario: blocks below the finite-key minimum
        return ini

    return make


def _scalars(r) -> dict:
    df = results.get_scalars(results.read_result_files(str(r.sca_path)))
    return {(row.module, row.name): row.value for row in df.itertuples()}


def test_pqc_session_costs_the_published_cycles_and_sends_the_ciphertext_in_fragments(city):
    ini = city('sim-time-limit = 10s\n**.sessions.mode = "pqc"\n**.app.sendInterval = exponential(500ms)\n')
    s = _scalars(execute_run(ini, "General", 0))
    dev, gw = "SmartCity.device[0]", "SmartCity.gateway[0]"
    sent = s[(f"{dev}.app", "sentPk:count")]
    assert s[(f"{dev}.sec", "sessions:count")] == 1  # the default rekeyInterval (60 s) outlasts the run
    # one encapsulation plus AES-GCM over every first transmission
    expected = (ENCAPS + AEAD_PER_BYTE * READING_BYTES * sent) / CLOCK
    assert s[(f"{dev}.sec", "cryptoTime:sum")] == pytest.approx(expected, rel=1e-9)
    # 18 bytes of IPv6/UDP + 1088 bytes of ML-KEM-768 ciphertext in 111-byte fragments, each with a 5-byte header
    fragments = math.ceil((18 + 1088) / 111)
    assert s[(f"{dev}.sec", "handshakeFragments:sum")] == fragments
    assert s[(f"{gw}.router", "handshakeFragments:count")] == fragments
    assert s[(f"{gw}.router", "handshakeBytes:sum")] == 18 + 1088 + 5 * fragments
    # handshakes end at the gateway; readings (28 bytes of nonce and tag heavier) reach the control centre
    assert s[("SmartCity.controlCenter", "rxPk:count")] >= sent - 1
    assert s[(f"{gw}.sessions", "deviceSecurityLevel:mean")] == pytest.approx(0.75)
    assert s[(f"{gw}.keys", "consumedBits:sum")] == 0


def test_qkd_sessions_take_key_from_the_gateway_pool(city):
    ini = city('sim-time-limit = 12s\n**.sessions.mode = "qkd"\n**.device[*].sec.rekeyInterval = 2s\n'
               "**.app.startTime = 3s\n", devices=3)
    s = _scalars(execute_run(ini, "General", 0))
    gw = "SmartCity.gateway[0]"
    device_sessions = s[(f"{gw}.sessions", "deviceSessions:count")]
    assert device_sessions == sum(s[(f"SmartCity.device[{i}].sec", "sessions:count")] for i in range(3)) > 3
    assert s[(f"{gw}.sessions", "devicePoolFallbacks:count")] == 0
    epochs = s[(f"{gw}.sessions", "sessionMode:count")]  # the gateway's own sessions, one a second
    assert epochs >= 11
    fell_back = s[(f"{gw}.sessions", "poolFallbacks:count")]  # the first epoch: no key yet
    # every other epoch session and every device session took 256 bits, each bit once
    assert s[(f"{gw}.keys", "consumedBits:sum")] == 256 * (device_sessions + epochs - fell_back)
    assert s[(f"{gw}.router", "handshakeFragments:count")] == 0  # QKD sessions send no ciphertext
    assert 0.8 < s[(f"{gw}.sessions", "deviceSecurityLevel:mean")] <= 1


def test_security_costs_device_energy(city):
    # the device's application and MAC on RNGs of their own: both runs publish at the same instants
    body = ("sim-time-limit = 10s\n**.app.sendInterval = exponential(200ms)\n**.sessions.mode = \"pqc\"\n"
            "num-rngs = 3\n**.device[*].app.rng-0 = 1\n**.device[*].mac.rng-0 = 2\n")
    secure = _scalars(execute_run(city(body), "General", 0, result_dir="secure"))
    plain = _scalars(execute_run(city(body, secure_gateways=False, secure_devices=False), "General", 0,
                                 result_dir="plain"))
    dev = "SmartCity.device[0]"
    assert secure[(f"{dev}.app", "sentPk:count")] == plain[(f"{dev}.app", "sentPk:count")]
    assert secure[(f"{dev}.energy", "radioTimeTx")] > plain[(f"{dev}.energy", "radioTimeTx")]  # ciphertext, nonces, tags
    cpu_energy = secure[(f"{dev}.sec", "cryptoTime:sum")] * 14.4e-3  # Battery.cpuActivePower
    extra = secure[(f"{dev}.energy", "consumedEnergy:last")] - plain[(f"{dev}.energy", "consumedEnergy:last")]
    assert extra > 0.5 * cpu_energy  # (listening time shifts a little with the timing, either way)


def test_eavesdropped_gateway_link_switches_its_device_sessions_to_pqc_and_back(city):
    ini = city('sim-time-limit = 30s\n**.sessions.mode = "adaptive"\n**.device[*].sec.rekeyInterval = 1s\n'
               "**.gateway[0].qkd.interceptResend = 0.6\n**.gateway[0].qkd.attackStart = 10s\n"
               "**.gateway[0].qkd.attackEnd = 20s\n"
               "**.sessions.deviceSessions:vector.vector-recording = true\n"
               "**.sessions.deviceSessions.result-recording-modes = default,+vector\n",
               gateways=2, devices=12, area="200m")
    r = execute_run(ini, "General", 0)
    df = results.read_result_files([str(r.sca_path), str(r.vec_path)])
    vectors = results.get_vectors(df)
    modes = {row.module: (row.vectime, row.vecvalue) for row in vectors.itertuples() if row.name == "deviceSessions:vector"}
    t, m = modes["SmartCity.gateway[0].sessions"]
    assert np.all(m[(t > 3) & (t < 10)] == 1)  # QKD once the first blocks are in
    assert np.all(m[(t > 11) & (t < 20)] == 0)  # PQC while the link is attacked
    assert np.all(m[t > 24] == 1)  # QKD again once the link is clean and the pool refilled
    t1, m1 = modes["SmartCity.gateway[1].sessions"]
    assert np.all(m1[t1 > 3] == 1)  # the other gateway's link was never attacked
    s = _scalars(r)
    assert s[("SmartCity.gateway[0].ids", "qidsAlerts:count")] > 0
    assert s[("SmartCity.gateway[1].ids", "qidsAlerts:count")] == 0


def test_a_secure_device_needs_a_secure_gateway(city):
    ini = city("sim-time-limit = 2s\n", secure_gateways=False)
    with pytest.raises(RuntimeError, match="secure = true"):
        execute_run(ini, "General", 0)


@pytest.mark.parametrize("setting,message", [
    ("**.sec.cpuClock = 0Hz", "cpuClock"),
    ("**.sec.kemEncapsCycles = -1", "must not be negative"),
    ("**.sec.fragmentBytes = 0B", "fragmentBytes"),
])
def test_bad_device_security_parameters_are_errors(city, setting, message):
    with pytest.raises(RuntimeError, match=message):
        execute_run(city("sim-time-limit = 1s\n" + setting + "\n"), "General", 0)


@pytest.fixture
def tampered_line(tmp_path, monkeypatch):
    """Gateway - device[0] - device[1]: device[0] is a compromised relay that modifies every reading it relays."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Line.ned").write_text(LINE_NED)

    def run(secure: bool) -> dict:
        ini = tmp_path / "omnetpp.ini"
        ini.write_text(LINE_INI.replace("sim-time-limit = 40s", "sim-time-limit = 20s")
                       + "**.n = 2\n**.device[0].net.tamperProbability = 1\n**.qkd.pulseRate = 2MHz\n"
                       + "**.qkd.keyLength = \"margin\"\n"
                       + f"**.gateway.secure = true\n**.device[*].secure = {str(secure).lower()}\n")
        return _scalars(execute_run(ini, "General", 0))

    return run


def test_without_device_security_modified_readings_reach_the_control_centre(tampered_line):
    s = tampered_line(secure=False)
    tampered = s[("Line.device[0].net", "tampered:count")]
    assert tampered > 5  # device[1]'s readings all pass through device[0]
    assert s[("Line.controlCenter", "tamperedDelivered:count")] == tampered
    assert s[("Line.gateway.router", "dropTampered:count")] == 0
    assert s[("Line.device[1].app", "ackedPk:count")] > 0  # acknowledged: nobody noticed


def test_the_gateway_rejects_every_modified_reading_of_a_secure_device(tampered_line):
    s = tampered_line(secure=True)
    tampered = s[("Line.device[0].net", "tampered:count")]
    assert tampered > 5
    assert s[("Line.controlCenter", "tamperedDelivered:count")] == 0
    assert s[("Line.gateway.router", "dropTampered:count")] == tampered  # every copy, retransmissions too
    assert s[("Line.device[1].app", "ackedPk:count")] == 0  # its route only goes through the attacker
    assert s[("Line.device[0].app", "ackedPk:count")] > 0  # the relay's own readings are untouched


def test_tamper_probability_out_of_range_is_an_error(tampered_line):
    with pytest.raises(RuntimeError, match="tamperProbability must be in"):
        ini = Path("omnetpp.ini")
        ini.write_text(LINE_INI + "**.n = 2\n**.device[0].net.tamperProbability = 1.5\n")
        execute_run(ini, "General", 0)


def test_tampering_config_compares_runs_with_and_without_device_security():
    runs = IniFile(SCEN / "omnetpp.ini").runs("Tampering")
    assert {r.iteration["secure"] for r in runs} == {"false", "true"}
    assert len(runs) == 4


def test_ablation_configs_pair_each_variant_with_its_qids_setting():
    runs = IniFile(SCEN / "omnetpp.ini").runs("Ablation")
    variants = {(r.iteration["mode"], r.iteration["qids"]) for r in runs}
    assert variants == {('"adaptive"', "true"), ('"pqc"', "true"), ('"adaptive"', "false"), ('"qkd"', "true")}
    assert len(runs) == 8


def test_security_report_reads_modes_levels_and_detections_from_result_files(city, tmp_path):
    from qcity.reports.security import comparison_table, run_metrics

    ini = city('sim-time-limit = 14s\n**.sessions.mode = "${mode=qkd,pqc}"\n**.device[*].sec.rekeyInterval = 3s\n'
               "**.gateway[0].qkd.interceptResend = 0.6\n**.gateway[0].qkd.attackStart = 6s\n"
               "**.gateway[0].qkd.attackEnd = 10s\n", devices=4)
    for run in range(2):
        execute_run(ini, "General", run, result_dir=str(tmp_path / "res"))
    runs = run_metrics(tmp_path / "res")
    table = comparison_table(runs, "mode")
    assert set(table.index) == {"qkd", "pqc"}
    assert table.loc["pqc", "device_security_level"] == pytest.approx(0.75)
    assert table.loc["pqc", "key_bits_used"] == 0 < table.loc["qkd", "key_bits_used"]
    # QKD mode falls back to PQC before the first key and while the attacked link has none
    assert table.loc["pqc", "handshake_bytes_per_device"] > table.loc["qkd", "handshake_bytes_per_device"] > 0
    assert (runs.adr > 0.5).all() and (runs.false_alarms == 0).all()  # 4 attacked windows, Q-IDS on
    assert (runs.below_theorem1_bound == 0).all()
    assert ((runs.pdr > 0.5) & (runs.pdr <= 1)).all()


def test_schemes_config_pairs_each_routing_with_its_security():
    runs = IniFile(SCEN / "omnetpp.ini").runs("Schemes")
    pairs = {(r.iteration["routing"], r.iteration["mode"]) for r in runs}
    assert pairs == {("shortest_path", '"pqc"'), ("neural", '"pqc"'), ("neural_energy", '"adaptive"')}
    assert len(runs) == 3 * 4 * 2


def _load_script(name: str):
    return analysis_scripts.load(name)


def test_security_analysis_script_prints_the_mode_table(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    small = ["SmartCity.numGateways=1", "SmartCity.numDevices=3", "SmartCity.areaSize=50m", "sim-time-limit=4s"]
    for run in (0, 2):  # the first two modes
        execute_run(SCEN / "omnetpp.ini", "SecurityModes", run, result_dir="res", overrides=small)
    assert _load_script("security_modes").main(["res", "-o", "sec"]) == 0
    out = capsys.readouterr().out
    assert "session modes" in out and "device_security_level" in out and (tmp_path / "sec_modes.csv").exists()


def test_puf_analysis_script_runs_small(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert _load_script("puf_authentication").main(["--devices", "3", "--attempts", "2", "-o", "p"]) == 0
    out = capsys.readouterr().out
    assert "RSA-2048" in out and "ML-DSA-44" in out and (tmp_path / "p_costs.csv").exists()
