"""Federated flow detection in the smart-city scenario (seed 000's federated anomaly detection).

    cd omnetpp_models/scenarios/smartcity
    qcity sweep omnetpp.ini -c Federated -j 2 --result-dir results/federated
    python ../../../analysis/federated_detection.py results/federated -o federated

Reads the Federated runs (rules without training; FedAvg with secure aggregation, without
and with differential-privacy noise, and averaged by attack records; each gateway training
alone) and prints per variant,
with Student-t 95 % intervals over repetitions: the flow IDS's ADR (flow-weighted and per
attack averaged), FPR, precision, F1 and delay on the scored attacks (from 60 s), ADR per
attack kind, and what federation cost: rounds, round time, bytes and QKD key on the
backhaul, messages sealed with ML-KEM because a gateway's key pool was empty, and epsilon.
Writes <prefix>_variants.csv, <prefix>_kinds.csv, <prefix>_costs.csv and <prefix>_kinds.png.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from qcity import results
from qcity.cli import run_script
from qcity.reports.detection import federation_costs, gateway_rows, per_kind, run_metrics, summarise
from qcity.reports.figures import adr_bars

VARIANT_ORDER = ["rules", "fedavg", "fedavg_dp", "fedavg_weighted", "fedavg_kinds", "fedavg_kinds_dp", "fedavg_personal", "local"]
KIND_ORDER = ["flood", "scan", "spoof", "botnet", "mitm"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+", help="result files or folders of Federated runs")
    ap.add_argument("-o", "--output", default="federated", help="prefix of the output files")
    args = ap.parse_args(argv)
    raw = results.read_result_files(args.results)
    rows = gateway_rows(raw)
    if rows.empty or "variant" not in rows:
        print("no Federated results in the given files (run the Federated config)", file=sys.stderr)
        return 1
    rows = rows[rows.kind != "eavesdrop"]  # the Q-IDS is the same in every variant; this is about the flow IDS
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 40)
    rank = {v: i for i, v in enumerate(VARIANT_ORDER)}

    variants = summarise(run_metrics(rows, ["variant"]), ["variant"]).sort_values("variant", key=lambda s: s.map(rank))
    shown = ["variant", "runs", "attack_flows", "adr", "adr_ci", "adr_macro", "adr_macro_ci", "fpr", "fpr_ci", "f1", "delay_s"]
    print("Flow IDS on the attacks of 70-90 s (windows from 60 s), per variant (mean and 95 % CI half-width over runs)")
    print(variants[shown].round(4).to_string(index=False))

    kinds = per_kind(rows, ["variant"])
    kinds = kinds[kinds.kind.isin(KIND_ORDER)]
    table = kinds.groupby(["variant", "kind"]).adr.mean().unstack().reindex(index=[v for v in VARIANT_ORDER if v in set(kinds.variant)],
                                                                          columns=[k for k in KIND_ORDER if k in set(kinds.kind)])
    print("\nADR per attack kind (mean over runs)")
    print(table.round(3).to_string())

    costs = federation_costs(raw)
    cost_table = pd.DataFrame()
    if not costs.empty:
        cost_table = costs.groupby("variant").mean(numeric_only=True).reindex([v for v in VARIANT_ORDER if v in set(costs.variant)])
        print("\nWhat federation cost per run (server and all clients; key: QKD key bits taken for sealing)")
        print(cost_table.round(3).to_string())

    variants.to_csv(f"{args.output}_variants.csv", index=False)
    table.to_csv(f"{args.output}_kinds.csv")
    cost_table.to_csv(f"{args.output}_costs.csv")
    try:
        adr_bars(table, "Flow IDS per attack kind: rules, federated and local training", "variant",
                 f"{args.output}_kinds.png")
    except ImportError:
        print("\nmatplotlib is not installed: no figures", file=sys.stderr)
        return 0
    print(f"\nwrote {args.output}_variants.csv, {args.output}_kinds.csv, {args.output}_costs.csv, {args.output}_kinds.png")
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main))
