"""Detection metrics from result files: per gateway, then per QKD channel class and per attack over seeds.

FlowTap records, per gateway and attack kind, the attack flows and how many it flagged
(``<kind>Flows``, ``<kind>Detected``, ``<kind>DetectionDelay``) and, for legitimate
flows, ``normalFlows`` and ``falseAlerts``; QidsMonitor records whether its link was
eavesdropped, whether it raised an alert during the attack, the delay, and its false
alerts. A gateway's channel class is its ``linkClass`` parameter.

ADR (attack detection rate) is detected attack flows over attack flows (recall); as scans
make many one-packet flows, ``adr_macro`` (the mean of the per-attack ADRs) weighs each attack
alike. For the quantum attack the unit is the attacked link (detected during the attack or not).
FPR is false alerts over legitimate flows (flow IDS) or over clean-link windows (Q-IDS is
reported as counts). Confidence intervals are Student-t 95 % over runs (seeds).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .. import results
from ..ids.evaluate import rates_from_counts
from .summary import ci_half_width, summarise  # noqa: F401  (re-exported: the reports' callers use them from here)

FLOW_KINDS = ["flood", "scan", "spoof", "botnet", "mitm"]


def _with_itervars(frame: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    itervars = results.get_itervars(raw)
    if itervars.empty:
        return frame
    return frame.join(itervars.pivot(index="runID", columns="name", values="value"), on="run")


def gateway_rows(files: str | os.PathLike | Iterable[str | os.PathLike] | pd.DataFrame) -> pd.DataFrame:
    """One row per (run, gateway, kind): kind is an attack, "normal" or "eavesdrop"; columns
    flows, detected, false_alerts, delay, link_class, plus the run's iteration variables.
    ``files``: result files or folders, or what ``qcity.results.read_result_files`` read from them."""
    raw = results.results_of(files)
    sc = results.get_scalars(raw)
    params = results.get_parameters(raw)
    link_class = {(r.runID, r.module): r.value.strip('"') for r in params[params.name == "linkClass"].itertuples()}
    rows = []
    for (run, module), group in sc.groupby(["runID", "module"]):
        if not module.endswith((".tap", ".ids")):
            continue
        gateway = module.rsplit(".", 1)[0]
        v = dict(zip(group.name, group.value))
        base = {"run": run, "gateway": gateway, "link_class": link_class.get((run, gateway)) or "unlabelled"}
        if module.endswith(".tap"):
            if "normalFlows" not in v:
                continue  # a tap that only logged
            rows.append({**base, "kind": "normal", "flows": v["normalFlows"], "detected": 0.0,
                         "false_alerts": v["falseAlerts"], "delay": np.nan})
            for kind in FLOW_KINDS:
                if f"{kind}Flows" in v:
                    rows.append({**base, "kind": kind, "flows": v[f"{kind}Flows"], "detected": v[f"{kind}Detected"],
                                 "false_alerts": 0.0, "delay": v.get(f"{kind}DetectionDelay", np.nan)})
        elif "eavesdropped" in v:
            rows.append({**base, "kind": "eavesdrop" if v["eavesdropped"] else "quantum_clean",
                         "flows": 1.0 if v["eavesdropped"] else 0.0, "detected": v.get("eavesdropDetected", 0.0),
                         "false_alerts": v["falseAlerts"], "delay": v.get("eavesdropDetectionDelay", np.nan)})
    out = pd.DataFrame(rows, columns=["run", "gateway", "link_class", "kind", "flows", "detected", "false_alerts", "delay"])
    return _with_itervars(out, raw)


def identity_checks(files: str | os.PathLike | Iterable[str | os.PathLike] | pd.DataFrame) -> pd.DataFrame:
    """The control centre's identity check per run (a device's reading through another gateway than
    its first): spoofed readings delivered, how many were flagged, and flagged legitimate ones;
    plus the run's iteration variables."""
    raw = results.results_of(files)
    sc = results.get_scalars(raw)
    sc = sc[sc.name.isin(["spoofReadings", "spoofFlagged", "spoofFalseAlerts"])]
    out = sc.pivot_table(index="runID", columns="name", values="value", aggfunc="sum").reset_index()
    out = out.rename(columns={"runID": "run", "spoofReadings": "spoof_readings", "spoofFlagged": "spoof_flagged",
                              "spoofFalseAlerts": "false_alerts"})
    out.columns.name = None
    return _with_itervars(out, raw)


