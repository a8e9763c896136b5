"""Routing comparison on the multi-hop smart city, 50-200 devices, from result files.

    qcity sweep omnetpp_models/scenarios/smartcity/omnetpp.ini -c Routing --result-dir results/routing
    python analysis/routing_comparison.py results/routing -o routing

prints the table (mean over repetitions; PDR, latency, throughput at the control
centre, device energy, hops, relayed packets, drops), writes routing_table.csv and
routing_comparison.png. Seed 003's Tables 1-4 are drawn beside ours as labelled
references. Its schemes map onto our policies by their routing (SCHEME_ROUTING):
CSR's conventional routing is shortest_path, AI-R's AI routing is neural, the
proposed scheme's is neural_energy. Given results of the Schemes config instead of
Routing, each scheme also has its security half on every device: ML-KEM-768 sessions
for CSR and AI-R (post-quantum standing in for their classical key exchange), adaptive
QKD key management for the proposed scheme (DeviceSecurity); the table is the same. Its
network-wide energy of 0.8-2.7 J is what 50 always-listening 802.15.4 radios
(CC2420 receive: 56 mW each) spend together in under a second.
"""

from __future__ import annotations

import argparse
import sys

from qcity.cli import run_script
from qcity.reports.figures import offscreen_pyplot
from qcity.reports.routing import SEED003_REPORTED, comparison_table, run_metrics

#: seed 003 scheme -> the routing policy here that does what its routing does
SCHEME_ROUTING = {"CSR": "shortest_path", "AI-R": "neural", "proposed": "neural_energy"}

PANELS = [  # (our column, seed 003 column, label, our scale)
    ("pdr", "pdr_percent", "PDR (%)", 100.0),
    ("latency_ms", "latency_ms", "mean end-to-end latency (ms)", 1.0),
    ("throughput_kbps", "throughput_kbps", "throughput at the control centre (kbit/s)", 1.0),
    ("energy_J", "energy_J", "device energy, all devices (J)", 1.0),
]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+", help="result files or folders of the Routing or Schemes config")
    ap.add_argument("-o", "--output", default="routing", help="prefix of the output files")
    args = ap.parse_args(argv)
    runs = run_metrics(args.results)
    table = comparison_table(runs)
    cols = ["pdr", "latency_ms", "throughput_kbps", "energy_J", "energy_per_device_J", "hops", "relayed",
            "drop_no_route", "drop_mac_retries", "runs"]
    print(table[cols].round(3).to_string())
    print("\nseed 003, Tables 1-4 (as reported, for reference only; routing counterparts here: "
          + ", ".join(f"{k} ~ {v}" for k, v in SCHEME_ROUTING.items()) + "):")
    print(SEED003_REPORTED.pivot(index="numDevices", columns="scheme").to_string())
    table.to_csv(f"{args.output}_table.csv")
    try:
        plt = offscreen_pyplot()
    except ImportError as e:
        print(f"{e}: no figure")
        return 0
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5))
    for ax, (ours, theirs, label, scale) in zip(axes.flat, PANELS):
        for policy, grp in table.reset_index().groupby("routing", sort=True):
            ax.errorbar(grp.numDevices, grp[ours] * scale, yerr=grp[f"{ours}_std"].fillna(0) * scale, marker="o",
                        capsize=3, label=f"qcity: {policy}")
        for scheme, grp in SEED003_REPORTED.groupby("scheme", sort=False):
            ax.plot(grp.numDevices, grp[theirs], linestyle="--", marker="x", alpha=0.6, label=f"seed 003 (reported): {scheme} (~{SCHEME_ROUTING[scheme]})")
        ax.set_xlabel("devices")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
    axes.flat[-1].set_yscale("log")  # ours and theirs differ by two orders of magnitude
    axes.flat[0].legend(frameon=False, fontsize=7)
    fig.tight_layout()
    fig.savefig(f"{args.output}_comparison.png", dpi=150)
    print(f"figure: {args.output}_comparison.png")
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main))
