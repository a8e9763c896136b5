"""The registry of the papers' numbers, and the boundary that keeps result files out of the domain packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcity.reports import papers

PACKAGE = Path(papers.__file__).resolve().parents[1]


def test_every_entry_names_a_paper_a_place_and_a_measure():
    assert papers.REPORTED
    for r in papers.REPORTED:
        assert r.paper in papers.PAPERS and r.where and r.quantity
        assert r.measure in papers.MEASURES, r
        # a number, a range with its ends in order, or a claim in the paper's words
        assert r.value is not None or (r.low is not None and r.high is not None and r.low <= r.high) or r.claim, r
        assert not (r.value is not None and r.low is not None), r


def test_entries_are_distinct():
    keys = [(r.paper, r.where, r.quantity, r.subject, r.condition) for r in papers.REPORTED]
    assert len(keys) == len(set(keys))


def test_every_paper_has_entries_and_every_measure_is_used():
    assert {r.paper for r in papers.REPORTED} == set(papers.PAPERS)
    assert {r.measure for r in papers.REPORTED} == set(papers.MEASURES)


def test_seed000_abstract_numbers_name_their_source():
    found = {r.quantity.split(" in ")[1].split(" over")[0]: r for r in papers.reported(paper="000", measure="scheduling")
             if r.value is not None}
    assert {k: r.value for k, r in found.items()} == {"task execution time": 17.4, "load-balancing efficiency": 22.8,
                                                      "energy consumption": 15.6}
    assert all(r.where.startswith("Abstract") and r.subject == "MF-MBO vs MBO" for r in found.values())
    assert "doi:10.1038/s41598-026-41015-2" in papers.PAPERS["000"].citation


def test_seed001_tables_read_back_from_the_registry():
    ablation = papers.seed001_ablation().set_index("variant")
    assert ablation.loc["full", "adr_percent"] == 98.7 and ablation.loc["no hybrid stack", "energy_mJ"] == 16.8
    assert ablation.isna().sum().sum() == 7  # the cells the paper leaves empty (9 of 16 given)
    adr = papers.seed001_adr().set_index("variant")
    assert adr.loc["QuIDS", "Edge-IIoTset"] == 94.1 and list(adr.columns) == ["TON_IoT", "Edge-IIoTset", "Bot-IoT"]


def test_seed003_tables_are_complete():
    t = papers.seed003_tables()
    assert len(t) == 12 and not t.isna().any().any()
    assert t.set_index(["numDevices", "scheme"]).loc[(200, "CSR"), "latency_ms"] == 120


def test_lookup_of_one_entry():
    assert papers.one(paper="001", measure="qber", condition="noisy", quantity="mean QBER").value == 0.0714
    with pytest.raises(LookupError, match="match"):
        papers.one(paper="001", measure="qber")


def test_frame_spells_out_each_measure():
    f = papers.frame()
    assert len(f) == len(papers.REPORTED) and f.qcity_config.str.len().min() > 0
