"""What every dataset loader shares: the Dataset record, reading a delimited file with file:line
errors, and converting columns while recording the values that do not fit."""

from __future__ import annotations

import csv
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
    """Header (stripped) and rows of a delimited text file; truncated, empty or ragged files are errors with file:line.

    Many published dataset files end without a line end: there the last line counts as complete, and a
    file cut mid-line shows as a last row with fewer fields than the header. Files qcity writes itself
    always end with one (``line_end_required``), so there a missing line end means a cut file.
    ``headerless`` looks at the first row: column names when that row is already data (files published
    without a header line), None when it is the header.
    """
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
    names = headerless(rows[0]) if headerless else None
    first_data_line = 1 if names is not None else 2
    header = names if names is not None else [h.strip() for h in rows[0]]
    body = rows if names is not None else rows[1:]
    for i, row in enumerate(body, start=first_data_line):
        if len(row) != len(header):
            if i == len(rows) and not ended and len(row) < len(header):
                raise DatasetError(f"file is truncated: its last line has {len(row)} of the header's {len(header)} "
                                   "fields", str(path), i)
            raise DatasetError(f"row has {len(row)} fields, the header has {len(header)}", str(path), i)
    return header, body, delimiter


def check_header(path: Path, header: list[str], required: list[str], what: str = "the expected schema") -> None:
    """One error naming the file and every required column it lacks."""
    missing = [c for c in required if c not in header]
    if missing:
        raise DatasetError(f"not {what}: missing column(s) {', '.join(missing)}", str(path), 1)


def new_frame(header: list[str], body: list[list[str]], first_line: int = 2) -> pd.DataFrame:
    """The rows as strings, with the file line of each and every row marked as fitting until shown otherwise."""
    frame = pd.DataFrame(body, columns=header)
    frame.insert(0, "line", np.arange(first_line, len(body) + first_line))
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
