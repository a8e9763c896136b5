"""Trust-aware routing on the gateway backbone (seed 000), from result files.

    cd omnetpp_models/scenarios/trust_routing
    qcity sweep omnetpp.ini -c Training -j 1        # 20 learning episodes, seed sets 100-119 -> qtables/
    for c in Standard TrustThreshold QLearning; do qcity sweep omnetpp.ini -c $c -j 2; done
    python ../../../analysis/trust_routing.py results -o trust

or inside the smart city (policies as the `policy` iteration variable of TrustRouting):

    cd omnetpp_models/scenarios/smartcity
    qcity sweep omnetpp.ini -c TrustRoutingTraining -j 1
    qcity sweep omnetpp.ini -c TrustRouting -j 2
    python ../../../analysis/trust_routing.py results/TrustRouting* -o city_trust   # (with the training episodes)

prints, per policy (config or `policy`), the mean and spread over the evaluation seed sets of:
delivery ratio, end-to-end delay, messages dropped by compromised gateways, by the
policy and after too many delays, delay decisions per message, the share of
forwarding decisions that went to a compromised gateway and the mean trust of the
chosen next hops; writes trust_table.csv and trust_routing.png (with the training
episodes' delivery ratio, the learning curve, when Training results are given).
"""

from __future__ import annotations

import argparse
import sys

from qcity.cli import run_script
from qcity.reports.figures import offscreen_pyplot
from qcity.reports.trust import comparison_table, run_metrics


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+", help="result files or folders (Standard, TrustThreshold, QLearning, Training)")
    ap.add_argument("-o", "--output", default="trust", help="prefix of the output files")
    args = ap.parse_args(argv)
    runs = run_metrics(args.results)
    table = comparison_table(runs)
    print(table[["pdr", "pdr_std", "delay_ms", "drop_attack", "drop_policy", "drop_delay_limit", "delays_per_message",
                 "to_compromised", "chosen_trust", "runs"]].round(3).to_string())
    table.to_csv(f"{args.output}_table.csv")
    training = runs[runs.config == "Training"].sort_values("seedset")
    try:
        plt = offscreen_pyplot()
    except ImportError as e:
        print(f"{e}: no figure")
        return 0
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for ax, (col, label) in zip(axes[:2], [("pdr", "delivery ratio"), ("to_compromised", "decisions to compromised gateways")]):
        ax.bar(table.index, table[col], yerr=table[f"{col}_std"].fillna(0), capsize=4)
        ax.set_ylabel(label)
        ax.grid(True, axis="y", alpha=0.3)
    if len(training):
        axes[2].plot(range(1, len(training) + 1), training.pdr, marker="o")
        axes[2].set_xlabel("training episode")
        axes[2].set_ylabel("delivery ratio (exploring)")
        axes[2].grid(True, alpha=0.3)
    else:
        axes[2].set_axis_off()
    fig.tight_layout()
    fig.savefig(f"{args.output}_routing.png", dpi=150)
    print(f"figure: {args.output}_routing.png")
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main))
