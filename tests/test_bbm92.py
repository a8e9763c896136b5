"""Link profiles (e.g. from QuISP) and BBM92 blocks, alone and inside QkdLink."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qcity import results
from qcity.quantum.bbm92 import Bbm92Settings, run_bbm92_block
from qcity.quantum.linkprofile import LinkProfile, LinkProfileError, load_link_profile
from qcity.sim.runner import execute_run

GOOD = {"distance_km": 20, "fidelity": 0.97, "x_error": 0.01, "y_error": 0.005, "z_error": 0.015, "bell_pair_rate": 2e6}


def test_profile_from_json_and_csv(tmp_path):
    j = tmp_path / "link.json"
    j.write_text(json.dumps(GOOD))
    c = tmp_path / "link.csv"
    c.write_text(",".join(GOOD) + "\n" + ",".join(str(v) for v in GOOD.values()) + "\n")
    a, b = load_link_profile(j), load_link_profile(c)
    assert a == b
    assert a.qber_z == pytest.approx(0.015) and a.qber_x == pytest.approx(0.02)


@pytest.mark.parametrize("name,text,message", [
    ("a.json", '{"distance_km": 1,', r"a\.json:1:\d+: malformed JSON"),
    ("b.json", json.dumps({k: v for k, v in GOOD.items() if k != "z_error"}), "missing field.*z_error"),
    ("c.json", json.dumps({**GOOD, "x_error": "lots"}), "x_error: expected a number"),
    ("d.json", json.dumps({**GOOD, "y_error": 1.5}), "y_error must be in"),
    ("e.csv", "distance_km,fidelity\n1,2\n3,4\n", "exactly one data row"),
    ("f.txt", "x", "are .json or .csv"),
])
def test_bad_profiles(tmp_path, name, text, message):
    p = tmp_path / name
    p.write_text(text)
    with pytest.raises(LinkProfileError, match=message):
        load_link_profile(p)
    with pytest.raises(LinkProfileError, match="cannot read"):
        load_link_profile(tmp_path / "missing.json")


def test_bbm92_block_keys_agree_and_noise_stops_them():
    good = LinkProfile(**GOOD)
    r = run_bbm92_block(good, Bbm92Settings(), 0.05, np.random.default_rng(3))
    assert not r.aborted and r.secret_bits > 0
    assert np.array_equal(r.alice_key, r.bob_key)
    assert r.qber == pytest.approx(good.qber_z, abs=0.002)
    noisy = LinkProfile(**{**GOOD, "x_error": 0.08, "y_error": 0.05})
    bad = run_bbm92_block(noisy, Bbm92Settings(), 0.05, np.random.default_rng(3))
    assert bad.aborted and bad.secret_bits == 0


def test_qkdlink_runs_bbm92_on_a_profile(tmp_path):
    profile = tmp_path / "gw.json"
    profile.write_text(json.dumps(GOOD))
    scen = Path(__file__).resolve().parent.parent / "omnetpp_models" / "scenarios" / "qkd_link"
    (tmp_path / "QkdPair.ned").write_text((scen / "QkdPair.ned").read_text())
    ini = tmp_path / "omnetpp.ini"
    ini.write_text(f"""
[General]
network = QkdPair
sim-time-limit = 0.5s
**.link.blockInterval = 0.05s
**.link.keyRateHook = "qcity.quantum.hooks:bbm92_block"
**.link.linkProfile = "{profile}"
**.link.pZ = 0.9
""")
    r = execute_run(ini, "General", 0, result_dir=str(tmp_path / "r"))
    sc = results.get_scalars(results.read_result_files(str(r.sca_path))).set_index("name")["value"]
    assert sc["secretBits:sum"] > 0
    assert sc["qber:mean"] == pytest.approx(0.015, abs=0.003)


def test_bbm92_on_measured_outcomes_sifts_z_z_pairs_and_estimates_the_phase_error_on_x_x():
    from qcity.quantum.bbm92 import run_bbm92_on_outcomes
    from qcity.quantum.hooks import bbm92_measured_block

    rng = np.random.default_rng(5)
    n = 90_000
    a_basis, b_basis = rng.choice(list("XYZ"), n), rng.choice(list("XYZ"), n)
    a_bits = rng.integers(0, 2, n, dtype=np.uint8)
    flips = (rng.random(n) < 0.02).astype(np.uint8)  # 2 % of the pairs disagree, whatever the basis
    b_bits = a_bits ^ flips
    r = run_bbm92_on_outcomes(a_basis, a_bits, b_basis, b_bits, Bbm92Settings(), np.random.default_rng(1))
    zz = (a_basis == "Z") & (b_basis == "Z")
    assert r.sifted[0] == zz.sum() and abs(r.sifted[0] - n / 9) < 500
    assert r.errors[0] == int((flips[zz]).sum())
    assert not r.aborted and r.secret_bits > 0 and np.array_equal(r.alice_key, r.bob_key)
    assert r.qber_estimate == pytest.approx(0.02, abs=0.01)
    # the hook takes the bases and bits as strings, as Bbm92KeyLink sends them
    out = bbm92_measured_block({"alice_bases": "".join(a_basis), "bob_bases": "".join(b_basis),
                                "alice_bits": "".join(map(str, a_bits)), "bob_bits": "".join(map(str, b_bits)),
                                "sample_fraction": 0.1, "qber_abort": 0.11, "cascade": "option7", "seed": 1})
    assert out["secret_bits"] == r.secret_bits and out["qber_x"] == pytest.approx(0.02, abs=0.01)
    with pytest.raises(ValueError, match="a basis and an outcome for every pair"):
        run_bbm92_on_outcomes(a_basis[:5], a_bits[:4], b_basis[:5], b_bits[:5], Bbm92Settings(), rng)
