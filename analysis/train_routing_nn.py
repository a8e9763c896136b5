"""Trains seed 003's next-hop scoring network on simulated experience.

    qcity sweep omnetpp_models/scenarios/smartcity/omnetpp.ini -c RoutingExperience --result-dir results/experience
    python analysis/train_routing_nn.py results/experience

RoutingExperience runs the multi-hop smart city (50-200 devices) with random next hops
and records every forwarding decision with its outcome. The networks are fitted on the
runs of the first training seed set and checked on the others (held out: other
placements and traffic); the model file is what the ``neural`` and ``neural_energy``
routing hooks load. The evaluation runs (config Routing, seed sets 0 and 1) are
never trained on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from qcity import results
from qcity.cli import run_script
from qcity.reports.routing import experience_frame
from qcity.routing.learned import DEFAULT_MODEL, FEATURES, train

#: where the hooks' model lives in a source checkout (the installed copy is DEFAULT_MODEL)
_SOURCE_MODEL = Path(__file__).resolve().parents[1] / "python" / "qcity" / "routing" / "models" / DEFAULT_MODEL.name


def _seed_sets(files: list[str]) -> pd.Series:
    """runID -> seed set, from the run attributes."""
    attrs = results.get_runattrs(results.read_result_files(files))
    return attrs[attrs.name == "seedset"].set_index("runID").value.astype(int)


def _auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (probability a delivered row scores above a lost one)."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores)) if 0 < labels.sum() < len(labels) else float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+", help=".vec files or folders of the RoutingExperience config")
    ap.add_argument("-o", "--output", default=str(_SOURCE_MODEL if _SOURCE_MODEL.parent.parent.is_dir() else DEFAULT_MODEL), help="model file to write (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the networks' initial weights")
    args = ap.parse_args(argv)
    files = [str(f) for p in map(Path, args.results) for f in (sorted(p.glob("*.vec")) if p.is_dir() else [p])]
    frame = experience_frame(files)
    seed_sets = _seed_sets([f[:-4] + ".sca" for f in files])
    frame["seedSet"] = frame.runID.map(seed_sets)
    first = frame.seedSet.min()
    fit, held_out = frame[frame.seedSet == first], frame[frame.seedSet != first]
    scorer = train(fit, seed=args.seed)
    print(f"{len(frame)} decisions from {frame.runID.nunique()} runs; "
          f"fitted on seed set {first} ({len(fit)} rows), checked on {[int(s) for s in sorted(held_out.seedSet.unique())]} ({len(held_out)} rows)")
    for name, part in (("fitted", fit), ("held out", held_out)):
        if part.empty:
            continue
        p, d = scorer.predict(part[list(FEATURES)].to_numpy())
        ok = part.delivered.to_numpy() == 1
        mae = float(np.mean(np.abs(d[ok] - part.elapsed.to_numpy()[ok]))) if ok.any() else float("nan")
        base = float(np.mean(np.abs(np.median(part.elapsed[ok]) - part.elapsed.to_numpy()[ok]))) if ok.any() else float("nan")
        print(f"  {name:9s} delivered {part.delivered.mean():.3f}, delivery AUC {_auc(part.delivered.to_numpy(), p):.3f}, "
              f"delay MAE {mae * 1e3:.1f} ms (median guess: {base * 1e3:.1f} ms)")
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    scorer.save(args.output)
    print(f"model: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main))
