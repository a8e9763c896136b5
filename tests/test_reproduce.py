"""qcity reproduce: the executor (order, reuse, failures, progress), the verdicts, and the whole
quick reproduction as CI runs it, with its report checked as files and in a real browser."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import reproduce_fakes as fakes
from conftest import SHARED_DATA

from qcity.cli import main
from qcity.reports.papers import Reported
from qcity.reports.reproduce import ARTEFACTS, STEPS
from qcity.reports.reproduce.executor import execute, needed_steps, plan_tasks
from qcity.reports.reproduce.plan import Artefact, Compute, Context
from qcity.reports.reproduce.verdict import (
    CONTRADICTED,
    DIFFERS,
    NOT_MEASURED,
    REPRODUCED,
    claim_row,
    compare_value,
    value_row,
)


def test_steps_run_in_dependency_order_and_complete_results_are_reused(tmp_path):
    context = Context(tmp_path)
    wanted = [fakes.ARTEFACTS["T-count"]]
    out = execute(wanted, fakes.STEPS, context, jobs=2, stream=io.StringIO())
    assert not out.failed and out.reused == 0
    assert context.computed("count") == 9  # RingSweep with one repetition: 3 sizes x 3 token counts
    assert out.built["T-count"].rows[0].ours == 9
    tasks, reused = plan_tasks(wanted, fakes.STEPS, context, {})
    assert reused == 10 and [t.kind for t in tasks.values()] == ["build"]  # 9 runs and the count: nothing to redo


def test_a_missing_result_file_is_run_again_and_what_reads_it_is_redone(tmp_path):
    context = Context(tmp_path)
    wanted = [fakes.ARTEFACTS["T-count"]]
    execute(wanted, fakes.STEPS, context, jobs=1, stream=io.StringIO())
    victim = sorted(context.results("ring").glob("*.sca"))[4]
    victim.unlink()
    tasks, reused = plan_tasks(wanted, fakes.STEPS, context, {})
    assert sorted(t.kind for t in tasks.values()) == ["build", "compute", "run"]
    execute(wanted, fakes.STEPS, context, jobs=1, stream=io.StringIO())
    assert victim.exists() and context.computed("count") == 9


def test_a_sequential_sweep_runs_one_after_another(tmp_path):
    context = Context(tmp_path)
    steps = dict(fakes.STEPS)
    wanted = [Artefact("T-trail", "001", "trail", ("trail",), fakes.build_broken)]
    tasks, _ = plan_tasks(wanted, steps, context, {})
    runs = [t for t in tasks.values() if t.kind == "run"]
    assert [sorted(t.needs) for t in runs] == [[]] + [[runs[i].key] for i in range(len(runs) - 1)]
    out = execute(wanted, steps, context, jobs=2, stream=io.StringIO())
    assert not out.failed and len(context.computed("trail")) == 9


def test_a_failure_is_reported_and_what_needs_it_is_not_run(tmp_path):
    context = Context(tmp_path)
    stream = io.StringIO()
    out = execute(list(fakes.ARTEFACTS.values()), fakes.STEPS, context, jobs=2, stream=stream)
    assert "ValueError: a computation that fails" in out.failed["compute:broken"]
    assert out.failed["build:T-broken"].startswith("not run: broken failed")
    assert "T-count" in out.built  # the rest went on
    assert "broken: FAILED: ValueError: a computation that fails" in stream.getvalue()


def test_progress_names_what_runs_and_what_is_left(tmp_path):
    stream = io.StringIO()
    execute([fakes.ARTEFACTS["T-count"]], fakes.STEPS, Context(tmp_path), jobs=2, stream=stream)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("reproduce (full): 1 artefact(s), 10 run(s) and computation(s) to do, 0 complete already")
    progress = [x for x in lines[1:] if x.startswith("[")]
    assert len(progress) == 11 and progress[-1].startswith("[11/11 tasks]")
    assert all(re.search(r"\d+:\d\d elapsed, about \d+:\d\d left \| .+ \| running: ", x) for x in progress)
    assert any("RingSweep #" in x for x in progress) and any("T-count (report)" in x for x in progress)
    assert any("running: ring (for T-count)" in x for x in progress)  # the artefact a running step is for


def test_steps_in_a_circle_are_refused():
    steps = {"a": Compute("a", fakes.broken, after=("b",)), "b": Compute("b", fakes.broken, after=("a",))}
    artefact = Artefact("x", "001", "x", ("a",), fakes.build_broken)
    with pytest.raises(ValueError, match="circle: a -> b -> a"):
        needed_steps([artefact], steps)


def test_every_artefact_and_step_of_the_catalogue_is_reachable():
    order = needed_steps(list(ARTEFACTS.values()), STEPS)
    assert set(order) == set(STEPS)  # no step nobody reads
    assert order.index("routing-model") < order.index("Schemes")  # training before the runs that use it
    assert order.index("TrustTraining") < order.index("TrustQLearning")
    assert {a.paper for a in ARTEFACTS.values()} == {"000", "001", "002", "003"}


def test_unknown_artefact_and_bad_jobs_are_clear_errors(capsys):
    assert main(["reproduce", "004-fig1", "--list"]) == 1
    assert "no artefact '004-fig1'; `qcity reproduce --list` names them" in capsys.readouterr().err
    assert main(["reproduce", "-j", "0"]) == 1
    assert "-j takes a number of workers of at least 1" in capsys.readouterr().err
    assert main(["reproduce", "--data", "/no/such/folder"]) == 1
    assert "--data /no/such/folder: no such folder" in capsys.readouterr().err


def test_list_names_every_artefact_and_its_runs(capsys):
    assert main(["reproduce", "--list"]) == 0
    out = capsys.readouterr().out
    for key in ARTEFACTS:
        assert key in out
    assert "smartcity/ChannelClasses (72 runs)" in out and "trust_routing/Training (20 runs, one after another)" in out


def test_verdicts_of_numbers_ranges_and_claims():
    number = Reported("001", "Fig. 4", "mean latency", "ms", value=20.3)
    assert compare_value(21.0, number) == (REPRODUCED, "+0.7 ms, 1x")
    assert compare_value(30.0, number)[0] == DIFFERS
    row = value_row(number, 30.0, 12.0)  # a wide interval is shown but never turns a difference into agreement
    assert row.verdict == DIFFERS and row.ours_shown() == "30 ± 12"
    span = Reported("003", "Section 4.3", "PDR", "%", low=94, high=97)
    assert compare_value(95.0, span) == (REPRODUCED, "inside the range")
    assert compare_value(80.0, span) == (DIFFERS, "-14 points from the range")
    assert compare_value(98.5, span) == (REPRODUCED, "within the tolerance of the range")
    pdr = Reported("003", "Table 2", "PDR", "%", value=89)
    assert compare_value(87.5, pdr)[0] == REPRODUCED and compare_value(81.1, pdr)[0] == DIFFERS  # 2 points, not 10 %
    claim = Reported("000", "Lay summary", "RL routing", "", claim="delivered more packets")
    assert claim_row(claim, True, "0.9 vs 0.8").verdict == REPRODUCED
    assert claim_row(claim, False, "0.7 vs 0.8", opposite=True).verdict == CONTRADICTED
    assert claim_row(claim, False, "0.8 vs 0.8").verdict == DIFFERS
    assert claim_row(claim, None, "").verdict == NOT_MEASURED


def test_stale_results_are_run_again(tmp_path):
    """Result files from other settings (or another qcity) never count as complete."""
    context = Context(tmp_path)
    wanted = [fakes.ARTEFACTS["T-count"]]
    execute(wanted, fakes.STEPS, context, jobs=2, stream=io.StringIO())
    other = dict(fakes.STEPS)
    other["ring"] = replace(fakes.STEPS["ring"], settings=("sim-time-limit=3s", "repeat=1"))
    notes: list[str] = []
    tasks, reused = plan_tasks(wanted, other, context, {}, notes)
    assert reused == 0 and sum(t.kind == "run" for t in tasks.values()) == 9
    assert notes == ["ring: its 9 result file(s) came from other settings or another version of qcity's models or "
                     "code: running them again"]
    assert not list(context.results("ring").glob("*.sca"))


def test_a_computation_is_redone_when_its_inputs_change(tmp_path):
    context = Context(tmp_path)
    wanted = [fakes.ARTEFACTS["T-count"]]
    execute(wanted, fakes.STEPS, context, jobs=1, stream=io.StringIO())
    assert plan_tasks(wanted, fakes.STEPS, context, {})[1] == 10
    with_data = Context(tmp_path, data=tmp_path)  # as a later reproduce --data would
    tasks, reused = plan_tasks(wanted, fakes.STEPS, with_data, {})
    assert reused == 9 and "compute:count" in tasks


# ---- the whole quick reproduction (what CI runs) ----------------------------------------------------------


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory) -> Path:
    """``qcity reproduce --quick`` into a fresh folder (with the public datasets when they are here)."""
    out = tmp_path_factory.mktemp("reproduce")
    data = ["--data", str(SHARED_DATA)] if SHARED_DATA.is_dir() else []
    r = subprocess.run([sys.executable, "-m", "qcity.cli", "reproduce", "--quick", "-j", "2", "--out", str(out), *data],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    (out / "stderr.txt").write_text(r.stderr)
    return out


def test_quick_reproduce_reports_every_artefact(quick_report):
    text = (quick_report / "REPORT.md").read_text()
    assert "quick mode" in text
    for key, artefact in ARTEFACTS.items():
        assert f"### {key}: {artefact.title}" in text
    rows = pd.read_csv(quick_report / "rows.csv")
    assert set(rows.artefact) == set(ARTEFACTS)
    assert set(rows.verdict) <= {"reproduced", "differs", "contradicted", "not measured"}
    measured = rows[rows.verdict != "not measured"]
    assert measured.seed.astype(str).str.zfill(3).nunique() == 4  # every paper has measured rows
    assert (measured.why.notna() | (measured.verdict == "reproduced")).all()  # a reason wherever it is not reproduced
    if not SHARED_DATA.is_dir():
        assert "no dataset folder given" in " ".join(rows[rows.artefact == "002-detection"].why)


def test_quick_reproduce_writes_every_figure_and_table_it_names(quick_report):
    text = (quick_report / "REPORT.md").read_text()
    named = re.findall(r"\]\(([^)]+\.(?:png|svg|csv))\)", text)
    assert len([n for n in named if n.endswith(".png")]) >= 10
    for name in named:
        assert (quick_report / name).is_file(), name


def test_a_second_reproduce_reuses_every_run(quick_report):
    r = subprocess.run([sys.executable, "-m", "qcity.cli", "reproduce", "--quick", "-j", "2", "--out", str(quick_report),
                        "001-fig2"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert re.search(r"0 run\(s\) and computation\(s\) to do, \d+ complete already", r.stderr)
    assert "### 003-tables" in (quick_report / "REPORT.md").read_text()  # the others stay in the report


class _Page(HTMLParser):
    """The images, links and table headers of index.html."""

    def __init__(self):
        super().__init__()
        self.images, self.links, self.headers, self._table = [], [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.images.append(a["src"])
        elif tag == "a" and not a["href"].startswith("#"):
            self.links.append(a["href"])
        elif tag == "table":
            self._table = (a.get("class"), [])
            self.headers.append(self._table)
        elif tag == "th" and self._table is not None:
            self._table[1].append(None)

    def handle_data(self, data):
        if self._table is not None and self._table[1] and self._table[1][-1] is None:
            self._table[1][-1] = data


def test_index_html_links_only_files_that_exist(quick_report):
    page = _Page()
    page.feed((quick_report / "index.html").read_text())
    assert page.images and all((quick_report / src).is_file() for src in page.images)
    assert all((quick_report / href).is_file() for href in page.links)
    comparisons = [h for cls, h in page.headers if cls == "comparison"]
    assert len(comparisons) == len(ARTEFACTS) and all("qcity" in h and "paper" in h for h in comparisons)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


_CHECK_PAGE = """<!DOCTYPE html><html><body><iframe id="r" src="{index}" style="width:1200px;height:900px"></iframe>
<pre id="verdict">pending</pre><script>
document.getElementById("r").onload = function () {{
  const doc = this.contentDocument, out = [];
  const images = Array.from(doc.images);
  out.push("images " + images.length);
  images.forEach(i => {{ if (!i.complete || i.naturalWidth === 0) out.push("BROKEN image " + i.getAttribute("src")); }});
  Array.from(doc.querySelectorAll("table.comparison")).forEach((t, n) => {{
    const heads = Array.from(t.querySelectorAll("th")).map(h => h.textContent);
    const q = heads.indexOf("qcity"), p = heads.indexOf("paper");
    if (q < 0 || p < 0) out.push("MISSING column in table " + n);
    Array.from(t.querySelectorAll("tbody tr")).forEach(r => {{
      if (r.children.length !== heads.length) out.push("RAGGED row in table " + n);
    }});
  }});
  out.push("tables " + doc.querySelectorAll("table.comparison").length);
  document.getElementById("verdict").textContent = out.join("\\n");
}};
</script></body></html>"""


def test_the_report_in_a_real_browser(quick_report, tmp_path):
    """Headless Chromium opens index.html: every figure loads, every comparison table has both columns."""
    chromium = _chromium()
    if chromium is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium): the browser check needs it")
    check = quick_report / "browser-check.html"
    check.write_text(_CHECK_PAGE.format(index="index.html"))
    r = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                        "--virtual-time-budget=20000", "--dump-dom", check.as_uri()],
                       capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    verdict = re.search(r'<pre id="verdict">(.*?)</pre>', r.stdout, re.S)
    assert verdict, f"no result from the page: {r.stderr[-2000:]}"
    lines = verdict.group(1).splitlines()
    assert lines[0] != "pending", "the report did not load in the frame"
    assert int(lines[0].split()[1]) >= 10
    assert not [x for x in lines if x.startswith(("BROKEN", "MISSING", "RAGGED"))], lines
    assert lines[-1] == f"tables {len(ARTEFACTS)}"
    assert "ERR_FILE_NOT_FOUND" not in r.stderr
