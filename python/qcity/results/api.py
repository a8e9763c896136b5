"""The omnetpp.scave.results API over qcity's own reader (or OMNeT++'s, when installed).

Same function names, argument names and DataFrame columns as OMNeT++ 6's
``omnetpp.scave.results``. Every getter takes either a filter expression (over
the inputs given to ``set_inputs``/``add_inputs``) or a raw DataFrame from
``read_result_files``.
"""

from __future__ import annotations

import glob
import os
from math import inf
from typing import Iterable

import numpy as np
import pandas as pd

from .. import units
from ..errors import QcityError
from .filter import compile_filter
from .reader import RAW_COLUMNS, read_file


class ResultQueryError(QcityError):
    """A query that cannot be answered (bad filter, no inputs); mirrors scave's ResultQueryError."""


_FILTER_TYPE = {"scalar": "scalar", "vector": "vector", "statistic": "statistics", "histogram": "histogram",
                "param": "parameter"}
_RESULT_TYPES = ("scalar", "vector", "statistic", "histogram", "param")


def _expand(filenames: str | os.PathLike | Iterable[str | os.PathLike]) -> list[str]:
    items = [filenames] if isinstance(filenames, (str, os.PathLike)) else list(filenames)
    out: list[str] = []
    for item in items:
        s = str(item)
        if os.path.isdir(s):
            found = sorted(glob.glob(os.path.join(s, "**", "*.sca"), recursive=True) +
                           glob.glob(os.path.join(s, "**", "*.vec"), recursive=True))
        elif any(c in s for c in "*?["):
            found = sorted(glob.glob(s, recursive=True))
        else:
            if not os.path.exists(s):
                raise ResultQueryError(f"result file not found: {s}")
            found = [s]
        out.extend(f for f in found if f not in out)
    return out


def _scave_module():
    """omnetpp.scave.results when available (and not disabled with QCITY_SCAVE=builtin)."""
    if os.environ.get("QCITY_SCAVE", "") == "builtin":
        return None
    try:
        from omnetpp.scave import results as scave  # type: ignore[import-not-found]
    except ImportError:
        return None
    return scave


_RUN_LEVEL = ("runattr", "itervar", "config")


def results_of(files) -> pd.DataFrame:
    """``files`` read with :func:`read_result_files`, unless it already is such a frame: lets a
    report take either paths or results an analysis has read once for several reports."""
    return files if isinstance(files, pd.DataFrame) else read_result_files(files)


def read_result_files(filenames, filter_expression: str | None = None, include_fields_as_scalars: bool = False,
                      vector_start_time: float = -inf, vector_end_time: float = inf) -> pd.DataFrame:
    """Loads result files (paths, folders or wildcards) into a raw DataFrame, optionally filtered."""
    scave = _scave_module()
    if scave is not None:
        return scave.read_result_files(filenames, filter_expression, include_fields_as_scalars, vector_start_time,
                                       vector_end_time)
    rows: list[dict] = []
    first_file: dict[str, str] = {}  # runID -> the file its run attributes come from
    for f in _expand(filenames):
        file_rows = read_file(f)
        for r in file_rows:
            r["_file"] = f
        # a run's .sca and .vec both repeat its attributes, iteration variables and config
        # entries; as in scave, the run has them once: from the first file that declares it
        rows.extend(r for r in file_rows
                    if r["type"] not in _RUN_LEVEL or first_file.setdefault(r["runID"], f) == f)
    if include_fields_as_scalars:
        rows = _with_field_scalars(rows)
    if filter_expression:
        rows = _filter_rows(rows, filter_expression)
    df = pd.DataFrame(rows, columns=RAW_COLUMNS + ["_file"])
    df = df.drop(columns=["_file"])
    if vector_start_time != -inf or vector_end_time != inf:
        df = _crop(df, vector_start_time, vector_end_time)
    return df


def _with_field_scalars(rows: list[dict]) -> list[dict]:
    out = []
    for r in rows:
        out.append(r)
        if r["type"] in ("statistic", "histogram"):
            for fld in ("count", "sumweights", "mean", "stddev", "min", "max"):
                if r.get(fld) is not None:
                    out.append({"runID": r["runID"], "type": "scalar", "module": r["module"], "name": f"{r['name']}:{fld}",
                                "value": r[fld], "_file": r.get("_file"), "_isfield": True})
    return out


