"""Loaders for the real layouts of TON_IoT (telemetry and network), Edge-IIoTset and Bot-IoT.

Every loader checks the header against the dataset's layouts, refuses truncated or ragged files with
file:line, converts the columns it knows, and reports rows whose values do not fit their columns in
`issues` instead of mis-parsing them silently. :func:`load_dataset` picks the loader by the header.
"""

from __future__ import annotations

from pathlib import Path

from .bot_iot import load_bot_iot
from .edge_iiotset import load_edge_iiotset
from .tables import Dataset, DatasetError, read_rows
from .ton_iot import load_ton_iot_network, load_ton_iot_telemetry

__all__ = ["Dataset", "DatasetError", "load_bot_iot", "load_dataset", "load_edge_iiotset", "load_ton_iot_network",
           "load_ton_iot_telemetry", "read_rows"]


def load_dataset(path: str | Path) -> Dataset:
    """Any supported dataset file, its loader chosen by the first line (header, or a Bot-IoT record)."""
    p = Path(path)
    first = _first_line(p)
    names = {c.strip().strip('"').lower() for c in first.replace("\t", ",").split(",")}
    if {"attack_label", "attack_type"} <= names:
        return load_edge_iiotset(p)
    if {"src_ip", "dst_ip", "conn_state"} <= names:
        return load_ton_iot_network(p)
    if {"date", "time", "label", "type"} <= names:
        return load_ton_iot_telemetry(p)
    if "category" in names or len(names) > 1:  # Bot-IoT, or a Bot-IoT record (its full layouts have no header line)
        return load_bot_iot(p)
    raise DatasetError("no known dataset layout: the first line has none of Edge-IIoTset's Attack_label and "
                       "Attack_type, TON_IoT's date, time, label and type (telemetry) or src_ip, dst_ip and "
                       "conn_state (network), nor Bot-IoT's category", str(p), 1)


def _first_line(path: Path) -> str:
    try:
        with open(path, "rb") as f:
            return f.readline().decode("utf-8", errors="replace").removeprefix("\ufeff")
    except OSError as e:
        raise DatasetError(f"cannot read dataset: {e.strerror}", str(path)) from None
