"""Bot-IoT (UNSW Canberra, 2018) in the layouts its files are published and shared in, chosen by the header:

- the full records, 35 columns (``UNSW_2018_IoT_Botnet_Dataset_N.csv``, published without a header line);
- the 5 % extract with all features, 46 columns (``..._Full5pc_N.csv``; with or without a header line);
- the "10 best features" files, 19 columns (comma or TAB separated);
- preprocessed subsets that keep only ``category`` as the label (no ``attack``, often no addresses):
  there ``attack`` is derived as ``category != "Normal"``.

Quoted values (``"1"``) are read as the values; ports may be decimal or hexadecimal (``0x0303``).
"""

from __future__ import annotations

import re
from pathlib import Path

from .tables import Dataset, DatasetError, canonical_names, finish, flag, new_frame, numeric, read_table

BOT_IOT_FULL = ["pkSeqID", "stime", "flgs", "proto", "saddr", "sport", "daddr", "dport", "pkts", "bytes", "state", "ltime",
                "seq", "dur", "mean", "stddev", "smac", "dmac", "sum", "min", "max", "soui", "doui", "sco", "dco", "spkts",
                "dpkts", "sbytes", "dbytes", "rate", "srate", "drate", "attack", "category", "subcategory"]
BOT_IOT_5PC = ["pkSeqID", "stime", "flgs", "flgs_number", "proto", "proto_number", "saddr", "sport", "daddr", "dport",
               "pkts", "bytes", "state", "state_number", "ltime", "seq", "dur", "mean", "stddev", "sum", "min", "max",
               "spkts", "dpkts", "sbytes", "dbytes", "rate", "srate", "drate", "TnBPSrcIP", "TnBPDstIP", "TnP_PSrcIP",
               "TnP_PDstIP", "TnP_PerProto", "TnP_Per_Dport", "AR_P_Proto_P_SrcIP", "AR_P_Proto_P_DstIP",
               "N_IN_Conn_P_DstIP", "N_IN_Conn_P_SrcIP", "AR_P_Proto_P_Sport", "AR_P_Proto_P_Dport",
               "Pkts_P_State_P_Protocol_P_DestIP", "Pkts_P_State_P_Protocol_P_SrcIP", "attack", "category", "subcategory"]
BOT_IOT_BEST10 = ["pkSeqID", "proto", "saddr", "sport", "daddr", "dport", "seq", "stddev", "N_IN_Conn_P_SrcIP", "min",
                  "state_number", "mean", "N_IN_Conn_P_DstIP", "drate", "srate", "max", "attack", "category", "subcategory"]
LAYOUTS = {"full records (35 columns)": BOT_IOT_FULL, "5% extract, all features (46 columns)": BOT_IOT_5PC,
           "10 best features (19 columns)": BOT_IOT_BEST10}
_TEXT = {"flgs", "proto", "saddr", "sport", "daddr", "dport", "state", "smac", "dmac", "soui", "doui", "sco", "dco",
         "category", "subcategory", "attack"}
BOT_IOT_NUMERIC = [c for c in dict.fromkeys(BOT_IOT_FULL + BOT_IOT_5PC + BOT_IOT_BEST10) if c not in _TEXT]
_PORT = re.compile(r"^(\d+|0[xX][0-9a-fA-F]+|-1)?$")  # -1: Argus writes it where a protocol has no ports


def _headerless(first: list[str]) -> list[str] | None:
    """Column names for a file whose first row is already a record (the full records are published so)."""
    cells = {c.strip().lower() for c in first}
    if "category" in cells or "attack" in cells:
        return None
    for names in (BOT_IOT_FULL, BOT_IOT_5PC):
        if len(first) == len(names):
            return names
    return None


def load_bot_iot(path: str | Path) -> Dataset:
    """A Bot-IoT file in any of its published layouts (module docstring); the layout is in `Dataset.layout`."""
    p = Path(path)
    without_header: list[bool] = []

    def detect(first: list[str]) -> list[str] | None:
        names = _headerless(first)
        without_header.append(names is not None)
        return names

    header, body, _, lines = read_table(p, headerless=detect)
    header = canonical_names(header, BOT_IOT_NUMERIC + sorted(_TEXT))  # preprocessed copies often lower-case them
    if "category" not in header:
        raise DatasetError("not a Bot-IoT file: missing column(s) category (every layout has it; a file without a "
                           f"header line must have {len(BOT_IOT_FULL)} or {len(BOT_IOT_5PC)} fields per row, this "
                           f"one has {len(header)})", str(p), 1)
    layout = next((name for name, names in LAYOUTS.items() if header == names), None)
    if layout is None:
        layout = ("category only" if "attack" not in header else "other columns") + f" ({len(header)} columns)"
    if without_header[0]:
        layout += ", no header line"
    frame = new_frame(header, body, lines, strip=True)
    issues: list[tuple[int, str, str]] = []
    if "attack" not in header:  # category-only subsets: the binary label follows from the category
        frame["attack"] = (frame["category"].str.lower() != "normal").astype(int)
    numeric(frame, [c for c in BOT_IOT_NUMERIC if c in header], issues)
    for col in ("sport", "dport"):
        if col in header:
            flag(frame, ~frame[col].str.match(_PORT), col, lambda v: f"not a port number: {v!r}", issues)
    return finish(frame, issues, "attack", "category", p, f"Bot-IoT {layout}")

