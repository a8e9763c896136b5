"""Edge task scheduling inside the smart city, from result files: each scheduler against the LP bound.

    cd omnetpp_models/scenarios/smartcity
    qcity sweep omnetpp.ini -c Schedulers -j 2 --result-dir results/schedulers
    python ../../../analysis/edge_scheduling.py results/schedulers -o edge

The Schedulers runs give every scheduler the same network and the same tasks (common random
numbers), and the EdgeScheduler judges each round's schedule against the OR-Tools LP lower
bound on that round's makespan (servers' earlier work included). Printed per scheduler, with
Student-t 95 % intervals over repetitions: mean round makespan, mean and worst gap to the
bound (makespan / bound - 1), task completion time and edge energy; then, round by round, a
Wilcoxon signed-rank test of each scheduler's gaps against MF-MBO's (rounds paired by
repetition and time). Writes <prefix>_schedulers.csv and <prefix>_gaps.png.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

from qcity import results
from qcity.cli import run_script
from qcity.errors import QcityError
from qcity.reports.figures import offscreen_pyplot
from qcity.reports.scheduling import LABELS, ORDER, _ordered, paired_rounds, per_run, wilcoxon_against
from qcity.reports.summary import summarise


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+", help="result files or folders of Schedulers runs")
    ap.add_argument("-o", "--output", default="edge", help="prefix of the output files")
    args = ap.parse_args(argv)
    try:
        raw = results.read_result_files(args.results)
    except QcityError as e:  # not result files, or a truncated one: said plainly, no traceback
        print(f"error: {e}", file=sys.stderr)
        return 1
    runs = per_run(raw)
    if runs.empty or "gap" not in runs:
        print("no EdgeScheduler results with a bound in the given files (run the Schedulers config)", file=sys.stderr)
        return 1
    table = _ordered(summarise(runs, ["scheduler"]))
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 30)
    shown = ["scheduler", "runs", "makespan_s", "makespan_s_ci", "gap", "gap_ci", "gap_max", "completion_s",
             "completion_s_ci", "energy_kJ", "energy_kJ_ci"]
    print("Per scheduler (mean and 95 % CI half-width over repetitions; gap = round makespan / LP bound - 1)")
    print(table[[c for c in shown if c in table]].round(4).to_string(index=False))
    rounds = paired_rounds(raw)
    tests = pd.DataFrame()
    if not rounds.empty and "mf_mbo" in rounds:
        tests = _ordered(wilcoxon_against(rounds))
        print(f"\nRound by round against MF-MBO ({len(rounds)} paired rounds; Wilcoxon signed-rank, two-sided)")
        shown_tests = tests.round({c: 4 for c in tests.columns if c != "wilcoxon_p"})
        print(shown_tests.to_string(index=False, formatters={"wilcoxon_p": "{:.2g}".format}))
    table.to_csv(f"{args.output}_schedulers.csv", index=False)
    try:
        plt = offscreen_pyplot()
    except ImportError:
        print("matplotlib is not installed: no figure", file=sys.stderr)
        return 0
    if not rounds.empty:
        names = [n for n in ORDER if n in rounds] + [n for n in rounds if n not in ORDER]
        fig, ax = plt.subplots(figsize=(7, 3.5))
        ax.boxplot([100 * rounds[n].dropna().to_numpy() for n in names], showfliers=False)
        ax.set_xticks(np.arange(1, len(names) + 1), [LABELS.get(n, n) for n in names])
        ax.set_ylabel("round makespan over LP bound (%)")
        ax.set_title("Edge scheduling in the smart city: gap to the LP bound per round")
        fig.tight_layout()
        fig.savefig(f"{args.output}_gaps.png", dpi=150)
    print(f"\nwrote {args.output}_schedulers.csv" + (f", {args.output}_gaps.png" if not rounds.empty else ""))
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main))
