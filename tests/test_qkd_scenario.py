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
    # key utilisation (QESIF Eq. 6): finite blocks deliver part of the asymptotic capacity; attacked links none
    assert 0.1 < t.loc["Clean", "keyUtilisation:mean"] < 1.0
    assert t.loc["Eavesdropped", "keyUtilisation:mean"] == 0


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


def test_simulated_key_rate_points_from_results(tmp_path):
    from qcity.quantum.keyrate import LinkParameters, decoy_rate_vacuum_weak
    from qcity.reports.keyrate import simulated_points

    for n in (0, 2):  # 5 km and 50 km
        execute_run(INI, "Distance", n, result_dir=str(tmp_path), sim_time_limit="0.5s")
    pts = simulated_points(str(tmp_path))
    assert list(pts["distance_km"]) == [5.0, 50.0]
    assert (pts["pulses"] == 5 * 10**7).all()
    p = LinkParameters(alpha_db_per_km=0.2, eta_bob=0.1, y0=1e-6, e_detector=0.01, f_ec=1.0)
    for row in pts.itertuples():
        # finite blocks never beat the asymptotic bound with perfect reconciliation
        assert 0 < row.rate_per_pulse < decoy_rate_vacuum_weak(row.distance_km, p, 0.5, 0.1)
