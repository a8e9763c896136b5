"""The QKD link scenario: QESIF channel classes end to end through the kernel and the hook."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcity import results
from qcity.sim.runner import execute_run

INI = Path(__file__).resolve().parent.parent / "omnetpp_models" / "scenarios" / "qkd_link" / "omnetpp.ini"


@pytest.fixture(scope="module")
def channel_classes(tmp_path_factory):
    out = tmp_path_factory.mktemp("qkd")
    for config in ("Clean", "Noisy", "Eavesdropped"):
        execute_run(INI, config, 0, result_dir=str(out), sim_time_limit="1s")
    df = results.read_result_files(str(out))
    sc = results.get_scalars(df, include_runattrs=True)
    return sc.pivot_table(index="configname", columns="name", values="value")


def test_qber_ordering_clean_noisy_eavesdropped(channel_classes):
    qber = channel_classes["qber:mean"]
    assert qber["Clean"] < qber["Noisy"] < qber["Eavesdropped"]
    assert qber["Clean"] == pytest.approx(0.01, abs=0.003)


def test_eavesdropped_keys_are_discarded(channel_classes):
    t = channel_classes
    assert t.loc["Clean", "secretBits:sum"] > 0
    blocks = t.loc["Eavesdropped", "aborted:count"]
    assert t.loc["Eavesdropped", "aborted:sum"] / blocks > 0.95
    assert t.loc["Eavesdropped", "secretBits:sum"] == 0
    assert t.loc["Clean", "poolLevel:last"] == t.loc["Clean", "secretBits:sum"]


def test_same_seed_same_keys(tmp_path):
    a = execute_run(INI, "Clean", 0, result_dir=str(tmp_path / "a"), sim_time_limit="0.3s")
    b = execute_run(INI, "Clean", 0, result_dir=str(tmp_path / "b"), sim_time_limit="0.3s")
    assert a.fingerprint == b.fingerprint
    sa = results.get_scalars(results.read_result_files(str(a.sca_path)))
    sb = results.get_scalars(results.read_result_files(str(b.sca_path)))
    assert sa["value"].equals(sb["value"])


def test_bad_link_parameter_is_reported(tmp_path):
    ini = tmp_path / "omnetpp.ini"
    ini.write_text(INI.read_text() + "\n[Config Bad]\n**.link.detectorEfficiency = 1.5\n")
    (tmp_path / "QkdPair.ned").write_text((INI.parent / "QkdPair.ned").read_text())
    with pytest.raises(RuntimeError, match="detectorEfficiency must be in"):
        execute_run(ini, "Bad", 0, result_dir=str(tmp_path / "r"))