def _filter_rows(rows: list[dict], expression: str) -> list[dict]:
    pred = compile_filter(expression)
    meta: dict[str, dict[str, str]] = {}
    for r in rows:
        if r["type"] in ("runattr", "itervar", "config"):
            prefix = {"runattr": "runattr:", "itervar": "itervar:", "config": "config:"}[r["type"]]
            meta.setdefault(r["runID"], {})[prefix + r["attrname"]] = r["attrvalue"]
    attrs: dict[tuple, dict[str, str]] = {}
    for r in rows:
        if r["type"] == "attr":
            attrs.setdefault((r["runID"], r["module"], r["name"]), {})["attr:" + r["attrname"]] = r["attrvalue"]
    kept_items: set[tuple] = set()
    kept_runs: set[str] = set()
    out = []
    for r in rows:
        if r["type"] not in _RESULT_TYPES:
            continue
        key = (r["runID"], r["module"], r["name"])
        item = {"name": r["name"], "module": r["module"], "type": _FILTER_TYPE[r["type"]], "run": r["runID"],
                "file": r.get("_file", ""), "isfield": "true" if r.get("_isfield") else "false",
                **meta.get(r["runID"], {}), **attrs.get(key, {})}
        if pred(item):
            kept_items.add(key)
            kept_runs.add(r["runID"])
    for r in rows:
        t = r["type"]
        if t in _RESULT_TYPES or t == "attr":
            if (r["runID"], r["module"], r["name"]) in kept_items:
                out.append(r)
        elif r["runID"] in kept_runs:
            out.append(r)
    return out


def _crop(df: pd.DataFrame, start: float, end: float) -> pd.DataFrame:
    df = df.copy()
    mask = df["type"] == "vector"
    for i in df.index[mask]:
        t, v = df.at[i, "vectime"], df.at[i, "vecvalue"]
        a, b = np.searchsorted(t, start, "left"), np.searchsorted(t, end, "left")
        df.at[i, "vectime"], df.at[i, "vecvalue"] = t[a:b], v[a:b]
    return df


# ---- stateful inputs (scave compatibility) ----------------------------------------


class ResultInputs:
    """The set of result files filter-string queries read (scave's stateful mode)."""

    def __init__(self):
        self.files: list[str] = []

    def set(self, filenames) -> None:
        self.files = _expand(filenames)

    def add(self, filenames) -> None:
        self.files += [f for f in _expand(filenames) if f not in self.files]

    def raw(self, filter_expression: str, **kw) -> pd.DataFrame:
        if not self.files:
            raise ResultQueryError("no input files: call set_inputs() or pass a DataFrame from read_result_files()")
        return read_result_files(self.files, filter_expression, **kw)


_inputs = ResultInputs()  # scave keeps its inputs at module level; so does this compatibility layer


def set_inputs(filenames) -> None:
    """Sets the result files that filter-string queries read (files, folders, wildcards)."""
    _inputs.set(filenames)


def add_inputs(filenames) -> None:
    """Adds result files to the inputs of filter-string queries."""
    _inputs.add(filenames)


def _raw(filter_or_dataframe, **kw) -> pd.DataFrame:
    if isinstance(filter_or_dataframe, pd.DataFrame):
        return filter_or_dataframe
    if not isinstance(filter_or_dataframe, str):
        raise ResultQueryError(f"expected a filter string or a DataFrame, got {type(filter_or_dataframe).__name__}")
    if not filter_or_dataframe.strip():
        raise ResultQueryError("Empty filter expression")
    return _inputs.raw(filter_or_dataframe, **kw)


# ---- metadata pivoting -------------------------------------------------------------


def _meta_columns(raw: pd.DataFrame, run_ids: pd.Series, include_runattrs: bool, include_itervars: bool,
                  include_param_assignments: bool, include_config_entries: bool, taken: set[str]) -> pd.DataFrame:
    frames = []
    wanted = []
    if include_runattrs:
        wanted.append(("runattr", "_runattr", lambda n: True))
    if include_itervars:
        wanted.append(("itervar", "_itervar", lambda n: True))
    if include_config_entries:
        wanted.append(("config", "_config", lambda n: True))
    elif include_param_assignments:
        wanted.append(("config", "_param", lambda n: "." in n))
    for rtype, suffix, keep in wanted:
        sub = raw[(raw["type"] == rtype)]
        sub = sub[sub["attrname"].map(keep)] if len(sub) else sub
        if not len(sub):
            continue
        piv = sub.pivot_table(index="runID", columns="attrname", values="attrvalue", aggfunc="first")
        piv.columns = [c + suffix if c in taken else c for c in piv.columns]
        taken.update(piv.columns)
        frames.append(piv)
    if not frames:
        return pd.DataFrame(index=pd.Index(run_ids.unique(), name="runID"))
    return pd.concat(frames, axis=1)


