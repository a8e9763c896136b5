"""Intrusion detection in the smart-city scenario: seed 001's ADR comparison (its Fig. 3) and ablation heatmap (its Fig. 7).

    cd omnetpp_models/scenarios/smartcity
    qcity sweep omnetpp.ini -c IdsComparison -j 2 --result-dir results/ids
    python ../../../analysis/intrusion_detection.py results/ids -o ids

Reads the IdsComparison runs (QESIF, its four baselines as qcity configures them, three
ablations; the attacks of the Intrusions config) and prints, per variant, with Student-t
95 % intervals over repetitions: the flow IDS's ADR (flow-weighted and per attack averaged),
FPR, precision, F1 and detection delay, the Q-IDS's detection of the tapped links and its
false alerts, and latency, throughput and device energy; then ADR per attack kind and, for
QESIF, per QKD channel class; and the control centre's identity check against spoofing. Seed 001's published ADRs are printed beside ours as labelled
references: they are per dataset (TON_IoT, Edge-IIoTset, Bot-IoT), ours per injected attack,
so the two are not the same quantity. Writes <prefix>_variants.csv, <prefix>_kinds.csv,
<prefix>_classes.csv, <prefix>_adr.png (Fig. 3 style) and <prefix>_heatmap.png (Fig. 7 style).
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

from qcity import results
from qcity.cli import run_script
from qcity.reports import papers
from qcity.reports.detection import (
    ci_half_width,
    gateway_rows,
    identity_checks,
    per_kind,
    run_metrics,
    summarise,
)
from qcity.reports.figures import offscreen_pyplot
from qcity.reports.security import run_metrics as security_run_metrics

VARIANT_ORDER = ["QESIF", "QuIDS", "QRHE", "HyQuSec", "QLSN", "noQKD", "noQIDS", "noHybrid"]
KIND_ORDER = ["flood", "scan", "spoof", "botnet", "mitm", "eavesdrop"]
#: Seed 001, Section 4 / Fig. 3, as printed: ADR (%) per dataset, from the registry of the papers' numbers.
#: Reference values only; QRHE, HyQuSec and QLSN are given there as ranges, so only QESIF and QuIDS appear.
SEED001_ADR = papers.seed001_adr()


def _by_variant(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s rows in :func:`_variants_in`'s order of their ``variant``."""
    rank = {v: i for i, v in enumerate(_variants_in(frame.variant))}
    return frame.sort_values("variant", key=lambda s: s.map(rank)).reset_index(drop=True)


def _variants_in(present) -> list[str]:
    """The variants present, seed 001's in VARIANT_ORDER first, others (e.g. the Detectors config's) after them."""
    present = list(dict.fromkeys(present))
    return [v for v in VARIANT_ORDER if v in present] + sorted(v for v in present if v not in VARIANT_ORDER)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+", help="result files or folders of IdsComparison (or Intrusions) runs")
    ap.add_argument("-o", "--output", default="ids", help="prefix of the output files")
    args = ap.parse_args(argv)
    raw = results.read_result_files(args.results)  # once, for every report below
    rows = gateway_rows(raw)
    if rows.empty:
        print("no FlowTap or Q-IDS results in the given files (run the IdsComparison or Intrusions config)", file=sys.stderr)
        return 1
    if "variant" not in rows:
        rows["variant"] = "QESIF"  # Intrusions runs: the full framework
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 40)

    variants = summarise(run_metrics(rows, ["variant"]), ["variant"])
    network = security_run_metrics(raw)
    network["variant"] = network.run.map(rows.groupby("run").variant.first())
    cost = network.groupby("variant")[["latency_ms", "throughput_kbps", "device_energy_mJ"]].mean()
    variants = _by_variant(variants.join(cost, on="variant"))
    shown = ["variant", "runs", "adr", "adr_ci", "adr_macro", "adr_macro_ci", "fpr", "precision", "f1", "delay_s",
             "eavesdrop_adr", "eavesdrop_delay_s", "qids_false_alerts", "latency_ms", "throughput_kbps", "device_energy_mJ"]
    print("Per variant (flow IDS over all gateways; Q-IDS on the tapped links):")
    print(variants[shown].round(3).to_string(index=False))
    print("\nSeed 001's published ADR (%), per dataset (reference, not comparable one to one):")
    print(SEED001_ADR.to_string(index=False))

    kinds = per_kind(rows, ["variant"])
    kind_table = kinds.groupby(["variant", "kind"]).agg(runs=("run", "nunique"), adr=("adr", "mean"), adr_ci=("adr", _ci),
                                                        delay_s=("delay_s", "mean")).reset_index()
    print("\nADR per attack kind:")
    print(kind_table.pivot(index="variant", columns="kind", values="adr").reindex(
        _variants_in(kind_table.variant)).round(3).to_string())

    full = rows[rows.variant == ("QESIF" if "QESIF" in set(rows.variant) else rows.variant.iloc[0])]
    classes = summarise(run_metrics(full, ["link_class"]), ["link_class"])
    class_kinds = per_kind(full, ["link_class"]).groupby(["link_class", "kind"]).adr.mean().unstack()
    print(f"\n{full.variant.iloc[0]} per QKD channel class (gateways grouped by their link):")
    print(classes[["link_class", "runs", "adr", "adr_macro", "fpr", "eavesdrop_adr", "eavesdrop_delay_s",
                   "qids_false_alerts"]].round(3).to_string(index=False))
    print(class_kinds.round(3).to_string())

    identity = identity_checks(raw)
    if "variant" not in identity:
        identity["variant"] = "QESIF"
    identity = identity.groupby("variant")[["spoof_readings", "spoof_flagged", "false_alerts"]].sum()
    print("\nControl centre's identity check (a reading through another gateway than its device's first), summed over runs:")
    print(identity.reindex(_variants_in(identity.index)).to_string())

    variants.to_csv(f"{args.output}_variants.csv", index=False)
    kind_table.to_csv(f"{args.output}_kinds.csv", index=False)
    classes.to_csv(f"{args.output}_classes.csv", index=False)
    _figures(variants, kind_table, args.output)
    return 0


