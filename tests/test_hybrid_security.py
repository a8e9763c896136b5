"""QKD/PQC switching in simulation: an eavesdropped link sends sessions to PQC and back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qcity import results
from qcity.sim.runner import execute_run

INI = Path(__file__).resolve().parent.parent / "omnetpp_models" / "scenarios" / "hybrid_security" / "omnetpp.ini"


def _run(config, tmp_path):
    r = execute_run(INI, config, 0, result_dir=str(tmp_path / config))
    df = results.read_result_files([str(r.sca_path), str(r.vec_path)])
    vectors = results.get_vectors(df)
    modes = vectors[vectors["name"] == "sessionMode:vector"].iloc[0]
    scalars = results.get_scalars(df).set_index("name")["value"]
    return modes["vectime"], modes["vecvalue"], scalars


def test_adaptive_sessions_switch_to_pqc_under_attack_and_back(tmp_path):
    t, mode, s = _run("Adaptive", tmp_path)
    attacked = (t > 20.5) & (t <= 40)
    assert np.all(mode[attacked] == 0)  # PQC while the link is eavesdropped (QBER health check)
    assert np.all(mode[t < 20] == 1) and np.all(mode[t > 42] == 1)  # QKD before and after
    assert s["modeSwitches:count"] == 2
    # QKD sessions consumed exactly one AES-256 key each from the pool, never more
    assert s["consumedBits:sum"] == 256 * np.count_nonzero(mode == 1)
    assert s["handshakeBytes:sum"] == 1088 * np.count_nonzero(mode == 0)


@pytest.mark.parametrize("config,expected_mode,kem_pqc,kem_mode", [("QkdOnly", 1, 1088, 0), ("PqcOnly", 0, 1088, 1088),
                                                                 ("Hybrid", 2, 1088, 1088)])
def test_fixed_modes(tmp_path, config, expected_mode, kem_pqc, kem_mode):
    t, mode, s = _run(config, tmp_path)
    # the configured mode, except that once Q-IDS has discarded the key of the attacked link,
    # QKD and hybrid sessions fall back to PQC until fresh key arrives after the attack
    fallback = mode != expected_mode
    assert np.all(mode[fallback] == 0)
    assert np.all((t[fallback] > 20) & (t[fallback] <= 42))
    assert np.count_nonzero(fallback) == s["poolFallbacks:count"]
    assert np.all(mode[t < 20] == expected_mode) and np.all(mode[t > 42] == expected_mode)
    assert s["handshakeBytes:sum"] == kem_pqc * np.count_nonzero(mode == 0) + kem_mode * np.count_nonzero(mode == 2)


def test_qids_flags_the_eavesdropped_link_and_keys_are_discarded(tmp_path):
    r = execute_run(INI, "Adaptive", 0, result_dir=str(tmp_path / "ids"))
    df = results.read_result_files([str(r.sca_path), str(r.vec_path)])
    vectors = results.get_vectors(df)
    alerts = vectors[vectors["name"] == "qidsAlerts:vector"].iloc[0]["vecvalue"]
    assert alerts.min() <= 21.0  # within a window of the attack's start at 20 s
    assert np.all((alerts > 20) & (alerts <= 41))  # no false alarm on the clean link before or after
    s = results.get_scalars(df).set_index(["module", "name"])["value"]
    assert s[("HybridLink.keys", "discardedBits:sum")] > 0  # the security layer reacted
