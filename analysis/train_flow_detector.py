"""Trains the flow detector LearnedDetector loads, and compares it with the rules and scikit-learn.

    cd omnetpp_models/scenarios/smartcity
    qcity sweep omnetpp.ini -c FlowLogs -j 2 --result-dir results/flowlogs   # writes flowlogs/seed<N>-gateway[i].csv
    python ../../../analysis/train_flow_detector.py flowlogs -o flowdetectors

FlowLogs runs the Intrusions scenario (flood, scan, spoof and botnet attackers, tapped QKD
links) and logs every gateway's flow records with their ground truth. The detectors are
trained on the logs of seed sets 100-103 and judged on those of seed sets 0-2, the runs the
Intrusions and Detectors configs score inside the simulation: other device placements,
traffic and attackers. Printed per detector, with Student-t 95 % intervals over the held-out
runs: ADR, FPR, precision, F1 and ADR per attack kind. qcity's logistic model is written to
flow_logistic.npz in the working folder (``--model`` names another file); LearnedDetector loads
it with ``**.tap.detectorSettings = "model=<file>"``, and the model shipped with qcity
(python/qcity/ids/flow/models/flow_logistic.npz, which ``--model`` can overwrite in a source checkout)
otherwise. <prefix>_detectors.csv and <prefix>_detectors.png hold the table and figure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from qcity.cli import run_script
from qcity.ids.data.datasets import DatasetError
from qcity.ids.flow.hooks import DEFAULT_MODEL
from qcity.ids.flow.training import (
    KINDS,
    TEST_LOGS,
    TRAIN_LOGS,
    judge,
    read_split,
    train_detectors,
    window_of,
)
from qcity.reports.detection import summarise
from qcity.reports.figures import adr_bars


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("logs", help="folder of FlowTap logs (FlowLogs writes flowlogs/)")
    ap.add_argument("--train", default=TRAIN_LOGS, help="logs to train on (default: %(default)s)")
    ap.add_argument("--test", default=TEST_LOGS, help="logs to judge on (default: %(default)s)")
    ap.add_argument("--model", default=DEFAULT_MODEL.name,
                    help="where to write qcity's logistic model (default: %(default)s); '' writes none")
    ap.add_argument("--seed", type=int, default=0, help="seed of the scikit-learn detectors")
    ap.add_argument("-o", "--output", default="flowdetectors", help="prefix of the output files")
    args = ap.parse_args(argv)
    try:
        train, test = read_split(args.logs, args.train, args.test)
    except DatasetError as e:
        raise SystemExit(str(e)) from None
    window = window_of(train)
    trained = train_detectors(train, window, seed=args.seed)
    table = summarise(judge(trained, test, window), ["detector"])
    table = table.set_index("detector").loc[list(trained.predictors)].reset_index()

    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 40)
    print(f"trained on {len(train)} flow records ({int(train.label.sum())} attack) from {train.source.nunique()} logs, "
          f"judged on {len(test)} ({int(test.label.sum())} attack) from {test.source.nunique()}; window {window:g} s")
    print("attack flows per kind in the held-out logs: "
          + ", ".join(f"{k} {int((test.attack == k).sum())}" for k in KINDS if (test.attack == k).any()))
    shown = ["detector", "runs", "adr", "adr_ci", "fpr", "fpr_ci", "precision", "f1", "f1_ci"]
    print("\nHeld-out runs (mean and 95 % CI half-width over runs)")
    print(table[shown].round(4).to_string(index=False))
    kinds = [k for k in KINDS if f"adr_{k}" in table and table[f"adr_{k}"].notna().any()]
    per_kind = table.set_index("detector")[[f"adr_{k}" for k in kinds]].rename(columns=lambda c: c[4:])
    print("\nADR per attack kind")
    print(per_kind.round(3).to_string())

    if args.model:
        Path(args.model).parent.mkdir(parents=True, exist_ok=True)
        trained.model.save(args.model)
        print(f"\nmodel: {args.model}")
    table.to_csv(f"{args.output}_detectors.csv", index=False)
    try:
        figure = adr_bars(per_kind, "Flow detectors on held-out runs, per attack kind", "detector",
                          f"{args.output}_detectors.png")
    except ImportError:
        print("matplotlib is not installed: no figure", file=sys.stderr)
        return 0
    print(f"wrote {args.output}_detectors.csv, {figure}")
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main))
