"""Flow records of the FlowTap module: reading its logs, detector features, and the public datasets' column names.

A FlowTap (omnetpp_models/qcity/ids/FlowTap.ned) turns the packets a gateway saw in one
window into one record per flow (source MAC, claimed device, ports, protocol). Its
columns follow Bot-IoT's Argus features where they have a counterpart (``saddr``,
``sport``, ``dport``, ``proto``, ``mean``, ``stddev``, ``min``, ``max``, ``srate``,
``drate``, ``N_IN_Conn_P_SrcIP``, ``N_IN_Conn_P_DstIP``); the inter-arrival statistics
are over the flow's packets in the window (Argus's are over aggregated records).
:func:`to_bot_iot` and :func:`to_ton_iot_network` rename them to those datasets' schemas.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.datasets import DatasetError, read_rows

#: the columns of a flow record, as FlowTap writes and passes them
RECORD_COLUMNS = ["gateway", "saddr", "device", "sport", "dport", "proto", "pkts", "bytes", "dpkts", "dbytes", "dur",
                  "mean", "stddev", "min", "max", "srate", "drate", "N_IN_Conn_P_SrcIP", "N_IN_Conn_P_DstIP",
                  "dports_per_src", "macs_per_device", "mac_mismatch", "retrans", "integrity_failures"]
#: what a flow log adds: the window's end and the ground truth (never given to a detector)
TRUTH_COLUMNS = ["time", "attack", "label"]
ATTACK_KINDS = ["normal", "flood", "scan", "spoof", "botnet", "mitm"]
SERVICE_PORTS = (1883, 5683)  # GatewayRouter.ned servicePorts: MQTT broker, CoAP server (tests/test_ned_defaults.py)
PROTOCOLS = ("udp", "mqtt", "coap", "sec")

#: names of the detector features, in the order of :func:`features`
FEATURE_NAMES = ["log_pkts", "log_bytes", "log_dpkts", "reply_ratio", "mean_size", "log_srate", "relative_rate",
                 "gap_cv", "dur_share", "service_port", "log_conn_src", "log_conn_dst", "log_dports_per_src",
                 "multi_mac", "mac_mismatch", "integrity_failed", "retrans_share"] + [f"proto_{p}" for p in PROTOCOLS]


def records_frame(records: dict) -> pd.DataFrame:
    """The ``flows`` argument of a flowIdsHook call (a dict of equal-length columns) as a DataFrame."""
    missing = [c for c in RECORD_COLUMNS if c not in records]
    if missing:
        raise ValueError(f"flow records lack column(s) {', '.join(missing)}")
    return pd.DataFrame({c: records[c] for c in RECORD_COLUMNS})


def read_flow_logs(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> pd.DataFrame:
    """Reads FlowTap logs (``<flowLogPrefix>-<gateway>.csv``) into one frame, with a ``source`` column.

    A file that is not a flow log, or has a short or malformed row, is an error with file:line;
    a last line without its end (a run that was killed) is too.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    frames = [_read_one(Path(p)) for p in paths]
    if not frames:
        raise DatasetError("no flow logs given")
    return pd.concat(frames, ignore_index=True)


def _read_one(path: Path) -> pd.DataFrame:
    header, body, _ = read_rows(path, line_end_required=True)  # FlowTap always ends its lines
    expected = RECORD_COLUMNS + TRUTH_COLUMNS
    if header != expected:
        raise DatasetError("not a FlowTap flow log: unexpected header", str(path), 1)
    frame = pd.DataFrame(body, columns=expected)
    for col in expected:
        if col in ("proto", "attack"):
            continue
        conv = pd.to_numeric(frame[col], errors="coerce")
        if conv.isna().any():
            line = int(np.flatnonzero(conv.isna().to_numpy())[0]) + 2
            raise DatasetError(f"{col} is not a number: {frame[col].iloc[line - 2]!r}", str(path), line)
        frame[col] = conv
    bad = ~frame["attack"].isin(ATTACK_KINDS)
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise DatasetError(f"unknown attack kind {frame['attack'].iloc[line - 2]!r}", str(path), line)
    frame["source"] = path.name
    return frame


