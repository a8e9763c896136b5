"""The embedded engine as an exact stand-in for opp_run: the same seed gives the same events, the
same fingerprint and the same scalars on both engines.

Without OMNeT++, fingerprints and event counts that opp_run computed are pinned in
tests/data/opp_run_fingerprints.json, and the embedded engine must reproduce them. With OMNeT++,
run 0 of every config of every scenario runs on both engines and must agree exactly."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import pytest
from oppbuild import NO_OMNETPP, OPP_BIN, opp_run

from qcity import results
from qcity.sim.ini import IniFile
from qcity.sim.runner import execute_run

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "omnetpp_models" / "scenarios"
PINNED = json.loads((Path(__file__).parent / "data" / "opp_run_fingerprints.json").read_text())


def _limit(args: list[str]) -> str | None:
    found = [a.split("=", 1)[1] for a in args if a.startswith("--sim-time-limit=")]
    return found[0] if found else None


@pytest.mark.parametrize("case", PINNED["runs"], ids=lambda c: f"{Path(c['ini']).parent}-{c['config']}")
def test_embedded_engine_computes_opp_runs_fingerprint(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the KeyDelivery config writes its key files under the working directory
    r = execute_run(SCENARIOS / case["ini"], case["config"], 0, result_dir=str(tmp_path), sim_time_limit=_limit(case["args"]))
    assert r.fingerprint == case["fingerprint"]
    # opp_run counts the event that ends the run at the time limit as one more
    assert r.reason == "sim-time-limit" and r.events == case["opp_run_events"] - 1


@pytest.mark.parametrize("case", PINNED["ring_draws"], ids=lambda c: " ".join(c["args"]))
def test_random_draws_are_opp_runs(case, tmp_path, monkeypatch):
    """Every NED distribution, an RNG index, seed-k-mt, an rng-k mapping and seed-set: the ring's
    token holding times come from them, so the fingerprint shows every draw."""
    monkeypatch.chdir(tmp_path)
    overrides = [a[2:] for a in case["args"]]
    r = execute_run(SCENARIOS / "ring" / "omnetpp.ini", "Ring", 0, result_dir=str(tmp_path), sim_time_limit="2s",
                    overrides=overrides)
    assert (r.fingerprint, r.events) == (case["fingerprint"], case["opp_run_events"] - 1)


def test_a_wrong_expected_fingerprint_is_reported_as_opp_run_reports_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ring = SCENARIOS / "ring" / "omnetpp.ini"
    good = execute_run(ring, "Ring", 0, result_dir=str(tmp_path), sim_time_limit="1s", overrides=["fingerprint=0000-0000"])
    assert good.fingerprint_check == f"Fingerprint mismatch! calculated: {good.fingerprint}, expected: 0000-0000"
    again = execute_run(ring, "Ring", 0, result_dir=str(tmp_path), sim_time_limit="1s",
                        overrides=[f"fingerprint=1234-5678 {good.fingerprint}"])
    assert again.fingerprint_check == f"Fingerprint successfully verified: {good.fingerprint}"
    other = execute_run(ring, "Ring", 0, result_dir=str(tmp_path), sim_time_limit="1s", overrides=["fingerprint=0/tple"])
    assert other.fingerprint.endswith("/tple") and other.fingerprint != good.fingerprint
    quoted = execute_run(ring, "Ring", 0, result_dir=str(tmp_path), sim_time_limit="1s",
                         overrides=[f'fingerprint="{good.fingerprint}, 0/e,"'])  # quoted, two calculators, an empty item
    assert quoted.fingerprint.startswith(f"{good.fingerprint}, ") and quoted.fingerprint.endswith("/e")
    assert quoted.fingerprint_check.startswith("Fingerprint mismatch!")  # the second one is not 0


@pytest.mark.parametrize("setting,message", [
    ("fingerprint-ingredients=tplc", "Fingerprint ingredient 'c' is not computed by the embedded engine"),
    ("fingerprint-ingredients=tpq", "Unknown fingerprint ingredient character 'q'"),
    ("fingerprint-modules=**.node[0]", "fingerprint-modules = **.node[0]: the embedded engine fingerprints every event"),
    ("fingerprint=1a2b/tplx 3c4d/tp", "the ingredient suffixes of '1a2b/tplx 3c4d/tp' disagree"),
    ("seed-3-mt=5", "seed-3-mt: there is no RNG 3 (num-rngs=1)"),
    ("seed-0-mt=five", "seed-0-mt must be an integer"),
    ("fingerprint=12g4-0000", 'cannot verify hash: invalid hash text "12g4-0000"'),
    ("rng-class=cLCG32", "the embedded engine has only OMNeT++'s default, cMersenneTwister"),
])
def test_fingerprint_and_seed_options_refuse_what_they_cannot_do(setting, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Exception, match=re.escape(message)):
        execute_run(SCENARIOS / "ring" / "omnetpp.ini", "Ring", 0, result_dir=str(tmp_path), sim_time_limit="1s",
                    overrides=[setting])
    assert not list(tmp_path.glob("*.sca"))  # refused before anything was written


# ---- with OMNeT++: every config, both engines --------------------------------------------------

needs_omnetpp = pytest.mark.skipif(OPP_BIN is None, reason=NO_OMNETPP + " (the cross-engine tests need it)")
# long enough to send traffic through every model, short enough for the suite
LIMIT = "6s"


def _configs() -> list[tuple[Path, str]]:
    found = []
    for ini in sorted(SCENARIOS.glob("*/omnetpp.ini")):
        found += [(ini, name) for name in IniFile(ini).config_names if name != "General"]
    return found


def _scalars(folder: Path) -> dict:
    """Every scalar by (module, name); NaN as a string, so that NaN equals NaN."""
    sc = results.get_scalars(results.read_result_files(str(folder)))
    return {(m, n): "nan" if math.isnan(v) else v for m, n, v in zip(sc.module, sc.name, sc.value)}


def _state_dirs(ini: Path, config: str, tmp_path: Path) -> tuple[list[str], list[str]]:
    """Each engine's own copy of the Q-learning tables a config reads or writes, so that neither run
    sees what the other wrote (a training run continues from the tables it finds)."""
    entries = IniFile(ini).runs(config)[0].entries
    keys = [e.key for e in entries if e.key.endswith(".qTableDir")]
    if not keys:
        return [], []
    learning = next((e.value == "true" for e in entries if e.key.endswith(".learning")), False)
    dirs = [tmp_path / f"qtables-{engine}" for engine in ("opp", "qcity")]
    for d in dirs:
        d.mkdir()
    if not learning and "Training" in IniFile(ini).config_names:  # greedy on trained tables: the same for both
        train = tmp_path / "qtables-train"
        train.mkdir()
        execute_run(ini, "Training", 0, result_dir=str(tmp_path / "train"), sim_time_limit="5s",
                    overrides=[f'{keys[0]}="{train}"'])
        for d in dirs:
            shutil.copytree(train, d, dirs_exist_ok=True)
    return [f'{keys[0]}="{dirs[0]}"'], [f'{keys[0]}="{dirs[1]}"']


@needs_omnetpp
@pytest.mark.parametrize("ini,config", _configs(), ids=lambda v: v if isinstance(v, str) else v.parent.name)
def test_first_run_is_identical_on_both_engines(model_library, ini, config, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    opp_state, our_state = _state_dirs(ini, config, tmp_path)
    r = opp_run(model_library, ini, "--cmdenv-express-mode=true", "-c", config, "-r", "0", f"--sim-time-limit={LIMIT}",
                "--fingerprint=0000", f"--result-dir={tmp_path / 'opp'}", *[f"--{a}" for a in opp_state])
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    calculated = re.search(r"calculated: (\S+),", out).group(1)
    opp_events = int(re.findall(r"event #(\d+)", out)[-1])
    ours = execute_run(ini, config, 0, result_dir=str(tmp_path / "qcity"), sim_time_limit=LIMIT, overrides=our_state)
    assert ours.fingerprint == calculated
    assert ours.events == opp_events - (1 if ours.reason == "sim-time-limit" else 0)
    assert _scalars(tmp_path / "qcity") == _scalars(tmp_path / "opp")
