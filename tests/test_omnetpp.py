"""The same models under a real OMNeT++: the model library built with cmake, run by opp_run,
compared with the embedded engine. Without an OMNeT++ install only the clear-failure check runs;
the rest skips, saying why."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from oppbuild import NO_OMNETPP, OPP_BIN, cmake, opp_run

from qcity import results
from qcity.cli import main as qcity_main

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "omnetpp_models"
SMARTCITY_INI = MODELS / "scenarios" / "smartcity" / "omnetpp.ini"
QKD_INI = MODELS / "scenarios" / "qkd_link" / "omnetpp.ini"


needs_omnetpp = pytest.mark.skipif(OPP_BIN is None, reason=NO_OMNETPP + " (the cross-engine tests need it)")


def _cmake_configure(build: Path, env: dict) -> subprocess.CompletedProcess:
    return cmake(build, "-DQCITY_WITH_OMNETPP=ON", env=env)


def test_cmake_with_omnetpp_on_fails_clearly_without_an_install(tmp_path):
    if shutil.which("cmake") is None:
        pytest.skip("cmake is not on PATH")
    env = {k: v for k, v in os.environ.items() if k != "OMNETPP_ROOT"}
    env["PATH"] = os.pathsep.join(d for d in env.get("PATH", "").split(os.pathsep)
                                  if d and not (Path(d) / "opp_configfilepath").exists())
    r = _cmake_configure(tmp_path / "build", env)
    assert r.returncode != 0
    assert "no OMNeT++ installation was found" in r.stderr
    assert "-DQCITY_WITH_OMNETPP=ON" in r.stderr  # and says how to do without


def _opp_run(lib: Path, ini: Path, *args: str) -> subprocess.CompletedProcess:
    return opp_run(lib, ini, "--cmdenv-express-mode=true", *args)


SMALL_CITY = ["--SmartCity.numDevices=30", "--sim-time-limit=20s", "--repeat=10"]


def _per_run(folder: Path) -> dict:
    sc = results.get_scalars(results.read_result_files(str(folder)))
    cc = sc[sc.module == "SmartCity.controlCenter"].pivot(index="runID", columns="name", values="value")
    sent = sc[sc.name == "sentPk:count"].groupby("runID").value.sum()
    return {"pdr": (cc["rxPk:count"] / sent).to_numpy(), "latency": cc["endToEndDelay:mean"].to_numpy(),
            "names": set(zip(sc.module, sc.name))}


@needs_omnetpp
def test_smart_city_repetitions_are_identical_on_both_engines(model_library, tmp_path):
    r = _opp_run(model_library, SMARTCITY_INI, "-c", "SmartCity", "-r", "0..9", f"--result-dir={tmp_path / 'opp'}",
                 *SMALL_CITY)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert qcity_main(["sweep", str(SMARTCITY_INI), "-c", "SmartCity", "-j", "2", "--result-dir", str(tmp_path / "qcity"),
                       *SMALL_CITY]) == 0
    opp, ours = _per_run(tmp_path / "opp"), _per_run(tmp_path / "qcity")
    assert opp["names"] == ours["names"]  # same modules, same statistics
    assert len(opp["pdr"]) == len(ours["pdr"]) == 10
    # the same seeds, the same runs: every repetition's figures are identical, not just alike
    for key in ("pdr", "latency"):
        assert list(opp[key]) == list(ours[key]), (key, opp[key], ours[key])


@needs_omnetpp
def test_python_hooks_run_inside_opp_run(model_library, tmp_path):
    r = _opp_run(model_library, QKD_INI, "-c", "Clean", "--sim-time-limit=2s", f"--result-dir={tmp_path}")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    sc = results.get_scalars(results.read_result_files(str(tmp_path)))
    rate = sc[(sc.module == "QkdPair.link") & (sc.name == "keyRate:mean")].value
    assert len(rate) == 1 and rate.iloc[0] > 0  # blocks went through the Python key-rate hook


@needs_omnetpp
def test_a_broken_hook_stops_opp_run_with_the_python_error(model_library, tmp_path):
    r = _opp_run(model_library, QKD_INI, "-c", "Clean", "--sim-time-limit=2s", f"--result-dir={tmp_path}",
                 '--**.link.keyRateHook="hookfuncs:explode"')
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert "hookfuncs:explode" in out and "Traceback" in out


@needs_omnetpp
def test_query_runs_prints_what_opp_run_prints(model_library, capsys):
    r = _opp_run(model_library, SMARTCITY_INI, "-c", "Schemes", "-q", "runs")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    opp = lines[lines.index("Config: Schemes"):]
    opp = [line for line in opp if line != "End."]
    assert qcity_main(["run", str(SMARTCITY_INI), "-c", "Schemes", "-q", "runs"]) == 0
    ours = capsys.readouterr().out.splitlines()
    assert ours == opp[:len(ours)] and all(not line for line in opp[len(ours):])


@needs_omnetpp
def test_result_file_names_are_opp_runs(model_library, tmp_path):
    from test_cli import NAMES_INI

    (tmp_path / "omnetpp.ini").write_text(NAMES_INI)
    opp_run = [str(OPP_BIN / "opp_run"), "-l", str(model_library), "-n", str(MODELS), "-u", "Cmdenv", "-c", "General",
               f"--result-dir={tmp_path / 'opp'}", "omnetpp.ini"]
    r = subprocess.run(opp_run, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert qcity_main(["run", str(tmp_path / "omnetpp.ini"), "-c", "General", "-n", str(MODELS),
                       "--result-dir", str(tmp_path / "qcity")]) == 0
    opp = sorted(p.name for p in (tmp_path / "opp").glob("*.sca"))
    assert opp == sorted(p.name for p in (tmp_path / "qcity").glob("*.sca")) and len(opp) == 1


@needs_omnetpp
def test_a_warmup_period_past_the_time_limit_runs_on_both_engines(model_library, tmp_path):
    # MultiHop's 6 s warm-up with a 3 s run: opp_run runs it and records no values; so does qcity
    args = ["-c", "MultiHop", "--sim-time-limit=3s", "--SmartCity.numDevices=20"]
    r = _opp_run(model_library, SMARTCITY_INI, *args, f"--result-dir={tmp_path / 'opp'}")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert qcity_main(["run", str(SMARTCITY_INI), *args[:2], "--sim-time-limit", "3s", "--SmartCity.numDevices=20",
                       "--result-dir", str(tmp_path / "qcity")]) == 0
    for engine in ("opp", "qcity"):
        sc = results.get_scalars(results.read_result_files(str(tmp_path / engine)))
        assert (sc[sc.name == "sentPk:count"].value == 0).all() and len(sc[sc.name == "sentPk:count"]) == 20, engine


@needs_omnetpp
def test_trusted_node_relay_runs_under_opp_run(model_library, tmp_path):
    # KeyRelay resolves its chain in init stage 1 and SessionManager reaches it as a KeySupplier: both as in qcity
    r = _opp_run(model_library, QKD_INI, "-c", "TrustedRelay", "--sim-time-limit=3s", f"--result-dir={tmp_path}")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    sc = results.get_scalars(results.read_result_files(str(tmp_path)))
    s = {(m.split(".", 1)[1], n): v for m, n, v in zip(sc.module, sc.name, sc.value)}
    relayed = s[("relay", "relayedBits:sum")]
    assert relayed > 0 and s[("relay", "hops")] == 3
    assert all(s[(link, "consumedBits:sum")] == relayed for link in ("keys1", "keys2", "keys3"))
