"""qcity.results: reading real OMNeT++ files (v2), our own files (v3), filters, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import RING_INI

from qcity import results
from qcity.errors import ResultFileError
from qcity.results.filter import FilterSyntaxError
from qcity.sim.runner import execute_run


def test_real_v2_scalars_and_statistics(shared_data):
    df = results.read_result_files(str(shared_data / "omnetpp_results" / "PureAloha1-0.sca"))
    sc = results.get_scalars(df).set_index("name")["value"]
    assert sc["total frames"] == 711
    assert sc["collided frames"] == 427
    st = results.get_statistics(df).set_index("name")
    assert st.loc["collision multiplicity", "count"] == 176
    assert st.loc["collision multiplicity", "mean"] == pytest.approx(3.4204545454545)
    h = results.get_histograms(df).set_index("name").loc["collision multiplicity"]
    assert len(h["binedges"]) == len(h["binvalues"]) + 1
    assert h["binvalues"].sum() + h["underflows"] + h["overflows"] == 176
    attrs = results.get_runattrs(df).set_index("name")["value"]
    assert attrs["network"] == "Aloha" and attrs["configname"] == "PureAloha1"


def test_real_v2_vectors(shared_data):
    df = results.read_result_files(str(shared_data / "omnetpp_results" / "PureAloha1-0.vec"))
    v = results.get_vectors(df).set_index("name")
    mult = v.loc["collision multiplicity"]
    assert mult["vecvalue"][:3].tolist() == [4, 3, 5]
    assert mult["vectime"][0] == pytest.approx(0.447742609224)
    assert np.all(np.diff(mult["vectime"]) >= 0)
    with_attrs = results.get_vectors(df, include_attrs=True).set_index("name")
    assert with_attrs.loc["collision length", "unit"] == "s"


def test_filter_over_several_runs(shared_data):
    files = str(shared_data / "omnetpp_results" / "PureAlohaExperiment-*.sca")
    df = results.read_result_files(files, 'name =~ "total frames" AND runattr:repetition =~ 1')
    sc = results.get_scalars(df)
    assert len(sc) == 1 and sc["module"].iloc[0] == "Aloha.server"
    none = results.read_result_files(files, 'NOT module =~ "Aloha.**" AND type =~ statistics')
    assert results.get_scalars(none).empty


def test_stateful_inputs(shared_data):
    results.set_inputs(str(shared_data / "omnetpp_results" / "PureAloha1-0.sca"))
    sc = results.get_scalars('"collided frames" OR "total frames"')
    assert sorted(sc["value"]) == [427, 711]
    with pytest.raises(results.ResultQueryError, match="Empty filter"):
        results.get_scalars("")


def test_own_v3_files_round_trip(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = execute_run(RING_INI, "Ring", 0, sim_time_limit="20s")
    df = results.read_result_files(str(tmp_path / "results"))
    assert set(df["type"]) >= {"runattr", "config", "param", "scalar", "statistic", "histogram", "vector", "attr"}
    sc = results.get_scalars(df, include_runattrs=True)
    hops = sc[sc["name"] == "hops:count"]
    assert hops["value"].sum() == r.events
    assert (sc["network"] == "Ring").all()
    vec = results.get_vectors(df).iloc[0]
    cnt = sc[(sc["module"] == vec["module"]) & (sc["name"] == "roundTripTime:count")]["value"].iloc[0]
    assert len(vec["vecvalue"]) == cnt
    st = results.get_statistics(df)
    st0 = st[(st["module"] == vec["module"]) & (st["name"] == "roundTripTime:stats")].iloc[0]
    assert st0["mean"] == pytest.approx(vec["vecvalue"].mean())
    assert st0["max"] == pytest.approx(vec["vecvalue"].max())
    h = results.get_histograms(df).iloc[0]
    assert h["binvalues"].sum() + h["underflows"] + h["overflows"] == h["count"]
    params = results.get_parameters(df)
    assert params[(params["module"] == "Ring") & (params["name"] == "numNodes")]["value"].iloc[0] == "10"
    # the .sca and the .vec both carry the run's attributes and config; the run has them once
    sca_only = results.read_result_files(str(r.sca_path))
    for getter in (results.get_runattrs, results.get_itervars, results.get_config_entries):
        assert getter(df).equals(getter(sca_only))
    assert not results.get_runattrs(df).duplicated(["runID", "name"]).any()


def test_filter_syntax_errors():
    with pytest.raises(FilterSyntaxError):
        results.compile_filter('name =~ "unclosed')
    with pytest.raises(FilterSyntaxError):
        results.compile_filter("name =~ a AND")
    with pytest.raises(FilterSyntaxError):
        results.compile_filter("(name =~ a")


@pytest.mark.parametrize("pattern,text,expected", [
    ("**.node[*]", "Net.sub.node[3]", True),
    ("*.node[*]", "Net.sub.node[3]", False),
    ("node[{0..2}]", "node[2]", True),
    ("node[{0..2}]", "node[12]", False),
    ("node[3..]", "node[7]", True),
    ("rtt:?ector", "rtt:vector", True),
])
def test_patterns(pattern, text, expected):
    assert results.compile_filter(f'module =~ "{pattern}"')({"module": text}) is expected


def _write(tmp_path, text):
    p = tmp_path / "bad.sca"
    p.write_text(text)
    return str(p)


def test_truncated_file_reports_last_line(tmp_path):
    path = _write(tmp_path, "version 3\nrun r1\nscalar Net.a x 1\nscalar Net.a y 2")
    with pytest.raises(ResultFileError, match=r"bad\.sca:4: file is truncated"):
        results.read_result_files(path)


def test_malformed_number_reports_line(tmp_path):
    path = _write(tmp_path, "version 3\nrun r1\nscalar Net.a x 1\nscalar Net.a y oops\n")
    with pytest.raises(ResultFileError, match=r"bad\.sca:4: expected a number"):
        results.read_result_files(path)


def test_unknown_line_and_missing_version(tmp_path):
    with pytest.raises(ResultFileError, match=r":3: unknown line type 'bogus'"):
        results.read_result_files(_write(tmp_path, "version 3\nrun r1\nbogus a b\n"))
    with pytest.raises(ResultFileError, match="missing 'version'"):
        results.read_result_files(_write(tmp_path, "run r1\nscalar a b 1\n"))
    with pytest.raises(ResultFileError, match="unsupported result file version"):
        results.read_result_files(_write(tmp_path, "version 9\n"))


def test_vector_data_errors(tmp_path):
    p = tmp_path / "bad.vec"
    p.write_text("version 3\nrun r1\nvector 0 Net.a v ETV\n0\t1\t0.5\n")
    with pytest.raises(ResultFileError, match=r":4: vector 0 data line has 2 columns, expected 3"):
        results.read_result_files(str(p))
    p.write_text("version 3\nrun r1\n5\t1\t0.5\t2\n")
    with pytest.raises(ResultFileError, match="undeclared vector 5"):
        results.read_result_files(str(p))


def test_missing_file_is_a_query_error(tmp_path):
    with pytest.raises(results.ResultQueryError, match="not found"):
        results.read_result_files(str(tmp_path / "nope.sca"))
