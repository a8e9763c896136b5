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

import pandas as pd

from qcity import results
from qcity.cli import run_script
from qcity.plotting import offscreen_pyplot

POLICIES = ["Standard", "TrustThreshold", "QLearning", "least_loaded", "trust_threshold", "qlearning"]


def run_metrics(files) -> pd.DataFrame:
    """One row per run: its policy (the config, or the smart city's `policy` iteration variable;
    "Training" for any training config), seed set and the backbone's totals and ratios."""
    raw = results.read_result_files(files)
    sc = results.get_scalars(raw)
    attrs = results.get_runattrs(raw).pivot(index="runID", columns="name", values="value")
    iv = results.get_itervars(raw)
    itervars = iv.pivot(index="runID", columns="name", values="value") if len(iv) else pd.DataFrame()
    rows = []
    for run_id, run in sc.groupby("runID"):
        sums = run.groupby("name").value.sum()
        sent, received = float(sums.get("sentPk:count", 0.0)), float(sums.get("rxPk:count", 0.0))
        decisions = float(sums.get("chosenCompromised:count", 0.0))
        delay = run[run.name == "endToEndDelay:mean"].value.dropna()
        trust = run[run.name == "chosenTrust:mean"].value.dropna()
        config = attrs.loc[run_id, "configname"]
        policy = itervars.loc[run_id].get("policy") if run_id in itervars.index else None
        rows.append({
            "config": "Training" if config.endswith("Training") else policy if isinstance(policy, str) else config,
            "seedset": int(attrs.loc[run_id, "seedset"]),
            "pdr": received / sent if sent else float("nan"),
            "delay_ms": float(delay.iloc[0]) * 1e3 if len(delay) else float("nan"),
            "drop_attack": float(sums.get("dropAttack:count", 0.0)), "drop_policy": float(sums.get("dropByPolicy:count", 0.0)),
            "drop_delay_limit": float(sums.get("dropDelayLimit:count", 0.0)),
            "delays_per_message": float(sums.get("delayed:count", 0.0)) / sent if sent else float("nan"),
            "to_compromised": float(sums.get("chosenCompromised:sum", 0.0)) / decisions if decisions else float("nan"),
            "chosen_trust": float(trust.mean()) if len(trust) else float("nan"),
            "compromised": int((run[run.name == "compromised"].value > 0).sum()),
        })
    return pd.DataFrame(rows)


def comparison_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation per config over its runs."""
    cols = ["pdr", "delay_ms", "drop_attack", "drop_policy", "drop_delay_limit", "delays_per_message",
            "to_compromised", "chosen_trust"]
    g = runs[runs.config != "Training"].groupby("config")
    table = g[cols].mean().join(g[cols].std().add_suffix("_std")).assign(runs=g.size())
    order = [p for p in POLICIES if p in table.index] + [p for p in table.index if p not in POLICIES]
    return table.loc[order]


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
