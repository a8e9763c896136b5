"""Reader for OMNeT++ result files (.sca and .vec), format versions 2 and 3.

Produces rows of scave's "raw" DataFrame format. Malformed or truncated files
raise ResultFileError naming file:line; nothing is silently skipped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ResultFileError, read_utf8

RAW_COLUMNS = ["runID", "type", "module", "name", "attrname", "attrvalue", "value", "count", "sumweights", "mean",
               "stddev", "min", "max", "underflows", "overflows", "binedges", "binvalues", "vectime", "vecvalue"]


def tokenize_line(line: str, file: str, lineno: int) -> list[str]:
    """Splits a result file line: whitespace-separated, double quotes with backslash escapes."""
    out: list[str] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t\r":
            i += 1
            continue
        if c == '"':
            j, buf = i + 1, []
            while j < n and line[j] != '"':
                if line[j] == "\\" and j + 1 < n:
                    nxt = line[j + 1]
                    buf.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
                    j += 2
                else:
                    buf.append(line[j])
                    j += 1
            if j >= n:
                raise ResultFileError("unterminated quoted string", file, lineno)
            out.append("".join(buf))
            i = j + 1
        else:
            j = i
            while j < n and line[j] not in " \t\r":
                j += 1
            out.append(line[i:j])
            i = j
    return out


def parse_number(text: str, file: str, lineno: int) -> float:
    t = text.lower()
    if t in ("inf", "+inf"):
        return math.inf
    if t == "-inf":
        return -math.inf
    if t in ("nan", "-nan"):
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise ResultFileError(f"expected a number, found {text!r}", file, lineno) from None


@dataclass
class _Vector:
    run: str
    module: str
    name: str
    columns: str
    attrs: list[tuple[str, str]]
    times: list[float] = field(default_factory=list)
    values: list[float] = field(default_factory=list)


@dataclass
class _Item:
    row: dict
    attrs: list[tuple[str, str]] = field(default_factory=list)
    fields: dict[str, float] = field(default_factory=dict)
    bins: list[tuple[float, float]] = field(default_factory=list)


def read_file(path: str | Path) -> list[dict]:
    """All rows of one result file, in scave's raw format (see RAW_COLUMNS)."""
    file = str(path)
    lines = read_utf8(path, ResultFileError, "result file").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    elif lines and lines[-1].strip():
        raise ResultFileError("file is truncated: the last line has no line end", file, len(lines))
    rows: list[dict] = []
    run_id: str | None = None
    version = None
    vectors: dict[int, _Vector] = {}
    vector_order: list[int] = []
    current: _Item | None = None  # the result item attr/field/bin lines belong to
    current_vector: _Vector | None = None

    def flush_item():
        nonlocal current
        if current is None:
            return
        row = current.row
        if row["type"] in ("statistic", "histogram") or current.fields:
            fl = current.fields
            row.update(count=fl.get("count"), sumweights=fl.get("sumweights", fl.get("count")), mean=fl.get("mean"),
                       stddev=fl.get("stddev"), min=fl.get("min"), max=fl.get("max"))
            if current.bins:
                row["type"] = "histogram"
                edges = [b for b, _ in current.bins]
                counts = [c for _, c in current.bins]
                # first bin line is the underflow cell (-inf), last is the overflow cell
                if edges and edges[0] == -math.inf:
                    row["underflows"] = counts[0]
                    edges, counts = edges[1:], counts[1:]
                else:
                    row["underflows"] = 0.0
                row["overflows"] = counts[-1] if counts else 0.0
                row["binedges"] = np.array(edges, dtype=float)
                row["binvalues"] = np.array(counts[:-1], dtype=float)
        rows.append(row)
        for k, v in current.attrs:
            rows.append({"runID": row["runID"], "type": "attr", "module": row["module"], "name": row["name"],
                         "attrname": k, "attrvalue": v})
        current = None

    def need_run(lineno: int) -> str:
        if run_id is None:
            raise ResultFileError("result line before any 'run' line", file, lineno)
        return run_id

    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line[0].isdigit():  # vector data line: id [event] time value
            parts = line.split()
            try:
                vid = int(parts[0])
            except ValueError:
                raise ResultFileError(f"malformed vector data line {line!r}", file, lineno) from None
            vec = vectors.get(vid)
            if vec is None:
                raise ResultFileError(f"data for undeclared vector {vid}", file, lineno)
            if len(parts) != len(vec.columns) + 1:
                raise ResultFileError(f"vector {vid} data line has {len(parts) - 1} columns, expected {len(vec.columns)} "
                                      f"({vec.columns})", file, lineno)
            t_col = vec.columns.find("T")
            v_col = vec.columns.find("V")
            vec.times.append(parse_number(parts[1 + t_col], file, lineno))
            vec.values.append(parse_number(parts[1 + v_col], file, lineno))
            continue
        tok = tokenize_line(line, file, lineno)
        kind = tok[0]
        if kind == "version":
            if len(tok) != 2 or tok[1] not in ("2", "3"):
                raise ResultFileError(f"unsupported result file version {' '.join(tok[1:])!r} (2 and 3 are supported)", file, lineno)
            version = int(tok[1])
            continue
        if kind == "run":
            flush_item()
            current_vector = None
            if len(tok) < 2:
                raise ResultFileError("'run' line without a run ID", file, lineno)
            run_id = tok[1]
            continue
        if kind == "attr":
            if len(tok) != 3:
                raise ResultFileError(f"'attr' line needs a name and a value: {line!r}", file, lineno)
            if current is not None:
                current.attrs.append((tok[1], tok[2]))
            elif current_vector is not None:
                current_vector.attrs.append((tok[1], tok[2]))
            else:
                rows.append({"runID": need_run(lineno), "type": "runattr", "attrname": tok[1], "attrvalue": tok[2]})
            continue
        if kind in ("itervar", "config"):
            flush_item()
            current_vector = None
            if len(tok) != 3:
                raise ResultFileError(f"'{kind}' line needs a name and a value: {line!r}", file, lineno)
            rows.append({"runID": need_run(lineno), "type": kind, "attrname": tok[1], "attrvalue": tok[2]})
            continue
        if kind == "param":  # v2: an ini parameter assignment
            flush_item()
            if len(tok) != 3:
                raise ResultFileError(f"'param' line needs a pattern and a value: {line!r}", file, lineno)
            rows.append({"runID": need_run(lineno), "type": "config", "attrname": tok[1], "attrvalue": tok[2]})
            continue
        if kind == "par":
            flush_item()
            current_vector = None
            if len(tok) != 4:
                raise ResultFileError(f"'par' line needs module, name and value: {line!r}", file, lineno)
            current = _Item({"runID": need_run(lineno), "type": "param", "module": tok[1], "name": tok[2], "value": tok[3]})
            continue
        if kind == "scalar":
            flush_item()
            current_vector = None
            if len(tok) != 4:
                raise ResultFileError(f"'scalar' line needs module, name and value: {line!r}", file, lineno)
            current = _Item({"runID": need_run(lineno), "type": "scalar", "module": tok[1], "name": tok[2],
                             "value": parse_number(tok[3], file, lineno)})
            continue
        if kind in ("statistic", "histogram"):
            flush_item()
            current_vector = None
            if len(tok) != 3:
                raise ResultFileError(f"'{kind}' line needs module and name: {line!r}", file, lineno)
            current = _Item({"runID": need_run(lineno), "type": "statistic", "module": tok[1], "name": tok[2]})
            continue
        if kind == "field":
            if current is None or current.row["type"] not in ("statistic", "histogram"):
                raise ResultFileError("'field' line outside a statistic", file, lineno)
            if len(tok) != 3:
                raise ResultFileError(f"'field' line needs a name and a value: {line!r}", file, lineno)
            current.fields[tok[1]] = parse_number(tok[2], file, lineno)
            continue
        if kind == "bin":
            if current is None or current.row["type"] not in ("statistic", "histogram"):
                raise ResultFileError("'bin' line outside a statistic", file, lineno)
            if len(tok) != 3:
                raise ResultFileError(f"'bin' line needs a lower bound and a value: {line!r}", file, lineno)
            current.bins.append((parse_number(tok[1], file, lineno), parse_number(tok[2], file, lineno)))
            continue
        if kind == "vector":
            flush_item()
            if len(tok) not in (4, 5):
                raise ResultFileError(f"'vector' line needs id, module, name [and columns]: {line!r}", file, lineno)
            try:
                vid = int(tok[1])
            except ValueError:
                raise ResultFileError(f"vector id must be an integer, found {tok[1]!r}", file, lineno) from None
            columns = tok[4] if len(tok) == 5 and tok[4] != "1" else "TV"
            if "T" not in columns or "V" not in columns or set(columns) - set("ETV"):
                raise ResultFileError(f"unsupported vector columns {columns!r}", file, lineno)
            if vid in vectors:
                raise ResultFileError(f"vector {vid} declared twice", file, lineno)
            current_vector = vectors[vid] = _Vector(need_run(lineno), tok[2], tok[3], columns, [])
            vector_order.append(vid)
            continue
        raise ResultFileError(f"unknown line type {kind!r}", file, lineno)
    flush_item()
    if version is None and lines:
        raise ResultFileError("missing 'version' line: not an OMNeT++ result file", file, 1)
    for vid in vector_order:
        vec = vectors[vid]
        run = vec.run
        rows.append({"runID": run, "type": "vector", "module": vec.module, "name": vec.name,
                     "vectime": np.array(vec.times, dtype=float), "vecvalue": np.array(vec.values, dtype=float)})
        for k, v in vec.attrs:
            rows.append({"runID": run, "type": "attr", "module": vec.module, "name": vec.name, "attrname": k, "attrvalue": v})
    return rows
