"""qcity's smart city on INET's IoT stack (omnetpp_models_inet): the INET-facing library built with
cmake, the city run by opp_run with INET loaded. Needs OMNeT++ and a built INET (INET_ROOT); skips,
saying why, without them. Without them the build's clear failures and the matched settings (the
INET nodes' NED against qcity's own models' defaults) are still checked."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from oppbuild import OPP_BIN, cmake, why_not

from qcity import results, units
from qcity.sim import opprun
from qcity.sim.ned import NedTypes
from qcity.sim.nedexpr import EvalContext, evaluate

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "omnetpp_models"
INET_MODELS = REPO / "omnetpp_models_inet"
SCENARIO = INET_MODELS / "scenarios" / "smartcity_inet"
INET_ROOT = Path(os.environ["INET_ROOT"]) if os.environ.get("INET_ROOT") else None
WHY_NOT = why_not("INET_ROOT", "src/libINET.so", "docs/inet.md")
needs_inet = pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or "")


@pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake is not on PATH")
def test_cmake_with_inet_on_needs_omnetpp_on(tmp_path):
    r = cmake(tmp_path / "b", "-DQCITY_WITH_INET=ON")
    assert r.returncode != 0 and "QCITY_WITH_INET=ON needs QCITY_WITH_OMNETPP=ON" in " ".join(r.stderr.split())


@pytest.mark.skipif(OPP_BIN is None or shutil.which("cmake") is None,
                    reason="needs cmake and OMNeT++ to reach the INET check (docs/inet.md)")
def test_cmake_with_inet_on_fails_clearly_without_inet_root(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "INET_ROOT"}
    r = cmake(tmp_path / "b", "-DQCITY_WITH_OMNETPP=ON", "-DQCITY_WITH_INET=ON", env=env)
    assert r.returncode != 0 and "INET_ROOT is not set" in " ".join(r.stderr.split())  # cmake wraps lines
    r = cmake(tmp_path / "c", "-DQCITY_WITH_OMNETPP=ON", "-DQCITY_WITH_INET=ON", f"-DINET_ROOT={tmp_path}", env=env)
    assert r.returncode != 0 and "is not an INET source tree" in " ".join(r.stderr.split())


# ---- the INET nodes' settings are qcity's own models' defaults ----------------------------------------


def _ned_types() -> NedTypes:
    types = NedTypes()
    types.load_path([MODELS, INET_MODELS])
    return types


def _value(node, unit: str | None = None) -> float:
    q = evaluate(node, EvalContext(lambda parts: pytest.fail(f"not a constant: {parts}")))
    if unit is None:
        return float(q.value)
    return float(q.value) * units.factor(q.unit) / units.factor(unit)


def _defaults(types: NedTypes, name: str) -> dict:
    return {p.name: p.value for p in types.types[name].params if p.value is not None}


def _deep(types: NedTypes, name: str) -> dict:
    """The deep assignments of a type and of its qcity base types (the chain ends at INET's, not loaded here)."""
    out, t = {}, types.types[name]
    while True:
        for p in t.deep_params:
            out.setdefault(p.name, p.value)
        if not t.extends or not t.extends.startswith("Inet"):
            return out
        t = types.resolve(t.extends, t, t.line)


def test_inet_nodes_take_the_settings_of_qcitys_mac_radio_and_battery():
    types = _ned_types()
    mac, medium, battery = (_defaults(types, f"qcity.{n}") for n in ("mac.CsmaMac", "radio.RadioMedium", "energy.Battery"))
    device = _deep(types, "qcity.inet.InetDevice")
    mw = 10 ** (_value(mac["txPower"]) / 10)
    assert _value(device["wlan[0].radio.transmitter.power"], "mW") == pytest.approx(mw)
    assert _value(device["wlan[0].radio.receiver.sensitivity"], "dBm") == _value(mac["sensitivity"])
    assert _value(device["wlan[0].radio.receiver.energyDetection"], "dBm") == _value(mac["ccaThreshold"])
    assert _value(device["wlan[0].radio.receiver.minInterferencePower"], "dBm") == _value(medium["interferenceFloor"])
    assert _value(device["wlan[0].mac.headerLength"], "b") == 8 * _value(mac["macHeaderBytes"], "B")
    assert _value(device["wlan[0].mac.ackLength"], "b") == 8 * _value(mac["ackBytes"], "B")
    for inet_name, qcity_name in (("aUnitBackoffPeriod", "unitBackoffPeriod"), ("ccaDetectionTime", "ccaDuration"),
                                  ("aTurnaroundTime", "turnaroundTime"), ("sifs", "turnaroundTime"),
                                  ("macAckWaitDuration", "ackWaitDuration")):
        assert _value(device[f"wlan[0].mac.{inet_name}"], "s") == pytest.approx(_value(mac[qcity_name], "s")), inet_name
    for name in ("macMinBE", "macMaxBE", "macMaxCSMABackoffs", "macMaxFrameRetries"):
        assert _value(device[f"wlan[0].mac.{name}"]) == _value(mac[name]), name
    assert _value(device["wlan[0].queue.packetCapacity"]) == _value(mac["queueLength"])
    # the battery: its capacity, and the CC2420 currents at its voltage as the radio's state powers
    assert _value(device["energyStorage.nominalCapacity"], "J") == _value(battery["capacity"], "J")
    volts = _value(battery["voltage"], "V")
    consumer = "wlan[0].radio.energyConsumer."
    for state, current in (("sleep", "sleepCurrent"), ("receiverIdle", "rxCurrent"), ("receiverBusy", "rxCurrent"),
                           ("receiverReceiving", "rxCurrent"), ("transmitterTransmitting", "txCurrent")):
        assert _value(device[f"{consumer}{state}PowerConsumption"], "mW") == pytest.approx(
            _value(battery[current], "mA") * volts), state
    cpu = _defaults(types, "qcity.inet.InetBattery")
    for name in ("cpuActivePower", "cpuSleepPower"):
        assert _value(cpu[name], "mW") == pytest.approx(_value(battery[name], "mW")), name


# ---- the city under opp_run with INET --------------------------------------------------------------


@pytest.fixture(scope="module")
def libraries(tmp_path_factory) -> Path:
    build = tmp_path_factory.mktemp("build-inet")
    r = cmake(build, "-DQCITY_WITH_OMNETPP=ON", "-DQCITY_WITH_INET=ON", f"-DINET_ROOT={INET_ROOT}")
    assert r.returncode == 0, r.stderr
    r = subprocess.run(["cmake", "--build", str(build), "-j", "2"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return build


def _opp_run(build: Path, config: str, result_dir: Path, *args: str):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))  # the hooks import qcity inside opp_run
    return opprun.setup(build, inet=True).run(SCENARIO / "omnetpp.ini", config, *args, result_dir=result_dir,
                                              env=env, timeout=900)


def _scalars(folder: Path):
    return results.get_scalars(results.read_result_files(str(folder)))


def _total(sc, name: str) -> float:
    return float(sc[sc.name == name].value.sum())


SMALL = ["--SmartCityInet.numDevices=30", "--sim-time-limit=20s", "--**.app.sendInterval=exponential(1s)"]


@needs_inet
def test_the_city_runs_on_inet_with_qcitys_statistics(libraries, tmp_path):
    _opp_run(libraries, "SmartCity", tmp_path, *SMALL)
    sc = _scalars(tmp_path)
    sent, received = _total(sc, "sentPk:count"), _total(sc, "rxPk:count")
    assert sent > 400 and 0.8 < received / sent <= 1  # a reading a second from 30 devices, light load
    cc = sc[sc.module == "SmartCityInet.controlCenter.broker"]
    names = set(cc.name)
    assert {"endToEndDelay:mean", "throughput:last", "latencyMacAccess:mean", "latencyBackhaul:mean"} <= names
    latency = float(cc[cc.name == "endToEndDelay:mean"].value.iloc[0])
    assert 0.004 < latency < 0.5  # several ms of radio access and 2 ms of backhaul at least
    energy = sc[sc.name == "consumedEnergy:last"]
    assert len(energy) == 30 and (energy.value > 0).all() and (energy.value < 2).all()
    # the radio sleeps between readings: far below the 56 mW x 20 s = 1.1 J of a receiver always on
    assert energy.value.mean() < 0.5
    assert _total(sc, "sleeps:count") > 0


@needs_inet
def test_a_device_whose_battery_runs_out_stops_cleanly(libraries, tmp_path):
    # 5 mJ lasts well under the run: INET crashes the node, which must not stop the simulation
    _opp_run(libraries, "SmartCity", tmp_path, *SMALL, "--**.device[*].energyStorage.nominalCapacity=0.005J",
             "--**.device[*].sleep.alwaysListen=true")
    sc = _scalars(tmp_path)
    lifetimes = sc[sc.name == "lifetime:last"].value
    assert len(lifetimes) == 30 and (lifetimes < 1).all()  # 5 mJ at 56 mW: under 0.1 s
    assert list(sc[sc.name == "consumedEnergy:last"].value) == pytest.approx([0.005] * 30)


@needs_inet
def test_secure_sessions_run_on_inet(libraries, tmp_path):
    _opp_run(libraries, "Secure", tmp_path, "--SmartCityInet.numDevices=20", "--sim-time-limit=25s")
    sc = _scalars(tmp_path)
    assert _total(sc, "sessions:count") >= 20 * 2  # every device re-keys every 10 s
    assert _total(sc, "consumedBits:sum") > 0      # QKD key spent on device sessions
    assert _total(sc, "cryptoTime:sum") > 0
    assert _total(sc, "dropTampered:count") == 0   # every tag checked out at the gateways
    assert _total(sc, "rxPk:count") / _total(sc, "sentPk:count") > 0.8