def federation_costs(files: str | os.PathLike | Iterable[str | os.PathLike] | pd.DataFrame) -> pd.DataFrame:
    """What federated detection cost per run (FedServer and FedClient scalars): rounds done and
    failed, mean round time, bytes sent and QKD key taken (server and clients together),
    messages sealed with ML-KEM, the privacy loss epsilon after the last round, and the
    labelled records per gateway; plus the run's iteration variables. Runs without
    federated detection have no row."""
    raw = results.results_of(files)
    sc = results.get_scalars(raw)
    sc = sc[sc.module.str.endswith((".fedServer", ".fed"))]
    rows = []
    for run, group in sc.groupby("runID"):
        server = group[group.module.str.endswith(".fedServer")].set_index("name").value
        clients = group[group.module.str.endswith(".fed")]
        total = clients.groupby("name").value.sum()
        rows.append({"run": run,
                     "rounds": server.get("fedRoundTime:count", 0.0),
                     "rounds_failed": server.get("fedRoundsFailed:count", 0.0),
                     "round_time_ms": 1000 * server.get("fedRoundTime:mean", np.nan),
                     "kbytes": (server.get("fedSent:sum", 0.0) + total.get("fedSent:sum", 0.0)) / 1000,
                     "messages": server.get("fedSent:count", 0.0) + total.get("fedSent:count", 0.0),
                     "key_kbits": (server.get("fedKeyBits:sum", 0.0) + total.get("fedKeyBits:sum", 0.0)) / 1000,
                     "pqc_sealed": server.get("fedPqcSealed:count", 0.0) + total.get("fedPqcSealed:count", 0.0),
                     "epsilon": server.get("fedEpsilon:last", np.nan),
                     "records_per_gateway": clients[clients.name == "fedTrainingRecords:last"].value.mean()})
    out = pd.DataFrame(rows, columns=["run", "rounds", "rounds_failed", "round_time_ms", "kbytes", "messages", "key_kbits",
                                      "pqc_sealed", "epsilon", "records_per_gateway"])
    return _with_itervars(out, raw)


def run_metrics(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per run and group: ADR, FPR, precision, F1 of the flow IDS, mean detection delay, and the
    Q-IDS's eavesdropping detection (``eavesdrop_adr``) and false alerts."""
    out = []
    for key, g in rows.groupby(["run", *by], dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        attacks = g[g.kind.isin(FLOW_KINDS)]
        normal = g[g.kind == "normal"]
        quantum = g[g.kind.isin(["eavesdrop", "quantum_clean"])]
        flows = attacks.flows.sum()
        by_kind = attacks.groupby("kind")[["flows", "detected"]].sum()
        by_kind = by_kind[by_kind.flows > 0]
        eaves = quantum[quantum.kind == "eavesdrop"]
        out.append({
            **dict(zip(["run", *by], key)),
            "attack_flows": flows,
            **rates_from_counts(attacks.detected.sum(), normal.false_alerts.sum(), flows, normal.flows.sum()),
            "adr_macro": float((by_kind.detected / by_kind.flows).mean()) if len(by_kind) else np.nan,
            "delay_s": attacks.delay.mean(),
            "eavesdrop_adr": eaves.detected.mean() if len(eaves) else np.nan,
            "eavesdrop_delay_s": eaves.delay.mean() if len(eaves) else np.nan,
            "qids_false_alerts": quantum.false_alerts.sum(),
        })
    return pd.DataFrame(out)


def per_kind(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """ADR per attack kind (the flow attacks and "eavesdrop") and mean detection delay, per run and group."""
    attacks = rows[rows.kind.isin([*FLOW_KINDS, "eavesdrop"])]
    g = attacks.groupby(["run", *by, "kind"], dropna=False).agg(flows=("flows", "sum"), detected=("detected", "sum"),
                                                                delay_s=("delay", "mean")).reset_index()
    g = g[g.flows > 0]
    return g.assign(adr=g.detected / g.flows)