def _ci(values: pd.Series) -> float:
    return ci_half_width(values.dropna().to_numpy(float))


def _figures(variants: pd.DataFrame, kinds: pd.DataFrame, prefix: str) -> None:
    try:
        plt = offscreen_pyplot()
    except ImportError as e:
        print(f"{e}: no figures", file=sys.stderr)
        return
    # Fig. 3 style: ADR per attack (groups) and variant (bars), with 95 % intervals
    present = [k for k in KIND_ORDER if k in set(kinds.kind)]
    names = _variants_in(kinds.variant)
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / max(len(names), 1)
    for i, v in enumerate(names):
        k = kinds[kinds.variant == v].set_index("kind").reindex(present)
        ax.bar(np.arange(len(present)) + i * width, 100 * k.adr, width, yerr=100 * k.adr_ci.fillna(0), label=v, capsize=2)
    ax.set_xticks(np.arange(len(present)) + 0.4 - width / 2, present)
    ax.set_ylabel("attack detection rate (%)")
    ax.set_title("ADR per injected attack (qcity, Intrusions scenario)")
    ax.legend(ncol=4, fontsize=8)
    fig.tight_layout()
    fig.savefig(f"{prefix}_adr.png", dpi=120)
    # Fig. 7 style: variants x metrics, each metric scaled to [0, 1] with 1 the best
    metrics = {"ADR (macro)": ("adr_macro", True), "FPR": ("fpr", False), "latency": ("latency_ms", False),
               "throughput": ("throughput_kbps", True), "energy": ("device_energy_mJ", False)}
    table = variants.set_index("variant")[[c for c, _ in metrics.values()]]
    scaled = pd.DataFrame(index=table.index)
    for label, (col, higher_better) in metrics.items():
        v = table[col].astype(float)
        span = v.max() - v.min()
        if span > 0:
            s = (v - v.min()) / span
            scaled[label] = s if higher_better else 1 - s
        else:
            scaled[label] = 1.0  # every variant alike: all best
    fig, ax = plt.subplots(figsize=(7, 4))
    im = ax.imshow(scaled.to_numpy(float), cmap="viridis", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(scaled.columns)), scaled.columns)
    ax.set_yticks(range(len(scaled.index)), scaled.index)
    for (r, c), value in np.ndenumerate(table.to_numpy(float)):
        ax.text(c, r, f"{value:.3g}", ha="center", va="center", color="k", fontsize=7,
                bbox={"facecolor": "w", "alpha": 0.6, "pad": 1, "edgecolor": "none"})
    fig.colorbar(im, label="scaled, 1 = best")
    ax.set_title("variants, normalised metrics (raw values printed)")
    fig.tight_layout()
    fig.savefig(f"{prefix}_heatmap.png", dpi=120)


if __name__ == "__main__":
    sys.exit(run_script(main))
