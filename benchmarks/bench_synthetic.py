"""Synthetic IDS records: qcity.ids.data.synthetic beside the copulas package's GaussianMultivariate, same run.

    pip install '.[bench]'
    python benchmarks/bench_synthetic.py [--rows 1000000] [--copulas-rows 10000]

Both are fitted on the numeric columns of the Bot-IoT sample in the shared data folder (or,
without it, on Bot-IoT-named records drawn here with the same kinds of columns), per category,
and asked for new rows. Reported: fit and draw time, rows/s, and how faithful the rows are to
the sample: the mean two-sample Kolmogorov-Smirnov statistic over the columns, the share of
values outside the range the sample shows, of non-integers in integer columns (ports, counts,
states), and of rows breaking min <= mean <= max. Writing and reloading the 10^6 qcity rows
through the Bot-IoT loader is timed too.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from qcity.ids.data import synthetic
from qcity.ids.data.datasets import load_bot_iot

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "bot_iot_sample.tsv"
NUMERIC = synthetic.BOT_IOT_NUMERIC


def _stand_in(n: int = 1000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lo = rng.exponential(1, n)
    f = pd.DataFrame({"category": rng.choice(["DDoS", "DoS", "Reconnaissance"], n, p=[0.55, 0.43, 0.02]),
                      "seq": rng.integers(1, 260000, n), "stddev": rng.exponential(0.5, n).round(6),
                      "N_IN_Conn_P_SrcIP": rng.integers(1, 101, n), "min": lo.round(6), "state_number": rng.integers(1, 8, n),
                      "mean": (lo + rng.exponential(0.5, n)).round(6), "N_IN_Conn_P_DstIP": rng.integers(1, 101, n),
                      "drate": rng.exponential(0.1, n).round(6), "srate": rng.exponential(1, n).round(6)})
    f["max"] = (f["mean"] + rng.exponential(0.5, n)).round(6)
    for c, v in (("proto", "udp"), ("saddr", "192.0.2.1"), ("sport", "1"), ("daddr", "192.0.2.2"), ("dport", "80"),
                 ("subcategory", "UDP"), ("attack", "1")):
        f[c] = v
    return f


def fidelity(source: pd.DataFrame, drawn: pd.DataFrame) -> dict[str, float]:
    ks, outside, fractional = [], [], []
    for c in NUMERIC:
        a, b = source[c].to_numpy(float), drawn[c].to_numpy(float)
        ks.append(stats.ks_2samp(a, b).statistic)
        outside.append(np.mean((b < a.min()) | (b > a.max()) | ~np.isfinite(b)))
        if np.all(a == np.round(a)):
            fractional.append(np.mean(b != np.round(b)))
    order = np.mean(~((drawn["min"] <= drawn["mean"]) & (drawn["mean"] <= drawn["max"])))
    return {"ks": float(np.mean(ks)), "outside": float(np.mean(outside)), "non_integer": float(np.mean(fractional)),
            "order_broken": float(order)}


def bench_qcity(source: pd.DataFrame, rows: int) -> dict:
    t0 = time.perf_counter()
    model = synthetic.bot_iot_model(source)
    t1 = time.perf_counter()
    drawn = synthetic.bot_iot_frame(model, rows, seed=1)
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        path = synthetic.write_bot_iot(drawn, Path(d) / "bot.tsv")
        t3 = time.perf_counter()
        loaded = load_bot_iot(path)
        t4 = time.perf_counter()
    assert loaded.issues.empty
    return {"tool": "qcity.ids.data.synthetic", "rows": rows, "fit_s": t1 - t0, "draw_s": t2 - t1, "rows_per_s": rows / (t2 - t1),
            "write_s": t3 - t2, "load_s": t4 - t3, **fidelity(source, drawn)}


def bench_copulas(source: pd.DataFrame, rows: int) -> dict:
    from copulas import __version__
    from copulas.multivariate import GaussianMultivariate

    parts, fit_s, draw_s = [], 0.0, 0.0
    shares = source["category"].value_counts(normalize=True)
    for category, share in shares.items():
        x = source.loc[source.category == category, NUMERIC].astype(float)
        t0 = time.perf_counter()
        model = GaussianMultivariate()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its univariate fits warn on constant and few-valued columns
            model.fit(x)
            t1 = time.perf_counter()
            parts.append(model.sample(max(1, round(rows * share))))
        t2 = time.perf_counter()
        fit_s += t1 - t0
        draw_s += t2 - t1
    drawn = pd.concat(parts, ignore_index=True)
    return {"tool": f"copulas {__version__} GaussianMultivariate", "rows": len(drawn), "fit_s": fit_s, "draw_s": draw_s,
            "rows_per_s": len(drawn) / draw_s, "write_s": np.nan, "load_s": np.nan, **fidelity(source, drawn)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows qcity draws (default %(default)s)")
    ap.add_argument("--copulas-rows", type=int, default=10_000, help="rows copulas draws (default %(default)s)")
    args = ap.parse_args()
    if SAMPLE.exists():
        source, origin = load_bot_iot(SAMPLE).valid(), f"{SAMPLE.name} ({len(load_bot_iot(SAMPLE).valid())} rows)"
    else:
        source, origin = _stand_in(), "stand-in records (shared data folder not found)"
    print(f"fitted on {origin}")
    table = [bench_qcity(source, args.copulas_rows), bench_qcity(source, args.rows)]
    try:
        table.append(bench_copulas(source, args.copulas_rows))
    except ImportError:
        print("copulas is not installed (pip install '.[bench]'): qcity only")
    pd.set_option("display.width", 200)
    print(pd.DataFrame(table).round(4).to_string(index=False))


if __name__ == "__main__":
    main()
