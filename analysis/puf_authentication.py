"""Q-PUF device authentication (seed 000) beside RSA-2048 and ML-DSA-44 signatures.

    python analysis/puf_authentication.py -o puf

prints and writes (puf_*.csv, puf_authentication.png):
1. FAR / FRR / EER of Hamming-distance authentication for several read-noise levels and
   response lengths m (genuine: the enrolled device, impostor: another device);
2. modelling attacks: how well logistic regression on observed challenge-response pairs
   predicts the PUF (1 chain and 2-XOR), and whether that model would be accepted;
3. device-side latency and energy of one authentication (published Cortex-M cycle
   counts, see qcity.crypto.authcost) and the verifier's sign/verify time measured here
   with `cryptography`.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

from qcity.cli import run_script
from qcity.crypto.authcost import host_timings
from qcity.crypto.puf import error_rates
from qcity.reports.puf import NOISES, attack_table, cost_table, eer_table


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", default="puf", help="prefix of the output files")
    ap.add_argument("--devices", type=int, default=100)
    ap.add_argument("--attempts", type=int, default=20, help="authentications per device")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    eer, curves = eer_table(args.devices, args.attempts, args.seed)
    print("Hamming-distance authentication (FAR = FRR at the EER tolerance):")
    print(eer.round(4).to_string(index=False))
    attacks = attack_table(args.seed)
    # would the model's answers be accepted? (the EER tolerance of 128 responses at the lowest noise)
    tolerance = float(eer[(eer.noise == NOISES[0]) & (eer.m == 128)].tolerance.iloc[0])
    attacks["accepted"] = 1 - attacks.accuracy <= tolerance
    print("\nmodelling attack (logistic regression on Phi features), share of fresh challenges predicted")
    print(f"(accepted: the model's answers pass authentication at tolerance {tolerance:.3f}):")
    print(attacks.pivot(index="crps", columns="k", values=["accuracy", "accepted"]).round(3).to_string())
    costs = cost_table()
    print("\none authentication on the device (32 MHz Cortex-M3 class, CC2420 radio):")
    print(costs.round(3).to_string(index=False))
    host = pd.DataFrame([{"scheme": k, "sign_ms": s * 1e3, "verify_ms": v * 1e3} for k, (s, v) in host_timings().items()])
    print("\nverifier side, measured on this machine with `cryptography`:")
    print(host.round(4).to_string(index=False))
    eer.to_csv(f"{args.output}_eer.csv", index=False)
    attacks.to_csv(f"{args.output}_attacks.csv", index=False)
    costs.to_csv(f"{args.output}_costs.csv", index=False)

    try:
        from qcity.reports.figures import offscreen_pyplot

        plt = offscreen_pyplot()
    except ImportError as e:
        print(f"{e}: no figure")
        return 0
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    tolerances = np.linspace(0, 0.6, 121)
    for noise, trial in curves.items():
        far, frr = error_rates(trial.genuine, trial.impostor, tolerances)
        line, = axes[0].plot(tolerances, far, label=f"FAR, noise {noise}")
        axes[0].plot(tolerances, frr, ls="--", color=line.get_color(), label=f"FRR, noise {noise}")
    axes[0].set_xlabel("tolerance (fraction of 32 response bits)")
    axes[0].set_ylabel("rate")
    axes[0].legend(fontsize=7)
    for k, g in attacks.groupby("k"):
        axes[1].semilogx(g.crps, g.accuracy, marker="o", label=f"{k}-chain" if k == 1 else f"{k}-XOR")
    axes[1].axhline(0.5, color="grey", lw=0.8)
    axes[1].set_xlabel("observed challenge-response pairs")
    axes[1].set_ylabel("prediction accuracy")
    axes[1].legend()
    axes[2].bar(range(len(costs)), costs.energy_mJ)
    axes[2].set_xticks(range(len(costs)), [s.split(" (")[0] for s in costs.scheme], fontsize=8)
    axes[2].set_yscale("log")
    axes[2].set_ylabel("device energy per authentication (mJ)")
    for ax in axes:
        ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(f"{args.output}_authentication.png", dpi=150)
    print(f"figure: {args.output}_authentication.png")
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main))
