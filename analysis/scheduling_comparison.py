"""Scheduler comparison on HCSP/ETC instance files or generated Braun-et-al. instances.

    # the twelve published Braun et al. 512 x 16 instances, makespan only, 2 worker processes
    python analysis/scheduling_comparison.py --instance braun_512x16/u_*.0 --objective makespan \\
        --evaluations 150000 --seeds 30 --jobs 2 -o braun
    # a generated instance (any size), MF-MBO's fuzzy fitness, with its convergence curves
    python analysis/scheduling_comparison.py --tasks 128 --machines 8 --seeds 30 -o scheduling

Every algorithm gets the same objective, evaluation budget and Min-Min start (see
qcity.scheduling.compare); CP-SAT gets as much time as MF-MBO used on average. Writes
<output>_runs.csv (one row per run), <output>_summary.csv and .md (per instance and algorithm:
mean makespan, its gap to the LP bound, to CP-SAT's proven bound and, for the published
instances, to the best known makespan; CPU seconds; Wilcoxon p against MF-MBO), and a figure.
The best known makespans are labelled references (Gogos et al. 2016), not values qcity computes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from qcity.cli import run_script
from qcity.reports.figures import offscreen_pyplot
from qcity.scheduling.bounds import lp_lower_bound
from qcity.scheduling.compare import METAHEURISTICS, compare
from qcity.scheduling.instance import CONSISTENCY, braun_instance, read_hcsp
from qcity.scheduling.objectives import OBJECTIVES

# Best known makespans of instance 0 of each Braun et al. 512 x 16 class: the mathematical-solver
# column of Gogos, Valouxis, Alefragis, Goulas, Voros, Housos, "Scheduling independent tasks on
# heterogeneous processors using heuristics and Column Pricing", FGCS 60 (2016), as the
# hcsp repository's solution file names give them. Reference values only.
BEST_KNOWN = {
    "u_c_hihi.0": 7358942.8, "u_c_hilo.0": 152812.2, "u_c_lohi.0": 238649.0, "u_c_lolo.0": 5135.7,
    "u_i_hihi.0": 2924720.0, "u_i_hilo.0": 73202.1, "u_i_lohi.0": 101527.0, "u_i_lolo.0": 2533.4,
    "u_s_hihi.0": 4080153.5, "u_s_hilo.0": 95553.3, "u_s_lohi.0": 121000.9, "u_s_lolo.0": 3419.4,
}
TARGET_GAP = 3.0  # % above the best known makespan MF-MBO is asked to stay within


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--instance", nargs="+", type=Path, help="HCSP/ETC files ('tasks machines 0' then the times)")
    ap.add_argument("--tasks", type=int, default=128, help="generated instance: tasks")
    ap.add_argument("--machines", type=int, default=8, help="generated instance: machines")
    ap.add_argument("--consistency", choices=CONSISTENCY, default="inconsistent")
    ap.add_argument("--task-het", choices=["hi", "lo"], default="hi", help="task heterogeneity (Braun et al.)")
    ap.add_argument("--machine-het", choices=["hi", "lo"], default="hi", help="machine heterogeneity (Braun et al.)")
    ap.add_argument("--instance-seed", type=int, default=1)
    ap.add_argument("--objective", choices=OBJECTIVES, default="fuzzy")
    ap.add_argument("--evaluations", type=int, default=20_000)
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--algorithms", nargs="+", choices=list(METAHEURISTICS), metavar="NAME",
                    help=f"metaheuristics to run (default: all of {', '.join(METAHEURISTICS)})")
    ap.add_argument("--cpsat-seconds", type=float, help="CP-SAT's time (default: MF-MBO's mean CPU time)")
    ap.add_argument("--jobs", type=int, default=1, help="instances compared in parallel (one process each)")
    ap.add_argument("-o", "--output", default="scheduling", help="prefix of the output files")
    args = ap.parse_args(argv)
    if args.instance:
        missing = [str(p) for p in args.instance if not p.is_file()]
        if missing:
            ap.error(f"no such instance file: {', '.join(missing)}")
        work = [(p.name, str(p)) for p in args.instance]
    else:
        name = f"{args.consistency}_{args.task_het}{args.machine_het}_{args.tasks}x{args.machines}_s{args.instance_seed}"
        work = [(name, None)]
    from joblib import Parallel, delayed

    results = Parallel(n_jobs=args.jobs)(delayed(_one_instance)(name, path, args) for name, path in work)
    runs = pd.concat([r[0] for r in results], ignore_index=True)
    summary = pd.concat([r[1] for r in results], ignore_index=True)
    runs.to_csv(f"{args.output}_runs.csv", index=False)
    summary.to_csv(f"{args.output}_summary.csv", index=False)
    Path(f"{args.output}_summary.md").write_text(_markdown(summary, args) + "\n")
    print(_markdown(summary, args))
    try:
        plt = offscreen_pyplot()
    except ImportError as e:
        print(f"{e}: no figure")
        return 0
    figure = _gap_figure(plt, summary, args) if len(work) > 1 else _convergence_figure(plt, results[0][2], args)
    print(f"figure: {figure}")
    return 0


def _one_instance(name: str, path: str | None, args) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    if path is None:
        inst = braun_instance(args.tasks, args.machines, args.consistency, args.task_het, args.machine_het,
                              seed=args.instance_seed)
    else:
        inst = read_hcsp(path)
    chosen = {name: METAHEURISTICS[name] for name in args.algorithms} if args.algorithms else None
    probe = compare(inst, args.evaluations, args.seeds, cpsat_seconds=args.cpsat_seconds, algorithms=chosen,
                    objective=args.objective)
    table = probe.table()
    lp = lp_lower_bound(inst)
    best = BEST_KNOWN.get(name)
    summary = pd.DataFrame({
        "instance": name, "algorithm": table.index, "objective_mean": table["fitness_mean"].values,
        "objective_std": table["fitness_std"].values, "makespan_mean": table["makespan_mean"].values,
        "makespan_std": table["makespan_std"].values,
        "gap_to_lp_bound_%": 100 * (table["makespan_mean"].values / lp - 1),
        "gap_to_cpsat_bound_%": table["gap_to_bound_%"].values,
        "gap_to_best_known_%": 100 * (table["makespan_mean"].values / best - 1) if best else np.nan,
        "cpu_s_mean": table["cpu_s_mean"].values,
        "wilcoxon_p_vs_MF-MBO": table["wilcoxon_p_vs_MF-MBO"].values,
        "lbi_mean": table["lbi_mean"].values, "energy_mean": table["energy_mean"].values,
    })
    runs = probe.runs.assign(instance=name)
    curves = probe.curves.assign(instance=name)
    print(f"{name}: done", flush=True)
    return runs, summary, curves


def _gap_column(summary: pd.DataFrame) -> str:
    """The gap to report: to the best known makespans when every instance has one, else to the LP bound."""
    return "gap_to_best_known_%" if summary["gap_to_best_known_%"].notna().all() else "gap_to_lp_bound_%"


def _markdown(summary: pd.DataFrame, args) -> str:
    column = _gap_column(summary)
    wide = summary.pivot(index="instance", columns="algorithm", values=column)
    order = [a for a in ("Min-Min", "Max-Min", "GA", "PSO", "MBO", "MF-MBO", "CP-SAT (makespan)") if a in wide]
    wide = wide[order].round(2)
    cpu = summary[summary.algorithm == "MF-MBO"].set_index("instance")["cpu_s_mean"].round(1)
    if cpu.notna().any():
        wide["MF-MBO CPU s"] = cpu
    what = "best known makespan" if column == "gap_to_best_known_%" else "LP lower bound"
    return (f"Mean makespan's gap (%) to the {what}; objective {args.objective}, {args.evaluations} evaluations, "
            f"{args.seeds} seeds\n\n" + _pipe_table(wide))


def _pipe_table(frame: pd.DataFrame) -> str:
    head = [frame.index.name or ""] + [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, row in frame.iterrows():
        lines.append("| " + " | ".join([str(key)] + [f"{v:g}" for v in row.values]) + " |")
    return "\n".join(lines)


def _gap_figure(plt, summary: pd.DataFrame, args) -> str:
    column = _gap_column(summary)
    algorithms = [a for a in ("Min-Min", "GA", "PSO", "MBO", "MF-MBO", "CP-SAT (makespan)") if a in set(summary.algorithm)]
    instances = sorted(summary.instance.unique())
    fig, ax = plt.subplots(figsize=(10, 4.4))
    width = 0.8 / len(algorithms)
    for k, algorithm in enumerate(algorithms):
        gaps = summary[summary.algorithm == algorithm].set_index("instance").reindex(instances)[column]
        ax.bar(np.arange(len(instances)) + (k - (len(algorithms) - 1) / 2) * width, gaps, width, label=algorithm)
    if column == "gap_to_best_known_%":
        ax.axhline(TARGET_GAP, color="k", linestyle="--", linewidth=1, label=f"{TARGET_GAP:g} % above best known")
        ax.set_ylabel("makespan above best known (%)\n(reference: Gogos et al. 2016)")
    else:
        ax.set_ylabel("makespan above the LP bound (%)")
    ax.set_xticks(np.arange(len(instances)), [i.removesuffix(".0") for i in instances], rotation=30, ha="right")
    ax.set_yscale("symlog", linthresh=1)
    ticks = [t for t in (0, 0.5, 1, 2, 3, 5, 10, 20, 50, 100, 200) if t <= max(1.0, float(summary.loc[summary.algorithm.isin(algorithms), column].max()))]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(frameon=False, ncol=len(algorithms) + 1, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    ax.set_title(f"Mean of {args.seeds} seeds, {args.evaluations:,} evaluations each, Min-Min start", fontsize=10,
                 pad=22)
    out = f"{args.output}_gaps.png"
    fig.savefig(out, dpi=150, bbox_inches="tight")
    return out


def _convergence_figure(plt, curves: pd.DataFrame, args) -> str:
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for name, grp in curves.groupby("algorithm", sort=False):
        ax.plot(grp.evaluations, grp.best_fitness, label=name)
    ax.set_xlabel("fitness evaluations")
    ax.set_ylabel(f"best {args.objective} (mean of {args.seeds} runs; lower is better)")
    ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    ax.legend(frameon=False)
    out = f"{args.output}_convergence.png"
    fig.savefig(out, dpi=150, bbox_inches="tight")
    return out


if __name__ == "__main__":
    sys.exit(run_script(main))
