"""Edge-IIoTset (Ferrag et al., 2022): the per-attack and normal-traffic CSVs and the combined ML and DNN files,
all with the same 63 columns ending in ``Attack_label, Attack_type``.

Rows whose values are shifted against the header are flagged and counted in `issues`, never dropped
or misread: the published MITM file, for one, has no capture time in ``frame.time`` and host names
in ``tcp.srcport``. The combined files write ``frame.time`` as the year and the time of day only
(`` 2021 22:49:20.400794000 ``); that is a capture time, kept as `capture_time_of_day`. Hexadecimal
values (``0x...``) in numeric columns are read as integers.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pandas as pd

from .tables import Dataset, check_header, finish, flag, new_frame, numeric, read_table

EDGE_IIOTSET_NUMERIC = ["tcp.srcport", "tcp.dstport", "tcp.len", "tcp.seq", "tcp.ack", "tcp.flags", "udp.port",
                        "udp.stream", "mqtt.len", "mqtt.msgtype", "dns.qry.name.len"]
# "2021 22:49:20.400794000" (combined files) or a full capture time such as "Nov 10, 2021 22:49:20.400794000"
_YEAR_AND_TIME = re.compile(r"^(\d{4}) (\d{1,2}:\d{2}:\d{2}(?:\.\d+)?)$")
_FULL_TIME = re.compile(r"^[A-Z][a-z]{2} +\d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2}(?:\.\d+)?(?: [A-Z]{2,5})?$")


def _ip_or_zero(value: str) -> bool:
    v = str(value).strip()
    if v in ("0", "0.0"):
        return True
    try:
        ipaddress.ip_address(v)
        return True
    except ValueError:
        return False


def load_edge_iiotset(path: str | Path) -> Dataset:
    """Edge-IIoTset, any of its CSVs (63 columns ending in Attack_label, Attack_type), misaligned rows flagged."""
    p = Path(path)
    header, body, _, lines = read_table(p)
    check_header(p, header, ["frame.time", "ip.src_host", "ip.dst_host", "tcp.srcport", "Attack_label", "Attack_type"])
    frame = new_frame(header, body, lines)
    issues: list[tuple[int, str, str]] = []
    when = frame["frame.time"].astype(str).str.strip()
    year_and_time = when.str.extract(_YEAR_AND_TIME)
    frame["capture_time_of_day"] = pd.to_timedelta(year_and_time[1], errors="coerce")
    full = when.str.match(_FULL_TIME)
    stamp = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    if full.any():
        stamp[full] = pd.to_datetime(when[full].str.replace(r" [A-Z]{2,5}$", "", regex=True), format="mixed",
                                     errors="coerce")
    frame["timestamp"] = stamp
    flag(frame, frame["capture_time_of_day"].isna() & stamp.isna(), "frame.time",
         lambda v: f"not a capture timestamp: {v!r}", issues)
    for col in ("ip.src_host", "ip.dst_host"):
        flag(frame, ~frame[col].map(_ip_or_zero), col, lambda v: f"not an IP address: {v!r}", issues)
    numeric(frame, [c for c in EDGE_IIOTSET_NUMERIC if c in frame.columns], issues)
    layout = "Edge-IIoTset" + (" (combined file: year and time of day)" if frame["capture_time_of_day"].notna().any() else "")
    return finish(frame, issues, "Attack_label", "Attack_type", p, layout)