def features(frame: pd.DataFrame, window: float) -> np.ndarray:
    """Detector features of flow records (one row each), in the order of :data:`FEATURE_NAMES`.

    ``relative_rate`` compares a flow's packet rate with the median of the flows in the
    same gateway window (``gateway`` and ``time`` columns when present, else all rows), so
    a detector carries from one offered load to another.
    """
    f = frame
    pkts = f["pkts"].to_numpy(float)
    srate = f["srate"].to_numpy(float)
    groups = [c for c in ("gateway", "time") if c in f.columns]
    median = f.groupby(groups)["srate"].transform("median").to_numpy(float) if groups else np.full(len(f), np.median(srate))
    gaps = np.where(f["mean"].to_numpy(float) > 0, f["stddev"].to_numpy(float) / np.maximum(f["mean"].to_numpy(float), 1e-12), 0)
    cols = [
        np.log1p(pkts), np.log1p(f["bytes"].to_numpy(float)), np.log1p(f["dpkts"].to_numpy(float)),
        f["dpkts"].to_numpy(float) / np.maximum(pkts, 1), f["bytes"].to_numpy(float) / np.maximum(pkts, 1) / 100,
        np.log1p(srate), np.log(np.maximum(srate, 1e-3) / np.maximum(median, 1e-3)), gaps,
        f["dur"].to_numpy(float) / window, f["dport"].isin(SERVICE_PORTS).to_numpy(float),
        np.log1p(f["N_IN_Conn_P_SrcIP"].to_numpy(float)), np.log1p(f["N_IN_Conn_P_DstIP"].to_numpy(float)),
        np.log1p(f["dports_per_src"].to_numpy(float)), (f["macs_per_device"].to_numpy(float) > 1).astype(float),
        f["mac_mismatch"].to_numpy(float), (f["integrity_failures"].to_numpy(float) > 0).astype(float),
        f["retrans"].to_numpy(float) / np.maximum(pkts, 1),
    ]
    cols += [(f["proto"] == p).to_numpy(float) for p in PROTOCOLS]
    return np.column_stack(cols)


def to_bot_iot(frame: pd.DataFrame) -> pd.DataFrame:
    """Flow records under Bot-IoT's "10 best features" column names (addresses are radio MACs; daddr the gateway)."""
    out = pd.DataFrame({
        "proto": frame["proto"], "saddr": frame["saddr"], "sport": frame["sport"], "daddr": frame["gateway"],
        "dport": frame["dport"], "stddev": frame["stddev"], "N_IN_Conn_P_SrcIP": frame["N_IN_Conn_P_SrcIP"],
        "min": frame["min"], "mean": frame["mean"], "N_IN_Conn_P_DstIP": frame["N_IN_Conn_P_DstIP"],
        "drate": frame["drate"], "srate": frame["srate"], "max": frame["max"],
    })
    if "label" in frame:  # Bot-IoT's subcategory of an attack is its protocol (UDP, TCP, HTTP): ours, the flow's
        out["attack"] = frame["label"].astype(int)
        out["category"] = frame["attack"]
        out["subcategory"] = frame["proto"].where(frame["label"].astype(int) == 1, "normal")
    return out


def to_ton_iot_network(frame: pd.DataFrame) -> pd.DataFrame:
    """Flow records under TON_IoT's network-dataset column names (src_ip ... label, type)."""
    out = pd.DataFrame({
        "src_ip": frame["saddr"], "src_port": frame["sport"], "dst_ip": frame["gateway"], "dst_port": frame["dport"],
        "proto": "udp", "service": frame["proto"].where(frame["proto"].isin(["mqtt", "coap"]), "-"),
        "duration": frame["dur"], "src_bytes": frame["bytes"], "dst_bytes": frame["dbytes"],
        "src_pkts": frame["pkts"], "dst_pkts": frame["dpkts"],
    })
    if "label" in frame:
        out["label"] = frame["label"].astype(int)
        out["type"] = frame["attack"]
    return out
