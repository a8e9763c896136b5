"""Loaders for the real schemas of TON_IoT (telemetry), Edge-IIoTset and Bot-IoT.

Every loader checks the header against the dataset's schema, refuses truncated or
ragged files with file:line, converts the columns it knows, and reports rows whose
values do not fit their columns in `issues` instead of mis-parsing them silently
(the published Edge-IIoTset MITM file, for one, has values shifted against its
header: no timestamp in frame.time, host names in tcp.srcport).
"""

from __future__ import annotations

import csv
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import QcityError, read_utf8


class DatasetError(QcityError):
    """A dataset file that does not match its schema, or is truncated."""


@dataclass
class Dataset:
    frame: pd.DataFrame  # one row per record, columns converted; `schema_ok` marks rows that fit the schema
    label: str  # binary attack label column (0 normal, 1 attack)
    category: str  # attack type column
    source: str
    issues: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["line", "column", "problem"]))

    def valid(self) -> pd.DataFrame:
        """The rows whose values fit the schema."""
        return self.frame[self.frame["schema_ok"]]


def read_rows(path: Path, delimiter: str | None = None, line_end_required: bool = False) -> tuple[list[str], list[list[str]], str]:
    """Header (stripped) and rows of a delimited text file; truncated, empty or ragged files are errors with file:line.

    Many published dataset files end without a line end: there the last line counts as complete, and a
    file cut mid-line shows as a last row with fewer fields than the header. Files qcity writes itself
    always end with one (``line_end_required``), so there a missing line end means a cut file."""
    text = read_utf8(path, DatasetError, "dataset").removeprefix("\ufeff")  # TON_IoT's files start with a BOM
    lines = text.splitlines()
    if not lines:
        raise DatasetError("empty file", str(path))
    if delimiter is None:
        delimiter = "\t" if lines[0].count("\t") > lines[0].count(",") else ","
    ended = text.endswith(("\n", "\r"))
    if line_end_required and not ended:
        raise DatasetError("file is truncated: the last line has no line end", str(path), len(lines))
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = [h.strip() for h in rows[0]]
    body = rows[1:]
    for i, row in enumerate(body, start=2):
        if len(row) != len(header):
            if i == len(rows) and not ended and len(row) < len(header):
                raise DatasetError(f"file is truncated: its last line has {len(row)} of the header's {len(header)} "
                                   "fields", str(path), i)
            raise DatasetError(f"row has {len(row)} fields, the header has {len(header)}", str(path), i)
    return header, body, delimiter


