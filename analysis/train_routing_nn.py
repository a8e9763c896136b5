"""Trains seed 003's next-hop scoring network on simulated experience.

    qcity sweep omnetpp_models/scenarios/smartcity/omnetpp.ini -c RoutingExperience --result-dir results/experience
    python analysis/train_routing_nn.py results/experience

RoutingExperience runs the multi-hop smart city (50-200 devices) with random next hops
and records every forwarding decision with its outcome. The networks are fitted on the
runs of the first training seed set and checked on the others (held out: other
placements and traffic). The model goes to seed003_nn.npz in the working folder (``-o``
names another file); the ``neural`` and ``neural_energy`` routing hooks load it with
``**.net.routingSettings = "model=<file>"``, and load the model shipped with qcity
(python/qcity/routing/models/seed003_nn.npz, which ``-o`` can overwrite in a source
checkout) otherwise. The evaluation runs (config Routing, seed sets 0 and 1) are never
trained on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qcity.cli import run_script
from qcity.reports.routing import fit_routing_model
from qcity.routing.learned import DEFAULT_MODEL


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+", help=".vec files or folders of the RoutingExperience config")
    ap.add_argument("-o", "--output", default=DEFAULT_MODEL.name, help="model file to write (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the networks' initial weights")
    args = ap.parse_args(argv)
    files = [str(f) for p in map(Path, args.results) for f in (sorted(p.glob("*.vec")) if p.is_dir() else [p])]
    scorer, frame, checks = fit_routing_model(files, seed=args.seed)
    fitted = checks[0]
    held = [c for c in checks if c["part"] == "held out"]
    print(f"{len(frame)} decisions from {frame.runID.nunique()} runs; fitted on seed set {fitted['seed_sets'][0]} "
          f"({fitted['rows']} rows), checked on {held[0]['seed_sets'] if held else []} ({held[0]['rows'] if held else 0} rows)")
    for c in checks:
        print(f"  {c['part']:9s} delivered {c['delivered']:.3f}, delivery AUC {c['auc']:.3f}, "
              f"delay MAE {c['delay_mae_ms']:.1f} ms (median guess: {c['median_guess_mae_ms']:.1f} ms)")
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    scorer.save(args.output)
    print(f"model: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main))
