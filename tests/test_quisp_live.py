"""QuISP in the loop: the calibrated link classes run by QuISP itself, and BBM92 key from QuISP's
Bell pairs inside one opp_run. Needs OMNeT++ and a built QuISP (QUISP_ROOT); skips, saying why,
without them. Without them only the build's clear failure is checked."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from oppbuild import OPP_BIN, cmake, why_not

from qcity import results
from qcity.quantum.quisp import link_profile_from_quisp

REPO = Path(__file__).resolve().parent.parent
CONFIGS = REPO / "quisp_configs"
QUISP_ROOT = Path(os.environ["QUISP_ROOT"]) if os.environ.get("QUISP_ROOT") else None
WHY_NOT = why_not("QUISP_ROOT", "quisp/libquisp.so", "docs/quisp.md")
needs_quisp = pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or "")


def _cmake(build: Path, *extra: str, env: dict | None = None):
    return cmake(build, "-DQCITY_WITH_OMNETPP=ON", *extra, env=env)


@pytest.mark.skipif(OPP_BIN is None or shutil.which("cmake") is None,
                    reason="needs cmake and OMNeT++ to reach the QuISP check (docs/quisp.md)")
def test_cmake_with_quisp_on_fails_clearly_without_quisp_root(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "QUISP_ROOT"}
    r = _cmake(tmp_path / "b", "-DQCITY_WITH_QUISP=ON", env=env)
    assert r.returncode != 0 and "QUISP_ROOT is not set" in " ".join(r.stderr.split())  # cmake wraps lines
    r = _cmake(tmp_path / "c", "-DQCITY_WITH_QUISP=ON", f"-DQUISP_ROOT={tmp_path}", env=env)
    assert r.returncode != 0 and "is not a QuISP source tree" in " ".join(r.stderr.split())


@pytest.fixture(scope="module")
def libraries(tmp_path_factory) -> Path:
    build = tmp_path_factory.mktemp("build-quisp")
    r = _cmake(build, "-DQCITY_WITH_QUISP=ON", f"-DQUISP_ROOT={QUISP_ROOT}")
    assert r.returncode == 0, r.stderr
    r = subprocess.run(["cmake", "--build", str(build), "-j", "2"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return build


def _opp_run(build: Path, workdir: Path, config: str, *args: str) -> subprocess.CompletedProcess:
    for f in CONFIGS.glob("*.n*"):
        shutil.copy(f, workdir)  # QuISP writes its tomography files relative to the working folder
    shutil.copy(CONFIGS / "omnetpp.ini", workdir)
    opp_run = OPP_BIN / "opp_run"
    ned = os.pathsep.join([str(QUISP_ROOT / "quisp"), str(REPO / "omnetpp_models"), str(workdir)])
    cmd = [str(opp_run), "-l", str(QUISP_ROOT / "quisp" / "quisp"), "-l", str(build / "qcity"),
           "-l", str(build / "qcity_quisp"), "-n", ned, "-u", "Cmdenv", "-c", config, "omnetpp.ini", *args]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    r = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return r


@needs_quisp
@pytest.mark.parametrize("config,target", [("Clean", 0.01), ("Noisy", 0.07), ("Eavesdropped", 0.15)])
def test_calibrated_classes_land_on_their_qber_under_quisp(libraries, tmp_path, config, target):
    _opp_run(libraries, tmp_path, config, "--repeat=2")
    s = link_profile_from_quisp(sorted((tmp_path / "results").glob(f"{config}-*.tomography")), distance_km=10)
    assert s.records == 2
    # within 1.5 points on two runs of 7000 measurements (the README's five runs land within 1 point)
    assert abs(s.profile.qber_z - target) < 0.015 and abs(s.profile.qber_x - target) < 0.015


@needs_quisp
def test_quisp_bell_pairs_become_keys_in_qcity_sessions(libraries, tmp_path):
    r = _opp_run(libraries, tmp_path, "Keys", "--sim-time-limit=13s", "--**.keyLink.blockInterval=6s")
    assert "Fingerprint" in r.stdout  # the tap computed OMNeT++'s fingerprint as well
    sc = results.get_scalars(results.read_result_files(str(tmp_path / "results" / "Keys-#0.sca")))
    v = {(m.split(".", 1)[1], n): x for m, n, x in zip(sc.module, sc.name, sc.value)}
    pairs = v[("keyLink", "pairsMatched")]
    assert pairs > 50_000  # about 7300 pairs/s over 12 s
    assert v[("keyLink", "siftedBits:sum")] == pytest.approx(pairs / 9, rel=0.05)  # Z at both ends: 1/3 x 1/3
    assert abs(v[("keyLink", "qber:mean")] - 0.01) < 0.01
    assert v[("keyLink", "secretBits:sum")] > 0
    for end in ("keys[0]", "keys[1]"):
        assert v[(end, "consumedBits:sum")] > 0  # sessions ran on QuISP-made key