def _check_header(path: Path, header: list[str], required: list[str]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise DatasetError(f"not the expected schema: missing column(s) {', '.join(missing)}", str(path), 1)


def _numeric(frame: pd.DataFrame, columns: list[str], issues: list[tuple[int, str, str]]) -> None:
    for col in columns:
        conv = pd.to_numeric(frame[col], errors="coerce")
        bad = conv.isna() & frame[col].astype(str).str.strip().ne("")
        for idx in frame.index[bad]:
            issues.append((int(frame.at[idx, "line"]), col, f"not a number: {frame.at[idx, col]!r}"))
        frame.loc[bad, "schema_ok"] = False
        frame[col] = conv


def _finish(frame: pd.DataFrame, issues: list, label: str, category: str, path: Path) -> Dataset:
    frame[label] = pd.to_numeric(frame[label], errors="coerce")
    bad_label = ~frame[label].isin([0, 1])
    if bad_label.any():
        line = int(frame.loc[bad_label, "line"].iloc[0])
        raise DatasetError(f"{label} must be 0 or 1, got {frame.loc[bad_label, label].iloc[0]!r}", str(path), line)
    frame[label] = frame[label].astype(int)
    frame[category] = frame[category].astype(str).str.strip()
    return Dataset(frame.reset_index(drop=True), label, category, str(path),
                   pd.DataFrame(issues, columns=["line", "column", "problem"]))


def load_ton_iot_telemetry(path: str | Path) -> Dataset:
    """TON_IoT IoT/IIoT telemetry (e.g. Train_Test_IoT_Fridge.csv): date, time, readings, label, type."""
    p = Path(path)
    header, body, _ = read_rows(p)
    _check_header(p, header, ["date", "time", "label", "type"])
    frame = pd.DataFrame(body, columns=header)
    frame.insert(0, "line", np.arange(2, len(body) + 2))
    frame["schema_ok"] = True
    issues: list[tuple[int, str, str]] = []
    for col in header:  # the files pad values with spaces ("high ", " 19:19:40 ")
        frame[col] = frame[col].astype(str).str.strip()
    stamp = pd.to_datetime(frame["date"] + " " + frame["time"], format="%d-%b-%y %H:%M:%S", errors="coerce")
    for idx in frame.index[stamp.isna()]:
        issues.append((int(frame.at[idx, "line"]), "date/time", "not a 'dd-Mon-yy HH:MM:SS' timestamp"))
    frame.loc[stamp.isna(), "schema_ok"] = False
    frame["timestamp"] = stamp
    readings = [c for c in header if c not in ("date", "time", "label", "type") and not c.endswith("condition")
                and not c.endswith("_status") and not c.endswith("_state")]
    _numeric(frame, readings, issues)
    return _finish(frame, issues, "label", "type", p)


EDGE_IIOTSET_NUMERIC = ["tcp.srcport", "tcp.dstport", "tcp.len", "tcp.seq", "tcp.ack", "tcp.flags", "udp.port",
                        "udp.stream", "mqtt.len", "mqtt.msgtype", "dns.qry.name.len"]


def load_edge_iiotset(path: str | Path) -> Dataset:
    """Edge-IIoTset (63 columns ending in Attack_label, Attack_type), with misaligned rows flagged."""
    p = Path(path)
    header, body, _ = read_rows(p)
    _check_header(p, header, ["frame.time", "ip.src_host", "ip.dst_host", "tcp.srcport", "Attack_label", "Attack_type"])
    frame = pd.DataFrame(body, columns=header)
    frame.insert(0, "line", np.arange(2, len(body) + 2))
    frame["schema_ok"] = True
    issues: list[tuple[int, str, str]] = []
    stamp = pd.to_datetime(frame["frame.time"].str.strip(), errors="coerce", format="mixed")
    numeric_time = pd.to_numeric(frame["frame.time"], errors="coerce").notna()
    no_time = stamp.isna() | numeric_time  # "0.0" parses as a number, not a capture time
    for idx in frame.index[no_time]:
        issues.append((int(frame.at[idx, "line"]), "frame.time", f"not a capture timestamp: {frame.at[idx, 'frame.time']!r}"))
    frame.loc[no_time, "schema_ok"] = False
    for col in ("ip.src_host", "ip.dst_host"):
        bad = ~frame[col].map(_ip_or_zero)
        for idx in frame.index[bad]:
            issues.append((int(frame.at[idx, "line"]), col, f"not an IP address: {frame.at[idx, col]!r}"))
        frame.loc[bad, "schema_ok"] = False
    _numeric(frame, [c for c in EDGE_IIOTSET_NUMERIC if c in frame.columns], issues)
    return _finish(frame, issues, "Attack_label", "Attack_type", p)


def _ip_or_zero(value: str) -> bool:
    v = str(value).strip()
    if v in ("0", "0.0"):
        return True
    try:
        ipaddress.ip_address(v)
        return True
    except ValueError:
        return False


BOT_IOT_NUMERIC = ["pkSeqID", "seq", "stddev", "N_IN_Conn_P_SrcIP", "min", "state_number", "mean",
                   "N_IN_Conn_P_DstIP", "drate", "srate", "max"]


def load_bot_iot(path: str | Path) -> Dataset:
    """Bot-IoT "10 best features" files (comma- or tab-separated: the delimiter is detected)."""
    p = Path(path)
    header, body, _ = read_rows(p)
    _check_header(p, header, ["proto", "saddr", "sport", "daddr", "dport", "attack", "category", "subcategory"])
    frame = pd.DataFrame(body, columns=header)
    frame.insert(0, "line", np.arange(2, len(body) + 2))
    frame["schema_ok"] = True
    issues: list[tuple[int, str, str]] = []
    _numeric(frame, [c for c in BOT_IOT_NUMERIC if c in frame.columns], issues)
    return _finish(frame, issues, "attack", "category", p)
