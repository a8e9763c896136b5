"""Every published layout of the IDS datasets, in small files written here, read by the loaders (and chosen
by load_dataset from the header); wrong layouts get one error naming the file and the missing columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qcity.ids.data.bot_iot import BOT_IOT_5PC, BOT_IOT_BEST10, BOT_IOT_FULL
from qcity.ids.data.datasets import (
    DatasetError,
    load_bot_iot,
    load_dataset,
    load_edge_iiotset,
    load_ton_iot_network,
    load_ton_iot_telemetry,
)
from qcity.ids.data.ton_iot import TON_IOT_NETWORK

BOM = "\ufeff"


def _write(path: Path, lines: list[str], end: str = "\r\n", last_end: bool = True) -> Path:
    path.write_text(end.join(lines) + (end if last_end else ""), encoding="utf-8", newline="")
    return path


# ---- TON_IoT telemetry: every device, with the spellings the files mix ----------------------------------------

TELEMETRY = {
    "fridge": ("date,time,fridge_temperature,temp_condition,label,type",
               ["25-Apr-19, 19:19:40 ,9,high,1,ddos", "31-Mar-19,   12:36:52   ,13.1,high ,0,normal",
                "1-Apr-19,  14:56:28   ,1,low  ,0,normal", "29-Apr-19,0:44:16,9.95,high,1,backdoor"]),
    "thermostat": ("date,time,current_temperature,thermostat_status,label,type",
                   ["25-Apr-19,8:59:02,30.57732541,1,1,injection", "31-Mar-19, 12:40:10 ,25,0,0,normal"]),
    "weather": ("date,time,temperature,pressure,humidity,label,type",
                ["25-Apr-19,17:33:16,40.88186638,-0.101805871,38.3636313,1,ddos",
                 "31-Mar-19,12:40:24,39.79387512,-12.06542597,30.03713381,0,normal"]),
    "gps_tracker": ("date,time,latitude,longitude,label,type",
                    ["31-Mar-19,12:41:05,0.52270883,10.63220003,0,normal", "25-Apr-19, 10:01:01 ,1.5,2.5,1,scanning"]),
    "garage_door": ("date,time,door_state,sphone_signal,label,type",
                    ["1-Apr-19,  20:53:44   ,open,true  ,0,normal", "1-Apr-19,  20:53:49   ,closed,false  ,0,normal",
                     "25-Apr-19, 14:42:33 ,closed,0,1,ddos", "25-Apr-19,14:42:38,open,1,1,ddos"]),
    "modbus": ("date,time,FC1_Read_Input_Register,FC2_Read_Discrete_Value,FC3_Read_Holding_Register,FC4_Read_Coil,"
               "label,type", ["25-Apr-19, 09:14:00 ,49389,52921,25770,13625,1,injection",
                              "31-Mar-19,12:36:55,100,200,300,400,0,normal"]),
    "motion_light": ("date,time,motion_status,light_status,label,type",
                     ["25-Apr-19, 19:41:42 ,1, on,1,ddos", "31-Mar-19,12:43:52,0, off,0,normal"]),
}


@pytest.mark.parametrize("device", sorted(TELEMETRY))
def test_every_ton_iot_telemetry_device(tmp_path, device):
    header, rows = TELEMETRY[device]
    path = _write(tmp_path / f"Train_Test_IoT_{device}.csv", [BOM + header, *rows], last_end=False)
    for data in (load_ton_iot_telemetry(path), load_dataset(path)):
        assert data.layout == f"TON_IoT telemetry: {device}"
        assert data.issues.empty and data.frame["schema_ok"].all() and len(data.frame) == len(rows)
        assert data.frame["timestamp"].notna().all()
    f = data.frame
    if device == "fridge":
        assert set(f["temp_condition"]) == {"high", "low"}
        assert f["timestamp"].iloc[3].hour == 0 and f["timestamp"].iloc[2].day == 1
    if device == "garage_door":
        assert f["sphone_signal"].tolist() == [1, 0, 0, 1]  # true/false and 1/0 are the same readings
    if device == "motion_light":
        assert set(f["light_status"]) == {"on", "off"}
    if device == "weather":
        assert f["pressure"].min() == pytest.approx(-12.06542597)  # negative pressures are real values
    # releases with a leading ts (Unix seconds)
    ts = _write(tmp_path / "with_ts.csv", ["ts," + header] + [f"{1556245180 + i}," + r for i, r in enumerate(rows)])
    assert load_ton_iot_telemetry(ts).frame["ts"].iloc[0] == 1556245180


def test_telemetry_values_that_fit_no_reading_are_listed_not_dropped(tmp_path):
    header, rows = TELEMETRY["garage_door"]
    path = _write(tmp_path / "garage.csv", [header, *rows, "25-Apr-19,14:42:40,open,maybe,1,ddos",
                                            "31-Apr-19,14:42:45,open,1,1,ddos"])
    data = load_ton_iot_telemetry(path)
    assert len(data.frame) == 6 and len(data.valid()) == 4
    assert data.issues[["line", "column"]].values.tolist() == [[7, "date/time"], [6, "sphone_signal"]]
    assert "'maybe'" in data.issues.problem.iloc[1]


def test_an_unknown_telemetry_device_names_the_closest_and_what_it_lacks(tmp_path):
    path = _write(tmp_path / "toaster.csv", ["date,time,fridge_temperature,crumbs,label,type", "1-Apr-19,1:00:00,1,2,0,normal"])
    with pytest.raises(DatasetError, match=r"toaster\.csv:1: not a TON_IoT telemetry file: the readings "
                                           r"fridge_temperature, crumbs are no device's \(closest: fridge, which also "
                                           r"needs temp_condition\)"):
        load_ton_iot_telemetry(path)
    with pytest.raises(DatasetError, match=r"nolabel\.csv:1: not a TON_IoT telemetry file: missing column\(s\) label"):
        load_ton_iot_telemetry(_write(tmp_path / "nolabel.csv", ["date,time,latitude,longitude,type", "x,y,1,2,normal"]))


# ---- TON_IoT network -------------------------------------------------------------------------------------------

NETWORK_ROWS = [
    "192.168.1.37,4444,192.168.1.193,49178,tcp,-,290.371539,101568,2592,OTH,0,108,108064,31,3832,-,0,0,0,-,-,-,-,-,"
    "-,-,-,-,-,-,-,-,-,0,0,0,-,-,-,-,-,-,1,backdoor",
    "192.168.1.193,49180,192.168.1.37,8080,tcp,-,0.000102,0,0,REJ,0,1,52,1,40,-,0,0,0,-,-,-,-,-,-,-,-,-,-,-,-,-,-,"
    "0,0,0,-,-,-,-,-,-,1,backdoor",
    "192.168.1.30,53,192.168.1.1,5353,udp,dns,-,-,-,S0,0,1,60,0,0,example.local,1,1,0,F,T,F,F,-,-,-,-,-,-,-,-,-,-,"
    "0,0,0,-,-,-,-,-,-,0,normal",
]


def test_ton_iot_network_both_layouts(tmp_path):
    plain = _write(tmp_path / "train_test_network.csv", [",".join(TON_IOT_NETWORK), *NETWORK_ROWS])
    data = load_dataset(plain)
    assert data.layout == "TON_IoT network" and data.issues.empty and len(data.frame) == 3
    assert np.isnan(data.frame["duration"].iloc[2]) and data.frame["dst_port"].iloc[1] == 8080  # "-" is missing
    assert data.frame["label"].tolist() == [1, 1, 0]
    # Network_dataset_N.csv: ts first, http_referrer after http_uri, names in other case
    names = ["ts"] + TON_IOT_NETWORK
    names.insert(names.index("http_uri") + 1, "http_referrer")
    header = ",".join(n.lower() for n in names)
    rows = [f"{1556485532 + i}," + _with_referrer(r) for i, r in enumerate(NETWORK_ROWS)]
    data = load_ton_iot_network(_write(tmp_path / "Network_dataset_23.csv", [header, *rows]))
    assert data.layout == "TON_IoT network (with ts)" and data.issues.empty
    assert data.frame["ts"].iloc[2] == 1556485534 and "dns_AA" in data.frame.columns
    bad = _write(tmp_path / "bad.csv", [",".join(TON_IOT_NETWORK), NETWORK_ROWS[0].replace("290.371539", "2o0.3", 1)])
    assert load_ton_iot_network(bad).issues.values.tolist() == [[2, "duration", "not a number: '2o0.3'"]]


def _with_referrer(row: str) -> str:
    cells = row.split(",")
    cells.insert(TON_IOT_NETWORK.index("http_uri") + 1, "-")
    return ",".join(cells)


# ---- Bot-IoT -----------------------------------------------------------------------------------------------------

def _bot_record(names: list[str], i: int, category: str = "DDoS", sport: str = "6551") -> list[str]:
    values = {"pkSeqID": str(i + 1), "stime": "1526344121.677", "flgs": "e", "proto": "udp", "saddr": "192.168.100.147",
              "sport": sport, "daddr": "192.168.100.3", "dport": "80", "state": "INT", "smac": "", "dmac": "",
              "soui": "", "doui": "", "sco": "", "dco": "", "attack": "0" if category == "Normal" else "1",
              "category": category, "subcategory": "Normal" if category == "Normal" else "UDP"}
    return [values.get(n, f"{0.5 * (i + 1):g}") for n in names]


@pytest.mark.parametrize("names,layout", [(BOT_IOT_FULL, "full records (35 columns)"),
                                          (BOT_IOT_5PC, "5% extract, all features (46 columns)")])
def test_bot_iot_full_layouts_with_and_without_a_header_line_and_quoted(tmp_path, names, layout):
    rows = [",".join(_bot_record(names, i, "Normal" if i == 2 else "DDoS")) for i in range(3)]
    with_header = load_dataset(_write(tmp_path / "with.csv", [",".join(names), *rows]))
    assert with_header.layout == f"Bot-IoT {layout}" and with_header.issues.empty
    without = load_bot_iot(_write(tmp_path / "UNSW_2018_IoT_Botnet_Dataset_1.csv", rows, last_end=False))
    assert without.layout == f"Bot-IoT {layout}, no header line"
    assert without.frame["line"].tolist() == [1, 2, 3] and without.frame["attack"].tolist() == [1, 1, 0]
    quoted = [",".join(f'"{v}"' for v in _bot_record(names, i)) for i in range(2)]
    q = load_bot_iot(_write(tmp_path / "quoted.csv", [",".join(f'"{n}"' for n in names), *quoted]))
    assert q.issues.empty and q.frame["pkSeqID"].tolist() == [1, 2] and q.frame["stime"].dtype.kind == "f"


def test_bot_iot_ten_best_tab_and_comma_hex_ports_and_bad_ports(tmp_path):
    rows = [_bot_record(BOT_IOT_BEST10, 0), _bot_record(BOT_IOT_BEST10, 1, sport="0x0303"),
            _bot_record(BOT_IOT_BEST10, 2, sport="http")]
    for sep in ("\t", ","):
        data = load_dataset(_write(tmp_path / "best.csv", [sep.join(BOT_IOT_BEST10)] + [sep.join(r) for r in rows]))
        assert data.layout == "Bot-IoT 10 best features (19 columns)"
        assert data.issues.values.tolist() == [[4, "sport", "not a port number: 'http'"]]
        assert data.frame["schema_ok"].tolist() == [True, True, False]


def test_bot_iot_category_only_subsets_derive_the_attack_label(tmp_path):
    names = ["proto", "seq", "mean", "stddev", "min", "max", "srate", "drate", "category"]
    rows = ["udp,1,0.5,0.1,0.2,0.9,12,0,DDoS", "tcp,2,0.4,0.1,0.2,0.8,1,1,Normal", "tcp,3,0.6,0,0.6,0.6,3,0,Theft"]
    data = load_dataset(_write(tmp_path / "subset.csv", [",".join(names), *rows]))
    assert data.layout == "Bot-IoT category only (9 columns)" and data.issues.empty
    assert data.frame["attack"].tolist() == [1, 0, 1] and data.label == "attack"
    lower = load_bot_iot(_write(tmp_path / "lower.csv", [",".join(n.lower() for n in BOT_IOT_BEST10),
                                                         ",".join(_bot_record(BOT_IOT_BEST10, 0))]))
    assert lower.layout == "Bot-IoT 10 best features (19 columns)"


def test_bot_iot_without_category_or_a_known_width_is_refused(tmp_path):
    with pytest.raises(DatasetError, match=r"odd\.csv:1: not a Bot-IoT file: missing column\(s\) category .* this "
                                           r"one has 3\)"):
        load_dataset(_write(tmp_path / "odd.csv", ["1,2,3", "4,5,6"]))


# ---- Edge-IIoTset ------------------------------------------------------------------------------------------------

EDGE_HEADER = ("frame.time,ip.src_host,ip.dst_host,arp.dst.proto_ipv4,arp.opcode,arp.hw.size,arp.src.proto_ipv4,"
               "icmp.checksum,icmp.seq_le,icmp.transmit_timestamp,icmp.unused,http.file_data,http.content_length,"
               "http.request.uri.query,http.request.method,http.referer,http.request.full_uri,http.request.version,"
               "http.response,http.tls_port,tcp.ack,tcp.ack_raw,tcp.checksum,tcp.connection.fin,tcp.connection.rst,"
               "tcp.connection.syn,tcp.connection.synack,tcp.dstport,tcp.flags,tcp.flags.ack,tcp.len,tcp.options,"
               "tcp.payload,tcp.seq,tcp.srcport,udp.port,udp.stream,udp.time_delta,dns.qry.name,dns.qry.name.len,"
               "dns.qry.qu,dns.qry.type,dns.retransmission,dns.retransmit_request,dns.retransmit_request_in,"
               "mqtt.conack.flags,mqtt.conflag.cleansess,mqtt.conflags,mqtt.hdrflags,mqtt.len,mqtt.msg_decoded_as,"
               "mqtt.msg,mqtt.msgtype,mqtt.proto_len,mqtt.protoname,mqtt.topic,mqtt.topic_len,mqtt.ver,mbtcp.len,"
               "mbtcp.trans_id,mbtcp.unit_id,Attack_label,Attack_type")
EDGE_ROWS = [  # the combined ML file's spelling: year and time of day only; hex without 0x in tcp.options
    " 2021 22:49:20.400794000 ,192.168.0.170,192.168.0.128,0,0.0,0.0,0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,"
    "0.0,0.0,8833.0,2397923225.0,44131.0,0.0,0.0,0.0,0.0,47924.0,16.0,1.0,0.0,0101080a8e899068c5ac7777,0,1.0,4321.0,"
    "0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,1,Ransomware",
    # shifted: an address in frame.time, everything one column to the left
    "5.160.101.158,192.168.0.128,0,0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,"
    "0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,59075.0,0.0,1409522.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,"
    "0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,1,DDoS_UDP",
]


def test_edge_iiotset_combined_file_hex_values_and_shifted_rows(tmp_path):
    assert all(len(r.split(",")) == 63 for r in EDGE_ROWS)
    hexed = EDGE_ROWS[0].replace(",16.0,1.0,0.0,0101", ",0x00000018,1.0,0.0,0101")  # tcp.flags written in hex
    data = load_dataset(_write(tmp_path / "ML-EdgeIIoT-dataset.csv", [EDGE_HEADER, EDGE_ROWS[0], hexed, EDGE_ROWS[1]]))
    assert data.layout.startswith("Edge-IIoTset (combined file")
    assert data.frame["schema_ok"].tolist() == [True, True, False]  # the shifted row is flagged, not dropped
    assert data.frame["tcp.flags"].tolist()[:2] == [16.0, 24.0]
    assert str(data.frame["capture_time_of_day"].iloc[0]).startswith("0 days 22:49:20.400794")
    assert data.issues[data.issues.line == 4].column.tolist() == ["frame.time"]  # "0" is a valid empty address
    full = EDGE_ROWS[0].replace(" 2021 22:49:20.400794000 ", '"Nov 10, 2021 22:49:20.400794000"')  # quoted: a comma
    per_attack = load_edge_iiotset(_write(tmp_path / "Ransomware_attack.csv", [EDGE_HEADER, full]))
    assert per_attack.issues.empty and per_attack.frame["timestamp"].iloc[0].month == 11
    with pytest.raises(DatasetError, match=r"cut\.csv:1: not the expected schema: missing column\(s\) Attack_label"):
        load_edge_iiotset(_write(tmp_path / "cut.csv", [EDGE_HEADER.replace("Attack_label", "label"), EDGE_ROWS[0]]))


def test_the_real_files_are_recognised_by_their_header(shared_data):
    expected = {"ton_iot_fridge_full.csv": ("TON_IoT telemetry: fridge", 39944, 39944),
                "bot_iot_sample.tsv": ("Bot-IoT 10 best features (19 columns)", 400, 400),
                "edge_iiotset_mitm_sample.csv": ("Edge-IIoTset", 400, 0)}  # every MITM row is shifted
    for name, (layout, rows, fitting) in expected.items():
        data = load_dataset(shared_data / name)
        assert (data.layout, len(data.frame), int(data.frame["schema_ok"].sum())) == (layout, rows, fitting)


def test_the_dataset_command_reports_layout_rows_and_misfits(tmp_path, capsys):
    from qcity.cli import main

    header, rows = TELEMETRY["garage_door"]
    path = _write(tmp_path / "garage.csv", [header, *rows, "25-Apr-19,14:42:40,open,maybe,1,ddos"])
    assert main(["dataset", str(path)]) == 0
    out = capsys.readouterr().out
    assert "TON_IoT telemetry: garage_door; 5 rows, 4 fit the schema" in out
    assert f"{path}:6: sphone_signal: not 0/1 or false/true: 'maybe'" in out
    assert main(["dataset", str(_write(tmp_path / "one.txt", ["hello"]))]) == 1
    assert "one.txt:1: no known dataset layout" in capsys.readouterr().err


def test_per_class_detection_on_time_blocks_has_intervals_and_cannot_leak():
    pytest.importorskip("sklearn")
    from qcity.ids.evaluate import blocked_binary_detection, time_block_folds

    rng = np.random.default_rng(3)
    # runs of one class, as the TON_IoT files come: 300 normal, 200 of kind a, 100 of kind b
    category = pd.Series(["normal"] * 300 + ["a"] * 200 + ["b"] * 100)
    y = (category != "normal").to_numpy(int)
    x = np.column_stack([rng.normal(size=600) + 3 * (category == "a"), rng.normal(size=600)])  # only "a" separable
    for test in time_block_folds(category, 5):
        assert set(category[test]) == {"normal", "a", "b"}  # every class in every fold, each as one block
    folds, per_class = blocked_binary_detection(x, y, category, folds=5)
    assert set(folds.detector) == {"qcity_logistic", "random_forest", "logistic_regression"} and len(folds) == 15
    table = per_class.set_index(["detector", "class"])
    assert table.loc[("random_forest", "a"), "adr"] > 0.8 > table.loc[("random_forest", "b"), "adr"]
    assert (table[["adr_ci", "f1_ci"]] >= 0).all().all() and table.loc[("qcity_logistic", "a"), "rows"] == 200


def test_quoted_line_breaks_blank_lines_and_broken_headers(tmp_path):
    header, rows = TELEMETRY["gps_tracker"]
    # a quoted value over two lines stays one value; later rows keep their own line numbers
    text = [header, rows[0], '25-Apr-19,10:01:01,"x\ny",2.5,1,scanning', "25-Apr-19,10:01:02,1.5,2.5,1,scanning", ""]
    data = load_ton_iot_telemetry(_write(tmp_path / "multi.csv", text, end="\n"))
    assert data.frame["line"].tolist() == [2, 3, 5] and data.frame["latitude"].isna().tolist() == [False, True, False]
    assert data.issues.values.tolist() == [[3, "latitude", "not a number: 'x\\ny'"]]
    with pytest.raises(DatasetError, match=r"open\.csv:3: file is truncated: its last line ends inside a quoted field"):
        load_ton_iot_telemetry(_write(tmp_path / "open.csv", [header, rows[0], '25-Apr-19,"10:01'], last_end=False))
    with pytest.raises(DatasetError, match=r"twice\.csv:1: column 'latitude' appears twice"):
        load_dataset(_write(tmp_path / "twice.csv", [header.replace("longitude", "latitude"), rows[0]]))
    with pytest.raises(DatasetError, match=r"line\.csv:1: column 'line' is a name the loader adds itself"):
        load_ton_iot_telemetry(_write(tmp_path / "line.csv", [header.replace("longitude", "line"), rows[0]]))