def _results_frame(raw: pd.DataFrame, rtypes: tuple[str, ...], columns: list[str], include_attrs: bool,
                   include_runattrs: bool, include_itervars: bool, include_param_assignments: bool,
                   include_config_entries: bool) -> pd.DataFrame:
    items = raw[raw["type"].isin(rtypes)][["runID", "module", "name"] + columns].reset_index(drop=True)
    taken = set(items.columns)
    if include_attrs and len(items):
        attrs = raw[raw["type"] == "attr"]
        if len(attrs):
            piv = attrs.pivot_table(index=["runID", "module", "name"], columns="attrname", values="attrvalue", aggfunc="first")
            piv.columns = [c + "_attr" if c in taken else c for c in piv.columns]
            taken.update(piv.columns)
            items = items.merge(piv.reset_index(), on=["runID", "module", "name"], how="left")
    if include_runattrs or include_itervars or include_param_assignments or include_config_entries:
        meta = _meta_columns(raw, items["runID"], include_runattrs, include_itervars, include_param_assignments,
                             include_config_entries, taken)
        items = items.merge(meta.reset_index().rename(columns={"index": "runID"}), on="runID", how="left")
    return items


def _convert_units(df: pd.DataFrame, value_columns: list[str]) -> pd.DataFrame:
    if "unit" not in df.columns:
        return df
    df = df.copy()
    for i, unit in df["unit"].items():
        if isinstance(unit, str) and units.is_unit(unit) and units.factor(unit) != 1:
            f = units.factor(unit)
            for col in value_columns:
                v = df.at[i, col]
                df.at[i, col] = v * f if isinstance(v, np.ndarray) or v is not None else v
            df.at[i, "unit"] = units.base(unit)
    return df


# ---- the getters ------------------------------------------------------------------------


def get_results(filter_or_dataframe="", row_types=None, omit_unused_columns: bool = True,
                include_fields_as_scalars: bool = False, start_time: float = -inf, end_time: float = inf) -> pd.DataFrame:
    """Results and metadata in the raw format, optionally restricted to `row_types`."""
    if isinstance(filter_or_dataframe, pd.DataFrame) and include_fields_as_scalars:
        raise ValueError("include_fields_as_scalars is not supported when filter_or_dataframe is a dataframe")
    df = _raw(filter_or_dataframe, include_fields_as_scalars=include_fields_as_scalars)
    if row_types is not None:
        df = df[df["type"].isin(row_types)]
    if omit_unused_columns:
        df = df.dropna(axis="columns", how="all")
    df = df.reset_index(drop=True)
    if (start_time != -inf or end_time != inf) and "vectime" in df.columns:
        df = _crop(df, start_time, end_time)
    return df


def get_runs(filter_or_dataframe="", include_runattrs=False, include_itervars=False, include_param_assignments=False,
             include_config_entries=False) -> pd.DataFrame:
    """One row per run (column runID), with requested metadata pivoted into columns."""
    raw = _raw(filter_or_dataframe)
    runs = raw[["runID"]].drop_duplicates().reset_index(drop=True)
    meta = _meta_columns(raw, runs["runID"], include_runattrs, include_itervars, include_param_assignments,
                         include_config_entries, {"runID"})
    return runs.merge(meta.reset_index(), on="runID", how="left").dropna(axis="columns", how="all")


def _name_value(raw: pd.DataFrame, rtype: str, **include) -> pd.DataFrame:
    rows = raw[raw["type"] == rtype][["runID", "attrname", "attrvalue"]].rename(
        columns={"attrname": "name", "attrvalue": "value"}).reset_index(drop=True)
    if any(include.values()):
        meta = _meta_columns(raw, rows["runID"], taken={"runID", "name", "value"}, **include)
        rows = rows.merge(meta.reset_index(), on="runID", how="left")
    return rows.dropna(axis="columns", how="all")


def get_runattrs(filter_or_dataframe="", include_runattrs=False, include_itervars=False, include_param_assignments=False,
                 include_config_entries=False) -> pd.DataFrame:
    """Run attributes: columns runID, name, value."""
    return _name_value(_raw(filter_or_dataframe), "runattr", include_runattrs=include_runattrs,
                       include_itervars=include_itervars, include_param_assignments=include_param_assignments,
                       include_config_entries=include_config_entries)


def get_itervars(filter_or_dataframe="", include_runattrs=False, include_itervars=False, include_param_assignments=False,
                 include_config_entries=False) -> pd.DataFrame:
    """Iteration variables: columns runID, name, value."""
    return _name_value(_raw(filter_or_dataframe), "itervar", include_runattrs=include_runattrs,
                       include_itervars=include_itervars, include_param_assignments=include_param_assignments,
                       include_config_entries=include_config_entries)


def get_config_entries(filter_or_dataframe="", include_runattrs=False, include_itervars=False,
                       include_param_assignments=False, include_config_entries=False) -> pd.DataFrame:
    """Configuration entries of each run: columns runID, name, value."""
    return _name_value(_raw(filter_or_dataframe), "config", include_runattrs=include_runattrs,
                       include_itervars=include_itervars, include_param_assignments=include_param_assignments,
                       include_config_entries=include_config_entries)


