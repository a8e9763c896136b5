"""TON_IoT (UNSW Canberra): the IoT/IIoT telemetry files of its seven devices and the network dataset.

Telemetry (``Train_Test_IoT_<Device>.csv``): ``date,time,<readings>,label,type``, in some releases
with a leading ``ts`` (Unix seconds). The files mix spellings within one column, and the loader reads
them all: times unpadded, space-padded on either side or without a leading zero (``0:44:16``),
days without a leading zero (``1-Apr-19``), categories with trailing or leading spaces (``high  ``,
`` on``), the garage door's phone signal as ``0``/``1`` beside ``false  ``/``true  ``, and negative
pressures (real values of the weather sensor, not errors).

Network (``train_test_network.csv``, 44 columns; ``Network_dataset_N.csv`` adds ``ts`` and
``http_referrer``): Zeek connection fields where ``-`` marks a field the connection does not have.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .tables import (
    Dataset,
    DatasetError,
    canonical_names,
    check_header,
    finish,
    flag,
    new_frame,
    numeric,
    read_table,
)

# device -> (numeric readings, 0/1 readings that may be written true/false, categorical readings)
TELEMETRY_DEVICES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "fridge": (["fridge_temperature"], [], ["temp_condition"]),
    "thermostat": (["current_temperature"], ["thermostat_status"], []),
    "weather": (["temperature", "pressure", "humidity"], [], []),
    "gps_tracker": (["latitude", "longitude"], [], []),
    "garage_door": ([], ["sphone_signal"], ["door_state"]),
    "modbus": (["FC1_Read_Input_Register", "FC2_Read_Discrete_Value", "FC3_Read_Holding_Register", "FC4_Read_Coil"],
               [], []),
    "motion_light": ([], ["motion_status"], ["light_status"]),
}
TELEMETRY_COMMON = ["date", "time", "label", "type"]
_BOOLEAN = {"0": 0, "1": 1, "false": 0, "true": 1}


def telemetry_device(header: list[str]) -> str | None:
    """The device whose readings the header holds, or None."""
    columns = set(header)
    for device, (num, boolean, cat) in TELEMETRY_DEVICES.items():
        if set(num + boolean + cat) <= columns:
            return device
    return None


def load_ton_iot_telemetry(path: str | Path) -> Dataset:
    """TON_IoT IoT/IIoT telemetry of any of its devices (fridge, thermostat, weather, GPS tracker, garage door,
    Modbus, motion light), chosen by the header; the readings are converted, the date and time joined into
    `timestamp`, and values that fit no reading are listed in `issues`."""
    p = Path(path)
    header, body, _, lines = read_table(p)
    check_header(p, header, TELEMETRY_COMMON, "a TON_IoT telemetry file")
    device = telemetry_device(header)
    if device is None:
        readings = [c for c in header if c not in TELEMETRY_COMMON + ["ts"]]
        closest = max(TELEMETRY_DEVICES, key=lambda d: len(set(sum(TELEMETRY_DEVICES[d], [])) & set(readings)))
        lacking = [c for c in sum(TELEMETRY_DEVICES[closest], []) if c not in header]
        raise DatasetError(f"not a TON_IoT telemetry file: the readings {', '.join(readings) or '(none)'} are no "
                           f"device's (closest: {closest}, which also needs {', '.join(lacking)})", str(p), 1)
    frame = new_frame(header, body, lines, strip=True)  # the files pad values ("high  ", " 19:19:40 ", " on")
    issues: list[tuple[int, str, str]] = []
    frame["date/time"] = frame["date"] + " " + frame["time"]
    stamp = pd.to_datetime(frame["date/time"], format="%d-%b-%y %H:%M:%S", errors="coerce")
    flag(frame, stamp.isna(), "date/time", lambda v: f"not a 'd-Mon-yy H:MM:SS' date and time: {v!r}", issues)
    frame = frame.drop(columns="date/time")
    frame["timestamp"] = stamp
    num, boolean, _ = TELEMETRY_DEVICES[device]
    numeric(frame, num + (["ts"] if "ts" in header else []), issues)
    for col in boolean:
        values = frame[col].str.lower().map(_BOOLEAN)
        flag(frame, values.isna(), col, lambda v: f"not 0/1 or false/true: {v!r}", issues)
        frame[col] = values
    return finish(frame, issues, "label", "type", p, f"TON_IoT telemetry: {device}")


TON_IOT_NETWORK = ["src_ip", "src_port", "dst_ip", "dst_port", "proto", "service", "duration", "src_bytes", "dst_bytes",
                   "conn_state", "missed_bytes", "src_pkts", "src_ip_bytes", "dst_pkts", "dst_ip_bytes", "dns_query",
                   "dns_qclass", "dns_qtype", "dns_rcode", "dns_AA", "dns_RD", "dns_RA", "dns_rejected", "ssl_version",
                   "ssl_cipher", "ssl_resumed", "ssl_established", "ssl_subject", "ssl_issuer", "http_trans_depth",
                   "http_method", "http_uri", "http_version", "http_request_body_len", "http_response_body_len",
                   "http_status_code", "http_user_agent", "http_orig_mime_types", "http_resp_mime_types", "weird_name",
                   "weird_addl", "weird_notice", "label", "type"]
TON_IOT_NETWORK_NUMERIC = ["src_port", "dst_port", "duration", "src_bytes", "dst_bytes", "missed_bytes", "src_pkts",
                           "src_ip_bytes", "dst_pkts", "dst_ip_bytes", "dns_qclass", "dns_qtype", "dns_rcode",
                           "http_request_body_len", "http_response_body_len", "http_status_code"]


def load_ton_iot_network(path: str | Path) -> Dataset:
    """TON_IoT network dataset (``ts`` and ``http_referrer`` optional); ``-`` is a missing value, not an error.

    Header names are matched regardless of case (copies differ in ``dns_AA`` against ``dns_aa``)."""
    p = Path(path)
    header, body, _, lines = read_table(p)
    header = canonical_names(header, TON_IOT_NETWORK + ["ts", "http_referrer"])
    check_header(p, header, TON_IOT_NETWORK, "a TON_IoT network file")
    frame = new_frame(header, body, lines, strip=True)
    issues: list[tuple[int, str, str]] = []
    numeric(frame, TON_IOT_NETWORK_NUMERIC + (["ts"] if "ts" in header else []), issues, missing=("", "-"))
    layout = "TON_IoT network" + (" (with ts)" if "ts" in header else "")
    return finish(frame, issues, "label", "type", p, layout)
