"""Are synthetic flow records good enough to train on? Train on synthetic, test on real (TSTR).

    cd omnetpp_models/scenarios/smartcity
    qcity sweep omnetpp.ini -c FlowLogs -j 2 --result-dir results/flowlogs
    python ../../../analysis/synthetic_fidelity.py flowlogs

The flow logs of the training seed sets (100-103), under Bot-IoT's column names, fit a
:mod:`qcity.ids.data.synthetic` model, which draws ``--scale`` times as many rows. A random forest
is trained once on the real training records and once on the synthetic ones, on Bot-IoT's
flow statistics (its "10 best features" without addresses and sequence numbers, plus the
protocol and whether the port is a service's), and both are judged on the real records of
the held-out seed sets (0-2). The closer the two rows, the more the synthetic records hold
of what a detector needs. Writes <prefix>_tstr.csv.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

from qcity.cli import run_script
from qcity.ids.data import synthetic
from qcity.ids.data.datasets import DatasetError
from qcity.ids.evaluate import detection_metrics
from qcity.ids.flow.records import PROTOCOLS, SERVICE_PORTS, to_bot_iot
from qcity.ids.flow.training import KINDS, TEST_LOGS, TRAIN_LOGS, read_split

STATISTICS = ["stddev", "N_IN_Conn_P_SrcIP", "min", "mean", "N_IN_Conn_P_DstIP", "drate", "srate", "max"]


def features(bot: pd.DataFrame) -> np.ndarray:
    """What a detector sees of a Bot-IoT-columned record: its flow statistics, protocol and service port."""
    cols = [bot[c].to_numpy(float) for c in STATISTICS]
    cols += [(bot["proto"] == p).to_numpy(float) for p in PROTOCOLS]
    cols.append(bot["dport"].astype(int).isin(SERVICE_PORTS).to_numpy(float))
    return np.column_stack(cols)


def compare(train: pd.DataFrame, test: pd.DataFrame, scale: float = 10.0, seed: int = 0) -> pd.DataFrame:
    """Detection metrics on ``test`` of a random forest trained on ``train`` and on synthetic rows fitted to it."""
    from sklearn.ensemble import RandomForestClassifier

    model = synthetic.bot_iot_model(train)
    drawn = synthetic.bot_iot_frame(model, max(1, round(scale * len(train))), seed=seed)
    truth = test["attack"].to_numpy(int)
    rows = []
    for name, records in (("real", train), (f"synthetic x{scale:g}", drawn)):
        clf = RandomForestClassifier(n_estimators=200, random_state=seed, class_weight="balanced", n_jobs=1)
        clf.fit(features(records), records["attack"].to_numpy(int))
        alerts = clf.predict(features(test)).astype(bool)
        row = {"trained_on": name, "records": len(records), **detection_metrics(truth, alerts)}
        for kind in KINDS:
            mask = (test["category"] == kind).to_numpy()
            if mask.any():
                row[f"adr_{kind}"] = alerts[mask].mean()
        rows.append(row)
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("logs", help="folder of FlowTap logs (FlowLogs writes flowlogs/)")
    ap.add_argument("--train", default=TRAIN_LOGS, help="logs to fit on (default: %(default)s)")
    ap.add_argument("--test", default=TEST_LOGS, help="logs to judge on (default: %(default)s)")
    ap.add_argument("--scale", type=float, default=10.0, help="synthetic rows per real training row (default 10)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-o", "--output", default="synthetic", help="prefix of the output file")
    args = ap.parse_args(argv)
    try:
        parts = [to_bot_iot(frame) for frame in read_split(args.logs, args.train, args.test)]
    except DatasetError as e:
        print(e, file=sys.stderr)
        return 1
    table = compare(parts[0], parts[1], args.scale, args.seed)
    pd.set_option("display.width", 200)
    print(f"random forest judged on {len(parts[1])} held-out records ({int(parts[1].attack.sum())} attack)")
    print(table.round(4).to_string(index=False))
    table.to_csv(f"{args.output}_tstr.csv", index=False)
    print(f"wrote {args.output}_tstr.csv")
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main))
