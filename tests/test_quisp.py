"""QuISP link tomography output -> link profile -> a QkdLink run (BBM92 on the profile)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qcity import results
from qcity.cli import main
from qcity.quantum.linkprofile import load_link_profile
from qcity.quantum.quisp import QuispFormatError, link_profile_from_quisp, read_tomography_output
from qcity.sim.runner import execute_run

DATA = Path(__file__).resolve().parent / "data" / "quisp"  # hand-written in QuISP's HardwareMonitor format
QKD_NED = Path(__file__).resolve().parent.parent / "omnetpp_models" / "scenarios" / "qkd_link" / "QkdPair.ned"


def test_reads_both_line_formats_and_averages_a_links_records():
    records = read_tomography_output(DATA / "two_gateways.txt")
    assert len(records) == 3 and records[2].line == 4  # the blank line is skipped, line numbers kept
    s = link_profile_from_quisp(DATA / "two_gateways.txt")
    # the first two lines are the two ends' copies of one measurement (as QuISP writes them): counted once
    assert s.link == ("Gateway0[0]", "Gateway1[0]") and s.records == 2
    p = s.profile
    assert p.distance_km == 10
    assert p.x_error == pytest.approx((0.006 + 0.008) / 2)
    assert p.y_error == pytest.approx(0.003)
    assert p.z_error == pytest.approx((0.007 + 0.009) / 2)
    assert p.fidelity == pytest.approx((0.984 + 0.980) / 2)
    assert p.bell_pair_rate == pytest.approx((512.4 + 509.6) / 2)
    assert s.spread["y_error"] == pytest.approx(0, abs=1e-12) and s.spread["x_error"] > 0


def test_several_files_negative_overlaps_and_the_links_length(tmp_path):
    line = "g[0]<-->QuantumChannel{{distance=5km;bellpair_per_sec={r};}}<-->g[1]; F={f}; X={x}; Z=0.01; Y={y}\n"
    (tmp_path / "run-0.tomography").write_text(line.format(r=7000, f=0.98, x=0.01, y=-0.002) * 2)  # both ends
    (tmp_path / "run-1.tomography").write_text(line.format(r=7200, f=0.98, x=0.012, y=0.001) * 2)
    s = link_profile_from_quisp(sorted(tmp_path.glob("run-*.tomography")), distance_km=10)
    assert s.records == 2 and s.profile.distance_km == 10
    assert s.profile.x_error == pytest.approx(0.011) and s.profile.bell_pair_rate == pytest.approx(7100)
    assert s.profile.y_error == 0 and any("y_error averaged to -0.0005" in n for n in s.notes)
    assert any("QuISP wrote 5 km" in n for n in s.notes)
    with pytest.raises(QuispFormatError, match="no QuISP output file given"):
        link_profile_from_quisp([])


def test_a_file_with_several_links_needs_one_named():
    with pytest.raises(QuispFormatError, match=r"2 links .*EndNode1\[0\] <--> Repeater1\[0\].*--link"):
        link_profile_from_quisp(DATA / "three_links.txt")
    s = link_profile_from_quisp(DATA / "three_links.txt", ("Repeater1[0]", "EndNode1[0]"))  # either order
    assert s.records == 1 and s.profile.qber_z == pytest.approx(0.05)  # the two ends' twin lines
    with pytest.raises(QuispFormatError, match="no link between EndNode1\\[0\\] and HoM1\\[0\\]"):
        link_profile_from_quisp(DATA / "three_links.txt", ("EndNode1[0]", "HoM1[0]"))


@pytest.mark.parametrize("line,message", [
    ("this is not QuISP output", r"bad\.txt:2: not a QuISP link tomography line"),
    ("A[0]<-->QuantumChannel{distance=10km;}<-->B[0]; F=0.9; X=0.1; Z=0; Y=0", r"bad\.txt:2: missing bellpair_per_sec"),
    ("A[0]<-->QuantumChannel{distance=10km;bellpair_per_sec=5;}<-->B[0]; F=0.9; X=0.1; Z=0", r"bad\.txt:2: missing Y"),
    ("A[0]<-->QuantumChannel{distance=10m;bellpair_per_sec=5;}<-->B[0]; F=0.9; X=0.1; Z=0; Y=0", r"expected a value in km"),
    ("A[0]<-->QuantumChannel{distance=10km;bellpair_per_sec=fast;}<-->B[0]; F=0.9; X=0.1; Z=0; Y=0",
     r"bellpair_per_sec: expected a number"),
    ("g[0]<-->QuantumChannel{distance=15km;bellpair_per_sec=-1;}<-->g[1]; F=0.95; X=0.02; Z=0.01; Y=0.01",
     r"bad\.txt:2: the link tomography did not finish .* raise sim-time-limit"),
])
def test_malformed_lines_are_reported_with_file_and_line(tmp_path, line, message):
    good = (DATA / "two_gateways.txt").read_text().splitlines()[0]
    (tmp_path / "bad.txt").write_text(good + "\n" + line + "\n")
    with pytest.raises(QuispFormatError, match=message):
        read_tomography_output(tmp_path / "bad.txt")


def test_out_of_range_errors_and_other_inputs_are_clear(tmp_path):
    (tmp_path / "big.txt").write_text("A[0]<-->QuantumChannel{distance=1km;bellpair_per_sec=5;}<-->B[0]; F=0.1; X=0.6; Z=0.3; Y=0.2\n")
    with pytest.raises(QuispFormatError, match="must not exceed 1"):
        link_profile_from_quisp(tmp_path / "big.txt")
    (tmp_path / "empty.txt").write_text("\n")
    with pytest.raises(QuispFormatError, match="no link tomography records"):
        read_tomography_output(tmp_path / "empty.txt")
    with pytest.raises(QuispFormatError, match="not to .sca/.vec files"):
        read_tomography_output(tmp_path / "General-#0.sca")
    with pytest.raises(QuispFormatError, match="cannot read"):
        read_tomography_output(tmp_path / "missing.txt")


def test_cli_writes_a_profile_that_a_qkd_link_run_uses(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["quisp-profile", str(DATA / "two_gateways.txt"), "-o", "gw.json"]) == 0
    err = capsys.readouterr().err
    assert "2 record(s) averaged" in err and "QBER_Z = X + Y = 0.0100" in err
    profile = load_link_profile("gw.json")
    assert profile.qber_z == pytest.approx(0.007 + 0.003)
    (tmp_path / "QkdPair.ned").write_text(QKD_NED.read_text())
    (tmp_path / "omnetpp.ini").write_text("""
