"""qcity's own access models (CsmaMac, RadioMedium, Battery) against INET's 802.15.4 stack, from the
runs of the two Validation configs; writes docs/validation.md and its figure.

    qcity sweep omnetpp_models/scenarios/smartcity/omnetpp.ini -c Validation -j 2 --result-dir results/validation/qcity
    cd omnetpp_models_inet/scenarios/smartcity_inet      # with INET built (docs/inet.md)
    export OMNETPP_NED_PACKAGE_EXCLUSIONS="$(sed -n 's/^exclusions=//p' ../../../build-omnetpp/inet_paths.txt)"
    opp_runall -j2 -b1 opp_run -l $INET_ROOT/src/INET -l ../../../build-omnetpp/qcity -l ../../../build-omnetpp/qcity_inet \\
        -n $INET_ROOT/src:../../../omnetpp_models:../.. -u Cmdenv -c Validation --result-dir=../../../results/validation/inet omnetpp.ini
    cd ../../.. && python analysis/inet_validation.py results/validation/qcity results/validation/inet -o docs/validation.md

The document keeps what is written between its `<!-- notes -->` and `<!-- /notes -->` lines (the
explanation of the differences) when it is written again; everything else comes from the runs.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import sys
from pathlib import Path

from qcity.cli import run_script
from qcity.reports import validation

NOTES_START, NOTES_END = "<!-- notes -->", "<!-- /notes -->"


def kept_notes(path: Path) -> str:
    """The hand-written part of an existing document (empty if there is none)."""
    if not path.exists():
        return ""
    text = path.read_text()
    if NOTES_START not in text or NOTES_END not in text:
        return ""
    return text[text.index(NOTES_START) + len(NOTES_START):text.index(NOTES_END)].strip("\n")


def _repetitions(comparison) -> str:
    low, high = int(comparison.runs.min()), int(comparison.runs.max())
    return str(low) if low == high else f"{low} to {high}"


def document(ours, theirs, comparison, figure_name: str, notes: str) -> str:
    runs = {stack: len(r) for stack, r in (("qcity", ours), ("INET", theirs))}
    differing = comparison[comparison.metric.isin(list(validation.METRICS))].groupby("variant").differs.agg(["sum", "count"])
    parts = [
        "# qcity's access models against INET's",
        "",
        "The smart city run twice with the same sizes, loads and repetitions: on qcity's own 802.15.4 MAC, "
        "radio medium and battery (`scenarios/smartcity`, config `Validation`, embedded engine) and on INET's "
        "802.15.4 narrowband interface, radio medium and energy storage (`smartcity_inet`, config `Validation`, "
        "opp_run with INET 4.5.4), with qcity's application, gateway and control centre on both. The physical "
        f"settings and the devices' positions are the same (docs/inet.md); each cell is the mean over "
        f"{_repetitions(comparison)} repetitions with its 95 % interval, and **≠** marks where the two differ beyond "
        "the 95 % interval of their difference (Welch) and by more than 1 %.",
        "",
        f"Written by `analysis/inet_validation.py` on {datetime.date.today().isoformat()} from {runs['qcity']} qcity "
        f"and {runs['INET']} INET runs ({platform.machine()}, Python {platform.python_version()}); the commands are "
        "in the script's docstring.",
        "",
        "- **configured**: each stack as its scenario is set up. qcity draws shadowing once per link, its CCA "
        "detects energy only, a receiver locks only onto frames addressed to it and listens while turning around "
        "to transmit, and a device's receiver is off between its own transmissions and during backoff. INET draws "
        "shadowing for every frame and receiver, its CCA is also busy while it receives a frame, its receivers lock "
        "onto any frame and are deaf while turning around, and `RadioSleep` turns a device's receiver off between "
        "its transmissions.",
        "- **matched**: qcity with INET's assumptions (shadowing per frame, CCA, locking and turnaround as INET's, "
        "IPv4's header sizes, devices' receivers always on), and INET's MAC as it ships (receivers always on); "
        "devices get 5 J.",
        "",
        "Cells differing beyond the interval (PDR, latencies, energy): " + ", ".join(
            f"{v} {int(row['sum'])} of {int(row['count'])}" for v, row in differing.iterrows()) + ".",
        "",
        f"![qcity (solid) and INET (dashed), per load; top: configured, bottom: matched]({figure_name})",
        "",
        "## Where they differ, and why",
        "",
        NOTES_START,
        notes or "(to be written: the causes of the differences marked below)",
        NOTES_END,
        "",
    ]
    for variant in validation.PAIRED_VARIANTS:
        if variant not in set(comparison.variant):
            continue
        parts += [f"## {variant.capitalize()}", "",
                  validation.markdown_table(comparison, ["pdr", "latency_ms"], variant), "",
                  validation.markdown_table(comparison, ["latency_p95_ms", "energy_per_device_J"], variant), "",
                  "Frames lost, by cause (per run, all radios):", "",
                  validation.markdown_table(comparison, list(validation.DROP_CAUSES), variant), ""]
    parts += ["## What each of INET's assumptions changes in qcity", "",
              "qcity alone, the mean over sizes and repetitions, with INET's assumptions added one at a time "
              "(`frameShadowing`, then `inetRadio`, then receivers always on, IPv4's header sizes and 5 J: `matched`):", "",
              validation.ablation_markdown(validation.ablation(ours)), ""]
    return "\n".join(parts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("qcity", help="result folder of scenarios/smartcity's Validation runs")
    ap.add_argument("inet", help="result folder of smartcity_inet's Validation runs")
    ap.add_argument("-o", "--output", default="docs/validation.md", help="the document to write")
    args = ap.parse_args(argv)
    ours, theirs = validation.run_metrics(args.qcity), validation.run_metrics(args.inet)
    comparison = validation.compare(ours[ours.variant.isin(validation.PAIRED_VARIANTS)], theirs, validation.GROUP)
    out = Path(args.output)
    figure = validation.figure(ours, theirs, out.with_suffix(".png"))
    out.write_text(document(ours, theirs, comparison, figure, kept_notes(out)))
    print(f"wrote {out} and {figure}")
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main))
