"""Security in the smart-city scenario: session modes and seed 001's ablation, from result files.

    cd omnetpp_models/scenarios/smartcity
    qcity sweep omnetpp.ini -c SecurityModes -j 2
    qcity sweep omnetpp.ini -c Ablation -j 2
    qcity sweep omnetpp.ini -c Tampering -j 2
    python ../../../analysis/security_modes.py results -o security

prints, per session mode (QKD only, PQC only, hybrid, adaptive) and per ablation variant,
the mean over repetitions of: delivery ratio, end-to-end latency, control-centre
throughput, device energy, device CPU time for cryptography per reading, session set-up
bytes per device, the mean security level of device sessions (Theorem 1 of seed 001, as
qcity.crypto.security defines it), sessions below the theorem's bound, QKD key used, key
utilisation, mode switches, and for the ablation the Q-IDS detection rate on the attacked
link (alerts / attacked windows) and false alarms on the clean links; seed 001's reported
ablation figures are printed beside ours, labelled. For the Tampering runs (compromised
relays), with and without device security: readings the relays modified, modified readings
the gateways rejected, and modified readings the control centre received. Writes
security_modes.csv, security_ablation.csv, security_tampering.csv and security_modes.png.
"""

from __future__ import annotations

import argparse
import sys

from qcity.cli import run_script
from qcity.reports.figures import offscreen_pyplot
from qcity.reports.security import SEED001_ABLATION, comparison_table, run_metrics

MODE_ORDER = ["qkd", "pqc", "hybrid", "adaptive"]
VARIANT_ORDER = ["full", "no QKD", "no Q-IDS", "no hybrid stack"]
SHOWN = ["pdr", "latency_ms", "throughput_kbps", "device_energy_mJ", "crypto_ms_per_reading", "handshake_bytes_per_device",
         "device_security_level", "below_theorem1_bound", "key_bits_used", "mode_switches", "runs"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+", help="result files or folders (SecurityModes and/or Ablation runs)")
    ap.add_argument("-o", "--output", default="security", help="prefix of the output files")
    args = ap.parse_args(argv)
    runs = run_metrics(args.results)
    modes = runs[runs.config == "SecurityModes"]
    ablation = runs[runs.config == "Ablation"]
    tampering = runs[runs.config == "Tampering"]
    if modes.empty and ablation.empty and tampering.empty:
        print("no SecurityModes, Ablation or Tampering runs in the given results", file=sys.stderr)
        return 1
    tables = {}
    if len(modes):
        t = comparison_table(modes, "mode")
        tables["modes"] = t.loc[[m for m in MODE_ORDER if m in t.index]]
        print("session modes (no attack):")
        print(tables["modes"][SHOWN].round(3).T.to_string())
        tables["modes"].to_csv(f"{args.output}_modes.csv")
    if len(ablation):
        t = comparison_table(ablation, "variant")
        tables["ablation"] = t.loc[[v for v in VARIANT_ORDER if v in t.index]]
        print("\nablation (gateway 0's link attacked from 20 s to 40 s):")
        print(tables["ablation"][SHOWN + ["adr", "false_alarms"]].round(3).T.to_string())
        print("\nseed 001 as reported (Section 4.5; not computed by qcity):")
        print(SEED001_ABLATION.to_string(index=False))
        tables["ablation"].to_csv(f"{args.output}_ablation.csv")
    if len(tampering):
        t = comparison_table(tampering, "secure_devices").rename(index={"false": "no device security",
                                                                        "true": "device security"})
        print("\ntampering (ten compromised relays modify half the readings they relay):")
        print(t[["readings_modified", "modified_rejected", "modified_delivered", "pdr", "latency_ms", "runs"]]
              .round(3).T.to_string())
        t.to_csv(f"{args.output}_tampering.csv")
    if not tables:
        return 0
    try:
        plt = offscreen_pyplot()
    except ImportError as e:
        print(f"{e}: no figure")
        return 0
    metrics = [("latency_ms", "end-to-end latency (ms)"), ("device_energy_mJ", "device energy (mJ)"),
               ("device_security_level", "device session security level")]
    fig, axes = plt.subplots(len(tables), 3, figsize=(13, 3.6 * len(tables)), squeeze=False)
    for row, (name, table) in zip(axes, tables.items()):
        for ax, (col, label) in zip(row, metrics):
            std = table.get(f"{col}_std")
            ax.bar(table.index, table[col], yerr=None if std is None else std.fillna(0), capsize=4)
            ax.set_ylabel(label)
            ax.set_title(name, fontsize=9)
            ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(f"{args.output}_modes.png", dpi=150)
    print(f"figure: {args.output}_modes.png")
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main))
