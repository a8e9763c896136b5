"""The comparison of qcity's access models with INET's (qcity.reports.validation and
analysis/inet_validation.py), on runs of the embedded engine alone: INET's side is stood in for by a
second set of qcity runs, so what is checked here is the reading, the statistics and the document."""

from __future__ import annotations

import shutil
from pathlib import Path

import analysis_scripts
import numpy as np
import pandas as pd
import pytest

from qcity.reports import validation
from qcity.sim.sweep import sweep

SCEN = Path(__file__).resolve().parent.parent / "omnetpp_models" / "scenarios" / "smartcity"

SMALL_INI = """
[General]
network = SmartCity
**.vector-recording = false
**.radioMedium.pathLossExponent = 2.7
SmartCity.numGateways = 2
sim-time-limit = 6s

[Config Validation]
SmartCity.numDevices = ${numDevices=6,10}
**.app.sendInterval = exponential(${interval=500ms,2s})
measurement-label = ${variant=configured,matched}
**.radioMedium.shadowing = ${shadowing="link","frame" ! variant}
repeat = 2
**.controlCenter.endToEndDelay.result-recording-modes = default,+vector
**.controlCenter.endToEndDelay:vector.vector-recording = true
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("validation")
    shutil.copy(SCEN / "SmartCity.ned", folder)
    (folder / "omnetpp.ini").write_text(SMALL_INI)
    for name, overrides in (("qcity", []), ("other", ["seed-set=10${repetition}"])):  # other seeds: 100, 101
        sweep(folder / "omnetpp.ini", "Validation", result_dir=str(folder / name), jobs=2, overrides=overrides)
    return folder / "qcity", folder / "other"


def test_run_metrics_has_every_quantity_per_run(runs):
    m = validation.run_metrics(runs[0])
    assert len(m) == 16 and set(m.variant) == {"configured", "matched"}
    assert set(m.interval_s) == {0.5, 2.0} and set(m.numDevices) == {6, 10}
    for col in [*validation.METRICS, *validation.DROP_CAUSES, "dead", "access"]:
        assert col in m, col
    assert (m.access == "qcity").all()
    assert ((m.pdr > 0) & (m.pdr <= 1)).all()
    # the 95th percentile comes from every reading's latency: above the mean's lower part, below the maximum
    assert (m.latency_p95_ms > 0).all() and (m.energy_per_device_J > 0).all()


def test_p95_comes_from_every_readings_latency_or_else_the_histogram(runs):
    from qcity import results

    raw = results.read_result_files(str(runs[0]))
    vectors = results.get_vectors(raw[raw.type == "vector"]).set_index("runID")
    p95 = validation._latency_p95(raw)
    for run_id, value in p95.items():
        assert value == pytest.approx(np.percentile(vectors.loc[run_id, "vecvalue"], 95) * 1e3)
    # without the vectors, interpolated in the histogram: between the run's least and greatest latency
    stats = results.get_statistics(raw[raw.name == "endToEndDelay:histogram"]).set_index("runID")
    for run_id, value in validation._latency_p95(raw[raw.type != "vector"]).items():
        assert stats.loc[run_id, "min"] * 1e3 - 1e-9 <= value <= stats.loc[run_id, "max"] * 1e3 + 1e-9


def test_compare_marks_differences_beyond_the_interval():
    base = pd.DataFrame({"variant": "configured", "numDevices": 10, "interval_s": 1.0,
                         "pdr": [0.90, 0.91, 0.92], "latency_ms": [20.0, 21, 22], "latency_p95_ms": [50.0, 52, 54],
                         "energy_per_device_J": [0.1, 0.1, 0.1], "dead": 0.0,
                         "drop_queue_full": 0.0, "drop_channel_access": 0.0, "drop_retry_limit": 0.0})
    other = base.assign(pdr=[0.70, 0.71, 0.72], latency_ms=[20.5, 21.5, 22.5])
    c = validation.compare(base, other, validation.GROUP).set_index("metric")
    assert c.loc["pdr", "differs"] and c.loc["pdr", "difference"] == pytest.approx(0.2)
    assert not c.loc["latency_ms", "differs"]  # 0.5 ms against a spread of 1 ms per run
    assert not c.loc["energy_per_device_J", "differs"]  # identical: no difference, no interval


def test_the_script_writes_the_document_and_keeps_its_notes(runs, tmp_path):
    script = analysis_scripts.load("inet_validation")
    out = tmp_path / "validation.md"
    out.write_text("old\n<!-- notes -->\nThe causes, written by hand.\n<!-- /notes -->\nold tables\n")
    assert script.main([str(runs[0]), str(runs[1]), "-o", str(out)]) == 0
    text = out.read_text()
    assert "The causes, written by hand." in text and "old tables" not in text
    assert "## Configured" in text and "## Matched" in text and "| devices | reading every |" in text
    assert "500 ms" in text and "2 s" in text
    assert (tmp_path / "validation.png").exists() and (tmp_path / "validation.svg").exists()
