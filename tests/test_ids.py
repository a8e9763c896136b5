"""Dataset loaders on the real samples (../shared/data) and the quantum-aware Q-IDS."""

from __future__ import annotations

import pytest

from qcity.ids.data.datasets import DatasetError, load_bot_iot, load_edge_iiotset, load_ton_iot_telemetry
from qcity.ids.qids import QuantumIds


def test_ton_iot_fridge_sample(shared_data):
    d = load_ton_iot_telemetry(shared_data / "ton_iot_fridge_sample.csv")
    f = d.frame
    assert len(f) == 400 and d.issues.empty and f["schema_ok"].all()
    assert f["label"].value_counts().to_dict() == {1: 250, 0: 150}
    assert f["type"].value_counts()["ddos"] == 70 and f["type"].value_counts()["normal"] == 150
    assert set(f["temp_condition"]) == {"high", "low"}  # trailing spaces of the original removed
    assert f["timestamp"].notna().all() and f["fridge_temperature"].dtype.kind == "f"


def test_edge_iiotset_mitm_rows_are_flagged_not_misparsed(shared_data):
    d = load_edge_iiotset(shared_data / "edge_iiotset_mitm_sample.csv")
    assert len(d.frame) == 400 and (d.frame["Attack_type"] == "MITM").all()
    by_column = d.issues.groupby("column").size().to_dict()
    assert by_column["frame.time"] == 400  # no row has a capture timestamp
    assert by_column["tcp.srcport"] > 0  # host names where a port belongs
    names = d.issues[d.issues["column"] == "tcp.srcport"]["problem"]
    assert names.str.contains("local").any()
    assert not d.frame["schema_ok"].any() and d.valid().empty
    assert d.frame["tcp.srcport"].isna().sum() == by_column["tcp.srcport"]  # never a wrong number


def test_bot_iot_tab_and_comma(shared_data, tmp_path):
    d = load_bot_iot(shared_data / "bot_iot_sample.tsv")
    assert len(d.frame) == 400 and d.issues.empty
    assert d.frame["category"].value_counts().to_dict() == {"DDoS": 217, "DoS": 175, "Reconnaissance": 8}
    comma = tmp_path / "bot.csv"
    comma.write_text((shared_data / "bot_iot_sample.tsv").read_text().replace("\t", ","))
    assert load_bot_iot(comma).frame["category"].value_counts()["DDoS"] == 217


def test_truncated_and_malformed_datasets(shared_data, tmp_path):
    text = (shared_data / "ton_iot_fridge_sample.csv").read_text(encoding="utf-8-sig")
    cut = tmp_path / "cut.csv"
    cut.write_text(text[:-30])  # the last row loses its end
    with pytest.raises(DatasetError, match=r"cut\.csv:\d+: (file is truncated|row has)"):
        load_ton_iot_telemetry(cut)
    ragged = tmp_path / "ragged.csv"
    lines = text.splitlines()
    lines[5] = lines[5] + ",extra"
    ragged.write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetError, match=r"ragged\.csv:6: row has 7 fields, the header has 6"):
        load_ton_iot_telemetry(ragged)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    with pytest.raises(DatasetError, match=r"wrong\.csv:1: not the expected schema"):
        load_edge_iiotset(wrong)
    badlabel = tmp_path / "badlabel.csv"
    badlabel.write_text(text.splitlines()[0] + "\n25-Apr-19, 19:19:40 ,9,high,7,ddos\n")
    with pytest.raises(DatasetError, match=r"badlabel\.csv:2: label must be 0 or 1"):
        load_ton_iot_telemetry(badlabel)


def test_qids_quiet_on_a_clean_link_alerts_on_eavesdropping():
    ids = QuantumIds(qber_ref=0.01, baseline_qber_mean=0.01, baseline_qber_std=0.002)
    clean = [ids.update(t, 0.01 + 0.001 * ((t % 3) - 1), 0, 10) for t in range(20)]
    assert not any(w["alert"] for w in clean)
    attacked = ids.update(20, 0.15, 10, 10)
    assert attacked["alert"] and attacked["benign_probability"] < 1e-6
    assert attacked["score"] > clean[-1]["score"] * 5
    # the threshold adapts (Eq. 4): it rose with the jump, scaled by 1 - P_n
    assert ids.alpha > clean[-1]["threshold"]


def test_qids_rejects_bad_weights():
    with pytest.raises(ValueError, match="sum to 1"):
        QuantumIds(weights=(0.5, 0.5, 0.5))


def test_a_last_line_without_line_end_is_complete_but_a_cut_line_is_not(tmp_path):
    header = "pkSeqID\tproto\tsaddr\tsport\tdaddr\tdport\tseq\tstddev\tN_IN_Conn_P_SrcIP\tmin\tstate_number\tmean\t" \
             "N_IN_Conn_P_DstIP\tdrate\tsrate\tmax\tattack\tcategory\tsubcategory"
    row = "1\tudp\t192.168.100.147\t6551\t192.168.100.3\t80\t251\t0\t100\t4.9\t4\t4.9\t100\t0\t0.2\t4.9\t1\tDDoS\tUDP"
    whole = tmp_path / "bot.tsv"
    whole.write_text(f"{header}\n{row}\n{row}")  # as many published files end: no line end after the last row
    assert len(load_bot_iot(whole).valid()) == 2
    cut = tmp_path / "cut.tsv"
    cut.write_text(f"{header}\n{row}\n{row[:40]}")
    with pytest.raises(DatasetError, match=r"cut\.tsv:3: file is truncated: its last line has 5 of the header's 19 fields"):
        load_bot_iot(cut)

