"""Trust-aware backbone routing (seed 000) from result files: one row per run, then mean and
spread per policy (the trust_routing scenario's configs, or the smart city's ``policy``)."""

from __future__ import annotations

import pandas as pd

from .. import results

POLICIES = ["Standard", "TrustThreshold", "QLearning", "least_loaded", "trust_threshold", "qlearning"]


def run_metrics(files) -> pd.DataFrame:
    """One row per run: its policy (the config, or the smart city's `policy` iteration variable;
    "Training" for any training config), seed set and the backbone's totals and ratios."""
    raw = results.read_result_files(files)
    sc = results.get_scalars(raw)
    attrs = results.get_runattrs(raw).pivot(index="runID", columns="name", values="value")
    iv = results.get_itervars(raw)
    itervars = iv.pivot(index="runID", columns="name", values="value") if len(iv) else pd.DataFrame()
    rows = []
    for run_id, run in sc.groupby("runID"):
        sums = run.groupby("name").value.sum()
        sent, received = float(sums.get("sentPk:count", 0.0)), float(sums.get("rxPk:count", 0.0))
        decisions = float(sums.get("chosenCompromised:count", 0.0))
        delay = run[run.name == "endToEndDelay:mean"].value.dropna()
        trust = run[run.name == "chosenTrust:mean"].value.dropna()
        config = attrs.loc[run_id, "configname"]
        policy = itervars.loc[run_id].get("policy") if run_id in itervars.index else None
        rows.append({
            "config": "Training" if config.endswith("Training") else policy if isinstance(policy, str) else config,
            "seedset": int(attrs.loc[run_id, "seedset"]),
            "pdr": received / sent if sent else float("nan"),
            "delay_ms": float(delay.iloc[0]) * 1e3 if len(delay) else float("nan"),
            "drop_attack": float(sums.get("dropAttack:count", 0.0)), "drop_policy": float(sums.get("dropByPolicy:count", 0.0)),
            "drop_delay_limit": float(sums.get("dropDelayLimit:count", 0.0)),
            "delays_per_message": float(sums.get("delayed:count", 0.0)) / sent if sent else float("nan"),
            "to_compromised": float(sums.get("chosenCompromised:sum", 0.0)) / decisions if decisions else float("nan"),
            "chosen_trust": float(trust.mean()) if len(trust) else float("nan"),
            "compromised": int((run[run.name == "compromised"].value > 0).sum()),
        })
    return pd.DataFrame(rows)


def comparison_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation per config over its runs."""
    cols = ["pdr", "delay_ms", "drop_attack", "drop_policy", "drop_delay_limit", "delays_per_message",
            "to_compromised", "chosen_trust"]
    g = runs[runs.config != "Training"].groupby("config")
    table = g[cols].mean().join(g[cols].std().add_suffix("_std")).assign(runs=g.size())
    order = [p for p in POLICIES if p in table.index] + [p for p in table.index if p not in POLICIES]
    return table.loc[order]
