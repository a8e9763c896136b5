"""The reproduction report: REPORT.md and index.html (the same content), and rows.csv with every row.

Per artefact: its figure (PNG, with the SVG beside it), its rows (ours with the 95 % interval,
the paper's value, the difference, the verdict and why), its CSV tables, and the time it took;
at the top, the verdict counts per artefact, the mode, the machine and the total wall time.
"""

from __future__ import annotations

import html
import os
import platform
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..papers import PAPERS
from .executor import needed_steps
from .plan import Artefact, ArtefactResult, Context, Row, Step, Sweep, write_atomically
from .verdict import VERDICTS

COLUMNS = ("quantity", "subject", "condition", "unit", "qcity", "paper", "difference", "verdict", "why")


def machine() -> dict[str, str]:
    """What the reproduction ran on: CPU model, cores, memory, OS, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        memory = f"{kib / 2**20:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": memory, "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version()}


def _cells(r: Row) -> list[str]:
    return [r.quantity, r.subject, r.condition, r.unit, r.ours_shown(), r.theirs, r.difference, r.verdict, r.why]


def _step_seconds(step: str, seconds: dict[str, float]) -> tuple[int, float]:
    """Tasks and their seconds of one step (runs or its computation), from this and earlier reproductions."""
    hits = [v for k, v in seconds.items() if k.split(":")[0] in ("run", "compute") and k.split(":")[1] == step]
    return len(hits), sum(hits)


def artefact_seconds(artefacts: Sequence[Artefact], steps: dict[str, Step], step_seconds: dict[str, float],
                     built: dict[str, ArtefactResult]) -> dict[str, float]:
    """Seconds per artefact: its build, plus its steps' run and computation time shared evenly among the
    artefacts that read them (so the column adds up to the machine time of the whole reproduction)."""
    users: Counter = Counter()
    needs = {}
    for a in artefacts:
        needs[a.key] = needed_steps([a], steps)
        users.update(needs[a.key])
    return {a.key: (built[a.key].seconds if a.key in built else 0.0)
            + sum(step_seconds[s] / users[s] for s in needs[a.key]) for a in artefacts}


def write_report(context: Context, artefacts: Sequence[Artefact], steps: dict[str, Step], results: dict[str, ArtefactResult],
                 seconds: dict[str, float], wall_seconds: float) -> tuple[Path, Path]:
    """Writes REPORT.md, index.html and rows.csv into the output folder; returns the first two."""
    info = machine()
    runs_of = {name: _step_seconds(name, seconds) for name in steps}
    per_artefact = artefact_seconds(artefacts, steps, {name: s for name, (_, s) in runs_of.items()}, results)
    mode = ("quick mode: one repetition and shorter runs, to check the pipeline; its numbers are not the comparison"
            if context.quick else "full mode")
    machine_time = sum(v for k, v in seconds.items() if not k.startswith("build:")) / 60
    head = (f"qcity reproduce, {mode}. Wall time of this invocation {wall_seconds / 60:.1f} min on {info['cores']} "
            f"cores ({info['cpu']}, {info['memory']}, {info['os']}, Python {info['python']}); the runs and computations "
            f"behind the report took {machine_time:.1f} core-min in all (runs reused from earlier invocations included).")
    rows_frame = pd.DataFrame([{"artefact": a.key, "seed": a.paper, **dict(zip(COLUMNS, _cells(r))),
                                "qcity_mean": r.ours, "qcity_ci95": r.ours_ci}
                               for a in artefacts for r in results[a.key].rows])
    rows_frame.to_csv(context.out / "rows.csv", index=False)
    md = [f"# qcity: the seed papers reproduced\n\n{head}\n"]
    page = [_HTML_HEAD, f"<h1>qcity: the seed papers reproduced</h1>\n<p>{html.escape(head)}</p>"]
    summary = []
    for a in artefacts:
        counts = Counter(r.verdict for r in results[a.key].rows)
        summary.append([a.key, a.title, *(str(counts.get(v, 0)) for v in VERDICTS), f"{per_artefact[a.key]:.0f}"])
    total = Counter(r.verdict for a in artefacts for r in results[a.key].rows)
    md.append("Verdicts: " + ", ".join(f"{total.get(v, 0)} {v}" for v in VERDICTS) + ". A row is *reproduced* when our "
              "mean is within 10 % of the paper's number (for percentages, also within 2 points; exact for set-up "
              "values) or inside its range widened the same way, or when our runs bear out its claim; *differs* when "
              "not, or when a claim holds only in part; *contradicted* when our runs show the opposite of a claim "
              "beyond their 95 % intervals; *not measured* when the row says why it cannot be. Our interval is shown "
              "beside our mean but never widens a match.\n")
    page.append(f"<p>{html.escape(md[-1].strip())}</p>".replace("*", ""))
    header = ["artefact", "title", *VERDICTS, "seconds"]
    md.append(_md_table(header, summary))
    md.append("\nSeconds: the artefact's build plus its runs' core-seconds, runs shared by several artefacts split "
              "evenly among them.\n")
    page.append(_html_table(header, summary, "summary", links=True))
    for paper in sorted({a.paper for a in artefacts}):
        p = PAPERS[paper]
        md.append(f"\n## Seed {paper}: {p.name}\n\n{p.citation}." + (f" ({p.note}.)" if p.note else "") + "\n")
        page.append(f"<h2>Seed {paper}: {html.escape(p.name)}</h2>\n<p class='cite'>{html.escape(p.citation)}"
                    + (f" ({html.escape(p.note)})" if p.note else "") + "</p>")
        for a in (a for a in artefacts if a.paper == paper):
            r = results[a.key]
            runs_text = "; ".join(_runs_text(steps[s], *runs_of[s]) for s in needed_steps([a], steps))
            md.append(f"\n### {a.key}: {a.title}\n")
            page.append(f"<section id='{a.key}'><h3>{a.key}: {html.escape(a.title)}</h3>")
            for fig in r.figures:
                md.append(f"![{a.key}]({a.key}/{fig}) ([SVG]({a.key}/{Path(fig).with_suffix('.svg').name}))\n")
                page.append(f"<figure><img src='{a.key}/{fig}' alt='{html.escape(a.title)}'>"
                            f"<figcaption><a href='{a.key}/{Path(fig).with_suffix('.svg').name}'>SVG</a></figcaption></figure>")
            md.append(_md_table(list(COLUMNS), [_cells(x) for x in r.rows]))
            page.append(_html_table(list(COLUMNS), [_cells(x) for x in r.rows], "comparison"))
            when = f" on {r.built_at}" if r.built_at else ""
            extra = [*r.notes, f"built in {r.seconds:.1f} s{when}" + (f"; runs: {runs_text}" if runs_text else "")]
            if r.tables:
                extra.append("tables: " + ", ".join(f"[{t}]({a.key}/{t})" for t in r.tables))
            md.append("\n" + "\n".join(f"- {x}" for x in extra) + "\n")
            page.append("<ul class='notes'>" + "".join(f"<li>{_links(x)}</li>" for x in extra) + "</ul></section>")
    page.append("</body></html>\n")
    report, index = context.out / "REPORT.md", context.out / "index.html"
    write_atomically(report, "\n".join(md).encode())
    write_atomically(index, "\n".join(page).encode())
    return report, index


def _runs_text(step: Step, count: int, seconds: float) -> str:
    if isinstance(step, Sweep):
        return f"{step.scenario}/{step.config} ({count} runs, {seconds:.0f} core-s)"
    return f"{step.name} ({seconds:.1f} s)"


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _html_table(header: list[str], rows: list[list[str]], css: str, links: bool = False) -> str:
    out = [f"<table class='{css}'><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead><tbody>"]
    for row in rows:
        cells = []
        for h, c in zip(header, row):
            text = html.escape(str(c))
            if links and h == "artefact":
                text = f"<a href='#{text}'>{text}</a>"
            cls = f" class='verdict {c.replace(' ', '-')}'" if h == "verdict" else ""
            cells.append(f"<td{cls}>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _links(text: str) -> str:
    """Markdown links [name](target) as HTML links, the rest escaped."""
    import re

    parts, last = [], 0
    for m in re.finditer(r"\[([^\]]+)\]\(([^)]+)\)", text):
        parts.append(html.escape(text[last:m.start()]))
        parts.append(f"<a href='{html.escape(m.group(2))}'>{html.escape(m.group(1))}</a>")
        last = m.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


_HTML_HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>qcity: the seed papers reproduced</title>
<style>
body { font-family: sans-serif; max-width: 1200px; margin: 1em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.verdict.reproduced { background: #d9f2d9; } td.verdict.differs { background: #fff0c2; }
td.verdict.contradicted { background: #f8d0d0; } td.verdict.not-measured { background: #e8e8e8; }
figure { margin: 0.5em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
.cite { color: #555; font-size: 0.9em; }
</style></head><body>"""
