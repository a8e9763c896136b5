"""Scheduler comparison: the table (with gaps to the CP-SAT bound and Wilcoxon tests) and
convergence curves, for Braun-et-al. instances.

    python analysis/scheduling_comparison.py --tasks 128 --machines 8 --seeds 30 -o scheduling

writes scheduling_table.csv, scheduling_convergence.png and prints the table.
MF-MBO's operators are qcity's reading of seed 000's description (see
qcity.scheduling.algorithms); the paper's own numbers are not reproduced here.
"""

from __future__ import annotations

import argparse
import sys

from qcity.cli import run_script
from qcity.reports.figures import offscreen_pyplot
from qcity.scheduling.compare import compare
from qcity.scheduling.instance import CONSISTENCY, braun_instance


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", type=int, default=128)
    ap.add_argument("--machines", type=int, default=8)
    ap.add_argument("--consistency", choices=CONSISTENCY, default="inconsistent")
    ap.add_argument("--task-het", choices=["hi", "lo"], default="hi", help="task heterogeneity (Braun et al.)")
    ap.add_argument("--machine-het", choices=["hi", "lo"], default="hi", help="machine heterogeneity (Braun et al.)")
    ap.add_argument("--evaluations", type=int, default=20_000)
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--cpsat-seconds", type=float, default=10.0)
    ap.add_argument("--instance-seed", type=int, default=1)
    ap.add_argument("-o", "--output", default="scheduling", help="prefix of the output files")
    args = ap.parse_args(argv)
    inst = braun_instance(args.tasks, args.machines, args.consistency, args.task_het, args.machine_het,
                          seed=args.instance_seed)
    c = compare(inst, args.evaluations, args.seeds, args.cpsat_seconds)
    table = c.table()
    print(table.round(4).to_string())
    print(f"\nCP-SAT lower bound on the makespan: {c.bound:.6g} (its schedule: {c.cpsat_makespan:.6g})")
    table.to_csv(f"{args.output}_table.csv")
    try:
        plt = offscreen_pyplot()
    except ImportError as e:
        print(f"{e}: no figure")
        return 0
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for name, grp in c.curves.groupby("algorithm", sort=False):
        ax.plot(grp.evaluations, grp.best_fitness, label=name)
    ax.set_xlabel("fitness evaluations")
    ax.set_ylabel(f"best fuzzy fitness (mean of {args.seeds} runs; lower is better)")
    ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    ax.legend(frameon=False)
    fig.savefig(f"{args.output}_convergence.png", dpi=150, bbox_inches="tight")
    print(f"figure: {args.output}_convergence.png")
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main))
