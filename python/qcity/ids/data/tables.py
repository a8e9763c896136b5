"""What every dataset loader shares: the Dataset record, reading a delimited file with file:line
errors, and converting columns while recording the values that do not fit."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
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
    layout: str = ""  # which of the dataset's published layouts the file has, e.g. "TON_IoT telemetry: fridge"

    def valid(self) -> pd.DataFrame:
        """The rows whose values fit the schema."""
        return self.frame[self.frame["schema_ok"]]


def read_rows(path: Path, delimiter: str | None = None, line_end_required: bool = False,
              headerless: Callable[[list[str]], list[str] | None] | None = None) -> tuple[list[str], list[list[str]], str]:
    """Header (stripped) and rows of a delimited text file (see :func:`read_table`, which also gives each row's line)."""
    header, body, delimiter, _ = read_table(path, delimiter, line_end_required, headerless)
    return header, body, delimiter


def read_table(path: Path, delimiter: str | None = None, line_end_required: bool = False,
               headerless: Callable[[list[str]], list[str] | None] | None = None
               ) -> tuple[list[str], list[list[str]], str, list[int]]:
    """Header (stripped), rows, delimiter and the file line each row starts on; truncated, empty or ragged
    files are errors with file:line.

    Many published dataset files end without a line end: there the last line counts as complete, and a
    file cut mid-line shows as a last row with fewer fields than the header (or one inside an open
    quote). Files qcity writes itself always end with one (``line_end_required``), so there a missing
    line end means a cut file. Quoted fields may span lines; empty lines are skipped. ``headerless``
    looks at the first row: column names when that row is already data (files published without a
    header line), None when it is the header.
    """
    text = read_utf8(path, DatasetError, "dataset").removeprefix("\ufeff")  # TON_IoT's files start with a BOM
    if not text.strip():
        raise DatasetError("empty file", str(path))
    first = text.lstrip("\r\n").splitlines()[0]
    if delimiter is None:
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
    ended = text.endswith(("\n", "\r"))
    if line_end_required and not ended:
        raise DatasetError("file is truncated: the last line has no line end", str(path), text.count("\n") + 1)
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 26))  # payload columns can exceed the 128 kB default
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    starts: list[int] = []
    line = 1
    try:
        for row in reader:
            if row:  # an empty line holds no record
                rows.append(row)
                starts.append(line)
            line = reader.line_num + 1
    except csv.Error as e:
        raise DatasetError(f"not readable as {'TAB' if delimiter == chr(9) else 'comma'}-separated text: {e}",
                           str(path), reader.line_num) from None
    if not ended and _open_quote(text, starts[-1]):
        raise DatasetError("file is truncated: its last line ends inside a quoted field", str(path), starts[-1])
    names = headerless(rows[0]) if headerless else None
    header = names if names is not None else [h.strip() for h in rows[0]]
    body, lines = (rows, starts) if names is not None else (rows[1:], starts[1:])
    for row, at in zip(body, lines):
        if len(row) != len(header):
            if at == starts[-1] and not ended and len(row) < len(header):
                raise DatasetError(f"file is truncated: its last line has {len(row)} of the header's {len(header)} "
                                   "fields", str(path), at)
            raise DatasetError(f"row has {len(row)} fields, the header has {len(header)}", str(path), at)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise DatasetError(f"column {name!r} appears twice in the header", str(path), 1)
        if name in RESERVED_COLUMNS:
            raise DatasetError(f"column {name!r} is a name the loader adds itself", str(path), 1)
        seen.add(name)
    return header, body, delimiter, lines


#: columns the loaders add to every frame; a file's own column of that name would be overwritten
RESERVED_COLUMNS = ("line", "schema_ok", "timestamp", "capture_time_of_day", "date/time")


def _open_quote(text: str, from_line: int) -> bool:
    """Whether the record starting on line ``from_line`` (the last) leaves a quote open at the end of the text."""
    tail = "".join(io.StringIO(text, newline="").readlines()[from_line - 1:])
    return tail.count('"') % 2 == 1


def check_header(path: Path, header: list[str], required: list[str], what: str = "the expected schema") -> None:
    """One error naming the file and every required column it lacks."""
    missing = [c for c in required if c not in header]
    if missing:
        raise DatasetError(f"not {what}: missing column(s) {', '.join(missing)}", str(path), 1)


def canonical_names(header: list[str], known: list[str]) -> list[str]:
    """The header with each name that matches one of `known` regardless of case spelt as `known` spells it
    (copies of the datasets differ in case: ``dns_AA`` against ``dns_aa``, ``pkSeqID`` against ``pkseqid``)."""
    spelling = {name.lower(): name for name in known}
    return [spelling.get(name.lower(), name) for name in header]


def new_frame(header: list[str], body: list[list[str]], lines: list[int], strip: bool = False) -> pd.DataFrame:
    """The rows as strings, with the file line each starts on and every row marked as fitting until shown otherwise.

    ``strip`` removes the spaces many published files pad their values with (``high  ``, `` on``)."""
    frame = pd.DataFrame(body, columns=header)
    for col in header if strip else ():
        frame[col] = frame[col].astype(str).str.strip()
    frame.insert(0, "line", np.asarray(lines, dtype=np.int64))
    frame["schema_ok"] = True
    return frame


_HEX = re.compile(r"^\s*0[xX][0-9a-fA-F]+\s*$")


def numeric(frame: pd.DataFrame, columns: list[str], issues: list[tuple[int, str, str]],
            missing: tuple[str, ...] = ("",)) -> None:
    """Converts `columns` to numbers in place. Hexadecimal ``0x..`` values are read as integers; values in
    `missing` become NaN silently; anything else that is not a number becomes NaN, is listed in `issues`
    and marks its row as not fitting the schema."""
    for col in columns:
        text = frame[col].astype(str).str.strip()
        conv = pd.to_numeric(text, errors="coerce")
        hexadecimal = conv.isna() & text.str.match(_HEX)
        if hexadecimal.any():
            conv = conv.astype(float)
            conv[hexadecimal] = [float(int(v, 16)) for v in text[hexadecimal]]
        bad = conv.isna() & ~text.isin(missing)
        for idx in frame.index[bad]:
            issues.append((int(frame.at[idx, "line"]), col, f"not a number: {frame.at[idx, col]!r}"))
        frame.loc[bad, "schema_ok"] = False
        frame[col] = conv


def flag(frame: pd.DataFrame, bad: pd.Series, column: str, problem: Callable[[object], str],
         issues: list[tuple[int, str, str]]) -> None:
    """Lists the rows where `bad` holds in `issues` (problem(value) says what is wrong) and marks them."""
    for idx in frame.index[bad]:
        issues.append((int(frame.at[idx, "line"]), column, problem(frame.at[idx, column])))
    frame.loc[bad, "schema_ok"] = False


def finish(frame: pd.DataFrame, issues: list, label: str, category: str, path: Path, layout: str) -> Dataset:
    """Checks the 0/1 label (an error at the first bad line) and strips the category names."""
    frame[label] = pd.to_numeric(frame[label], errors="coerce")
    bad_label = ~frame[label].isin([0, 1])
    if bad_label.any():
        line = int(frame.loc[bad_label, "line"].iloc[0])
        raise DatasetError(f"{label} must be 0 or 1, got {frame.loc[bad_label, label].iloc[0]!r}", str(path), line)
    frame[label] = frame[label].astype(int)
    frame[category] = frame[category].astype(str).str.strip()
    return Dataset(frame.reset_index(drop=True), label, category, str(path),
                   pd.DataFrame(issues, columns=["line", "column", "problem"]), layout)