def get_param_assignments(filter_or_dataframe="", include_runattrs=False, include_itervars=False,
                          include_param_assignments=False, include_config_entries=False) -> pd.DataFrame:
    """The configuration entries that assign module or channel parameters (keys with a dot)."""
    df = get_config_entries(filter_or_dataframe, include_runattrs, include_itervars, include_param_assignments,
                            include_config_entries)
    return df[df["name"].str.contains(".", regex=False)].reset_index(drop=True) if len(df) else df


def get_scalars(filter_or_dataframe="", include_attrs=False, include_fields=False, include_runattrs=False,
                include_itervars=False, include_param_assignments=False, include_config_entries=False,
                convert_to_base_unit=True) -> pd.DataFrame:
    """Scalars: columns runID, module, name, value (+ requested metadata)."""
    if isinstance(filter_or_dataframe, pd.DataFrame) and include_fields:
        raise ValueError("include_fields is not supported when filter_or_dataframe is a dataframe")
    raw = _raw(filter_or_dataframe, include_fields_as_scalars=include_fields) if isinstance(filter_or_dataframe, str) \
        else filter_or_dataframe
    df = _results_frame(raw, ("scalar",), ["value"], include_attrs, include_runattrs, include_itervars,
                        include_param_assignments, include_config_entries)
    df["value"] = pd.to_numeric(df["value"], errors="raise")
    return _convert_units(df, ["value"]) if convert_to_base_unit else df


def get_parameters(filter_or_dataframe="", include_attrs=False, include_runattrs=False, include_itervars=False,
                   include_param_assignments=False, include_config_entries=False) -> pd.DataFrame:
    """Parameter values each module actually had: columns runID, module, name, value (strings)."""
    return _results_frame(_raw(filter_or_dataframe), ("param",), ["value"], include_attrs, include_runattrs,
                          include_itervars, include_param_assignments, include_config_entries)


def get_vectors(filter_or_dataframe="", include_attrs=False, include_runattrs=False, include_itervars=False,
                include_param_assignments=False, include_config_entries=False, start_time=-inf, end_time=inf,
                convert_to_base_unit=True) -> pd.DataFrame:
    """Vectors: columns runID, module, name, vectime, vecvalue (numpy arrays)."""
    df = _results_frame(_raw(filter_or_dataframe), ("vector",), ["vectime", "vecvalue"], include_attrs,
                        include_runattrs, include_itervars, include_param_assignments, include_config_entries)
    if start_time != -inf or end_time != inf:
        df = _crop(df.assign(type="vector"), start_time, end_time).drop(columns=["type"])
    return _convert_units(df, ["vecvalue"]) if convert_to_base_unit else df


_STAT_COLUMNS = ["count", "sumweights", "mean", "stddev", "min", "max"]


def get_statistics(filter_or_dataframe="", include_attrs=False, include_runattrs=False, include_itervars=False,
                   include_param_assignments=False, include_config_entries=False, convert_to_base_unit=True) -> pd.DataFrame:
    """Statistics (and histograms, as scave does): runID, module, name, count, sumweights, mean, stddev, min, max."""
    df = _results_frame(_raw(filter_or_dataframe), ("statistic", "histogram"), _STAT_COLUMNS, include_attrs,
                        include_runattrs, include_itervars, include_param_assignments, include_config_entries)
    for c in _STAT_COLUMNS:
        df[c] = pd.to_numeric(df[c])
    return _convert_units(df, ["mean", "stddev", "min", "max"]) if convert_to_base_unit else df


def get_histograms(filter_or_dataframe="", include_attrs=False, include_runattrs=False, include_itervars=False,
                   include_param_assignments=False, include_config_entries=False, convert_to_base_unit=True) -> pd.DataFrame:
    """Histograms: the statistics columns plus underflows, overflows, binedges, binvalues."""
    cols = _STAT_COLUMNS + ["underflows", "overflows", "binedges", "binvalues"]
    df = _results_frame(_raw(filter_or_dataframe), ("histogram",), cols, include_attrs, include_runattrs,
                        include_itervars, include_param_assignments, include_config_entries)
    for c in _STAT_COLUMNS + ["underflows", "overflows"]:
        df[c] = pd.to_numeric(df[c])
    return _convert_units(df, ["mean", "stddev", "min", "max", "binedges"]) if convert_to_base_unit else df


__all__ = ["read_result_files", "get_results", "get_runs", "get_runattrs", "get_itervars", "get_config_entries",
           "get_param_assignments", "get_scalars", "get_parameters", "get_vectors", "get_statistics", "get_histograms",
           "set_inputs", "add_inputs", "ResultQueryError"]