[General]
network = QkdPair
sim-time-limit = 120s
**.link.blockInterval = 60s
**.link.keyRateHook = "qcity.quantum.hooks:bbm92_block"
**.link.linkProfile = "gw.json"
**.link.pZ = 0.9
""")
    r = execute_run(tmp_path / "omnetpp.ini", "General", 0, result_dir=str(tmp_path / "r"))
    sc = results.get_scalars(results.read_result_files(str(r.sca_path))).set_index("name")["value"]
    assert sc["secretBits:sum"] > 0
    # about 500 pairs/s: a minute's pairs make one block big enough for a finite-size key.
    # The link's QBER comes from the QuISP pairs' X and Y errors (1 %, mostly Z-basis rounds)
    assert sc["qber:mean"] == pytest.approx(profile.qber_z, abs=0.004)


def test_cli_prints_the_profile_and_rejects_a_bad_link_argument(capsys):
    assert main(["quisp-profile", str(DATA / "three_links.txt"), "--link", "EndNode2[0],HoM1[0]"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["distance_km"] == 5 and data["bell_pair_rate"] == 700
    assert main(["quisp-profile", str(DATA / "three_links.txt"), "--link", "EndNode2[0]"]) != 0
    assert "--link takes two node names" in capsys.readouterr().err


def test_real_quisp_output_of_the_calibrated_classes():
    """Files written by QuISP itself (see tests/data/quisp/README.md): one run of Clean and of Eavesdropped."""
    clean = link_profile_from_quisp(DATA / "real_clean_run0.tomography", distance_km=10)
    assert clean.link == ("gateway[0]", "gateway[1]") and clean.records == 1  # the two ends' lines are twins
    assert clean.profile.distance_km == 10 and clean.profile.bell_pair_rate > 1000
    assert abs(clean.profile.qber_z - 0.01) < 0.01 and abs(clean.profile.qber_x - 0.01) < 0.01
    tapped = link_profile_from_quisp(DATA / "real_eavesdropped_run0.tomography")
    assert tapped.profile.distance_km == 5  # as QuISP wrote it: the gateway's channel to the analyser
    assert abs(tapped.profile.qber_z - 0.15) < 0.03 and tapped.profile.qber_z > 5 * clean.profile.qber_z
