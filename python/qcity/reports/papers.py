"""Every number the four seed papers report, in one registry, each beside how qcity measures it.

The values here are references to compare against, copied as printed; no model returns
them. Each :class:`Reported` says which paper, where in it (table, figure, section,
abstract), the quantity, its unit and the value (a single value, or a range where the
paper gives "from ... to ..."), plus the scheme and condition it belongs to. Claims the
papers make without a number (seed 000's file is a lay summary, seed 002's an abstract)
are entries too, with ``value`` None and the claim's words in ``claim``.

Each entry names a :class:`Measure` (in :data:`MEASURES`): the qcity config, the
statistics, how they are aggregated and which unit conversion makes them the paper's
quantity. Where the two quantities are not the same (seed 001's ADR is per dataset,
ours per injected attack; its energy is per session, ours per device session from
simulated batteries), the measure says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Paper:
    """A seed paper: its number in the seed folder, a short name and the full citation."""

    seed: str
    name: str
    citation: str
    note: str = ""


PAPERS: dict[str, Paper] = {p.seed: p for p in (
    Paper("000", "QSC-Net + MF-MBO",
          "N. R. Reddy, G. A. Dalton, K. Swathi et al., Secure quantum-resilient smart city communication networks "
          "using QSC-Net with MF-MBO-based energy-aware task scheduling, Sci. Rep. 16, 12534 (2026), "
          "doi:10.1038/s41598-026-41015-2",
          "the seed file is the journal's lay summary; the three MF-MBO percentages are from the published abstract"),
    Paper("001", "QESIF",
          "A. Rehman, O. Alharbi, QESIF: A Lightweight Quantum-Enhanced IoT Security Framework for Smart Cities, "
          "Smart Cities 8, 116 (2025), doi:10.3390/smartcities8040116"),
    Paper("002", "AI + quantum encryption CPS framework",
          "P. Parmar, H. Rangwala, P. Parmar, Cyber Physical Security Framework for Smart Cities Using AI and Quantum "
          "Encryption, J. Crit. Infrastruct. Policy 7(1), e70020 (2026), doi:10.1002/jci3.70020",
          "the seed file holds the abstract only"),
    Paper("003", "AI-assisted energy-efficient QKD IoT",
          "R. Madhubala, P. K. Bolisetty, An Energy-Efficient AI-Assisted Quantum-Secure Communication Framework for "
          "Scalable and Reliable IoT Networks (2026)"),
)}


@dataclass(frozen=True)
class Measure:
    """How qcity measures a quantity a paper reports."""

    config: str       # scenario and config (or the offline computation)
    statistic: str    # the result names read
    aggregation: str  # over modules, runs and repetitions
    conversion: str   # unit conversion and anything that makes it the paper's quantity

    def text(self) -> str:
        """One line: config, statistic, aggregation, conversion."""
        return f"{self.config}; {self.statistic}; {self.aggregation}; {self.conversion}"


_CITY = "smartcity ChannelClasses (8 variants x 3 channel classes x 3 repetitions; Intrusions attacks 20-40 s)"
MEASURES: dict[str, Measure] = {
    "setup": Measure("smartcity ChannelClasses", "the run's parameters and ini entries (.sca header)",
                     "one value per run, the same in every run", "none"),
    "qber": Measure(_CITY, "<gateway>.qkd qber:mean", "mean over the ten gateways' links, then over QESIF runs",
                    "none (a fraction)"),
    "discarded": Measure(_CITY, "<gateway>.qkd aborted:sum / blocks, keys discardedBits", "eavesdropped class, QESIF runs: "
                         "blocks whose key never reached a pool over all blocks", "x 100 for %"),
    "adr": Measure(_CITY, "<gateway>.tap <kind>Flows, <kind>Detected", "detected over injected attack flows, summed over "
                   "gateways, per run; mean over runs and channel classes", "x 100 for %; per injected attack, "
                   "not per dataset (the paper's datasets are not simulated traffic)"),
    "latency": Measure(_CITY, "controlCenter endToEndDelay:mean", "mean over runs per variant and class",
                       "s -> ms"),
    "throughput": Measure(_CITY, "controlCenter throughput:last", "mean over runs per variant and class",
                          "bit/s -> kbit/s"),
    "session_energy": Measure(_CITY, "device[*] consumedEnergy:last, <gateway>.sessions deviceSessions:count",
                              "all devices' energy over all device sessions, per run; mean over runs",
                              "J -> mJ; device energy (radio, CPU, crypto) per device session of 10 s"),
    "theorem1": Measure(_CITY, "<gateway>.sessions belowTheorem1Bound:count, deviceSecurityLevel:mean",
                        "sessions below min(S_classical, S_quantum Q_adapt), summed over gateways and runs",
                        "levels as qcity.crypto.security defines them"),
    "ablation": Measure(_CITY + ", variants QESIF, noQKD, noQIDS, noHybrid",
                        "as for ADR, latency, throughput and energy per session",
                        "mean over the runs of all three channel classes (the Q-IDS matters only on tapped links)",
                        "as for each quantity"),
    "nodes_energy": Measure("smartcity Schemes (CSR, AI-R, proposed x 50-200 devices, multi-hop)",
                            "device[*] consumedEnergy:last", "sum over devices per run, mean over repetitions",
                            "J (30 s runs, 6 s warm-up)"),
    "nodes_pdr": Measure("smartcity Schemes", "device[*].app sentPk:count, controlCenter rxPk:count",
                         "readings received over readings published per run, mean over repetitions", "x 100 for %"),
    "nodes_latency": Measure("smartcity Schemes", "controlCenter endToEndDelay:mean", "mean over repetitions",
                             "s -> ms"),
    "nodes_throughput": Measure("smartcity Schemes", "controlCenter throughput:last", "mean over repetitions",
                                "bit/s -> kbit/s"),
    "nodes_relative": Measure("smartcity Schemes", "as for Tables 1-4", "per repetition and size, the proposed "
                              "scheme against CSR / AI-R (same seed set: paired); range over sizes",
                              "relative difference in %"),
    "energy_efficiency": Measure("smartcity Schemes", "controlCenter rxBytes:sum (or rxPk x reading size), "
                                 "device[*] consumedEnergy:last", "useful bits received over all devices' energy, "
                                 "per run; mean over repetitions", "bit/J"),
    "trust_routing": Measure("trust_routing Standard, TrustThreshold, QLearning (after 20 Training episodes)",
                             "sentPk, rxPk, endToEndDelay:mean, chosenTrust:mean, chosenCompromised",
                             "per run (5 seed sets, common random numbers), mean and 95 % interval",
                             "delivery ratio, ms, trust in [0, 1]"),
    "federated": Measure("smartcity Federated (rules, fedavg, fedavg_dp, fedavg_weighted, fedavg_kinds, fedavg_kinds_dp, "
                         "fedavg_personal, local)",
                         "<gateway>.tap <kind>Flows/<kind>Detected from 60 s, <gateway>.ids eavesdropDetected",
                         "per attack kind, detected over attack flows per run; mean over runs", "share"),
    "puf": Measure("offline: qcity.crypto.puf (100 devices x 20 attempts, arbiter PUF with read noise)",
                   "Hamming distances of genuine and impostor responses", "FAR/FRR over tolerances, EER",
                   "share"),
    "puf_cost": Measure("offline: qcity.crypto.authcost (published Cortex-M cycle counts, CC2420 radio)",
                        "cycles and bytes of one authentication", "per authentication", "mJ, ms"),
    "fallback": Measure(_CITY + ", variant QESIF", "<gateway>.sessions deviceSessions histogram / sessionMode, "
                        "controlCenter rxPk, belowTheorem1Bound", "per class: share of sessions on post-quantum "
                        "keys, delivery ratio, QKD sessions on a link above 11 % QBER", "shares"),
    "scheduling": Measure("offline: qcity.scheduling.compare on a Braun et al. ETC instance (128 tasks x 8 machines, "
                          "inconsistent, high/high heterogeneity), 30 seeds, same budget and start for all",
                          "best schedule's makespan, load-balance index and energy", "mean over seeds; "
                          "improvement = (MBO - MF-MBO) / MBO (LBI: (MF-MBO - MBO) / MBO)", "%"),
    "dataset_detection": Measure("offline: qcity.ids on the public datasets' files (--data)",
                                 "a random forest and logistic regression on each file's features",
                                 "time-block folds (no shuffled rows across blocks), mean over folds",
                                 "x 100 for %"),
    "encryption_cost": Measure(_CITY + ", clean class", "device[*].sec cryptoTime:sum, consumedEnergy:last, "
                               "sentPk:count", "per reading, mean over runs; QESIF against PQC-only (QLSN)",
                               "ms and mJ"),
}


@dataclass(frozen=True)
class Reported:
    """One number (or claim) a paper reports."""

    paper: str                 # seed number: "000" ... "003"
    where: str                 # table, figure, section or abstract
    quantity: str
    unit: str
    value: float | None = None  # the number as printed; None for a range or a claim without a number
    low: float | None = None    # a range "from low to high" (both ends as printed)
    high: float | None = None
    subject: str = ""           # the scheme or variant it belongs to
    condition: str = ""         # channel class, dataset, network size ...
    claim: str = ""             # the paper's words, for claims and ranges
    measure: str = ""           # key of MEASURES

    @property
    def is_range(self) -> bool:
        return self.value is None and self.low is not None

    @property
    def shown(self) -> str:
        """The value as the paper gives it: a number, a range, or the claim."""
        if self.value is not None:
            return f"{self.value:g}"
        if self.is_range:
            return f"{self.low:g}-{self.high:g}"
        return self.claim


def _grid(paper: str, where: str, quantity: str, unit: str, measure: str, conditions: tuple[str, ...],
          rows: dict[str, tuple[float | None, ...]]) -> list[Reported]:
    """Entries of a table: one per (subject, condition) with a value (None cells are left out)."""
    return [Reported(paper, where, quantity, unit, value=v, subject=subject, condition=c, measure=measure)
            for subject, values in rows.items() for c, v in zip(conditions, values) if v is not None]


_CLASSES = ("clean", "noisy", "eavesdropped")
_DATASETS = ("TON_IoT", "Edge-IIoTset", "Bot-IoT")
_SIZES = ("50 nodes", "100 nodes", "150 nodes", "200 nodes")

REPORTED: tuple[Reported, ...] = tuple([
    # ---- seed 001, QESIF --------------------------------------------------------------------
    Reported("001", "Table 2", "IoT devices", "devices", value=100, subject="set-up", measure="setup"),
    Reported("001", "Table 2", "edge gateways (QKD-enabled)", "gateways", value=10, subject="set-up", measure="setup"),
    Reported("001", "Table 2", "mean inter-arrival time of readings (exponential)", "ms", value=100, subject="set-up",
             measure="setup"),
    Reported("001", "Table 2", "IoT protocols", "", subject="set-up", claim="MQTT (publish-subscribe), CoAP "
             "(request-response)", measure="setup"),
    Reported("001", "Table 2", "channel QBER", "%", value=1, subject="set-up", condition="clean", measure="setup"),
    Reported("001", "Table 2", "channel QBER", "%", value=7, subject="set-up", condition="noisy", measure="setup"),
    Reported("001", "Table 2", "channel QBER", "%", value=15, subject="set-up", condition="eavesdropped", measure="setup"),
    Reported("001", "Table 2", "IoT device CPU clock", "MHz", value=32, subject="set-up",
             claim="ARM Cortex-M3 equivalent: 32 MHz CPU, 64 KB RAM", measure="setup"),
    Reported("001", "Table 2", "gateway", "", subject="set-up", claim="quad-core 1.4 GHz CPU, 2 GB RAM (edge computing "
             "node)", measure="setup"),
    Reported("001", "Table 2", "simulation tools", "", subject="set-up", claim="QuISP (QKD), OMNeT++ with INET and "
             "Castalia (IoT stack)", measure="setup"),
    *_grid("001", "Section 4.1 / Fig. 2", "mean QBER", "", "qber", _CLASSES, {"QESIF": (0.0103, 0.0714, 0.1528)}),
    Reported("001", "Section 4.1", "QKD rejection threshold on the QBER", "", value=0.11, subject="QESIF",
             measure="qber"),
    Reported("001", "Abstract; Section 4.1; Section 6", "compromised keys discarded (sessions above the threshold)", "%",
             low=95, high=100, subject="QESIF", condition="eavesdropped",
             claim="discards over 95 % of the compromised keys", measure="discarded"),
    Reported("001", "Section 4.1", "keys accepted on a clean channel", "%", value=100, subject="QESIF",
             condition="clean", claim="allowing all the generated keys to be accepted", measure="discarded"),
    Reported("001", "Section 4.1", "noisy channel within the secure operating range", "", subject="QESIF",
             condition="noisy", claim="the QBER increased moderately to an average of 0.0714 yet still remained within "
             "the secure operational range", measure="qber"),
    *_grid("001", "Abstract; Section 4.1 / Fig. 3", "attack detection rate", "%", "adr", _DATASETS,
           {"QESIF": (98.1, 98.7, 98.3), "QuIDS": (93.5, 94.1, 93.9)}),
    Reported("001", "Section 4.1 / Fig. 3", "attack detection rate", "%", low=92.3, high=92.8, subject="QRHE",
             condition="all three datasets", claim="QRHE showed moderate performance, ranging from 92.3 % to 92.8 %",
             measure="adr"),
    Reported("001", "Section 4.1 / Fig. 3", "attack detection rate", "%", low=89.1, high=91.2, subject="HyQuSec",
             condition="all three datasets", claim="HyQuSec and QLSN recorded lower ADRs between 89.1 % and 91.2 %",
             measure="adr"),
    Reported("001", "Section 4.1 / Fig. 3", "attack detection rate", "%", low=89.1, high=91.2, subject="QLSN",
             condition="all three datasets", claim="HyQuSec and QLSN recorded lower ADRs between 89.1 % and 91.2 %",
             measure="adr"),
    Reported("001", "Abstract", "ADR margin of QESIF over the baselines", "percentage points", low=4, high=9,
             subject="QESIF", claim="outperforming the baselines by 4-9 %", measure="adr"),
    *_grid("001", "Section 4.2 / Fig. 4", "mean latency", "ms", "latency", _CLASSES,
           {"QESIF": (20.3, 28.6, 34.8), "QuIDS": (22.7, 31.4, 38.1), "QRHE": (None, None, 44.2),
            "HyQuSec": (None, None, 47.3), "QLSN": (None, None, 49.6)}),
    Reported("001", "Section 4.2 / Fig. 4", "mean latency", "ms", low=24.1, high=29.2, subject="QRHE", condition="clean",
             claim="QRHE and HyQuSec ranged from 24.1 to 29.2 ms and 26.3 to 31.8 ms under clean conditions",
             measure="latency"),
    Reported("001", "Section 4.2 / Fig. 4", "mean latency", "ms", low=26.3, high=31.8, subject="HyQuSec",
             condition="clean",
             claim="QRHE and HyQuSec ranged from 24.1 to 29.2 ms and 26.3 to 31.8 ms under clean conditions",
             measure="latency"),
    Reported("001", "Section 4.2", "QLSN has the highest latency in every class", "", subject="QLSN",
             claim="QLSN consistently exhibited the highest latency", measure="latency"),
    Reported("001", "Section 4.2", "QESIF has the lowest latency", "", subject="QESIF",
             claim="the QESIF consistently maintained the lowest average latency across all the scenarios",
             measure="latency"),
    Reported("001", "Section 4.3", "QESIF has the highest throughput", "", subject="QESIF",
             claim="the QESIF still led (in every scenario)", measure="throughput"),
    Reported("001", "Section 4.4", "QESIF has the lowest energy per session", "", subject="QESIF", condition="clean",
             claim="under clean channel conditions, the QESIF recorded the lowest average energy usage",
             measure="session_energy"),
    *_grid("001", "Section 4.3 / Fig. 5", "mean throughput", "kbit/s", "throughput", _CLASSES,
           {"QESIF": (868, 784, 725), "QuIDS": (832, 755, 695), "QRHE": (798, 728, 674), "HyQuSec": (762, 705, 648),
            "QLSN": (722, 684, 628)}),
    *_grid("001", "Section 4.4 / Fig. 6", "mean energy per session", "mJ", "session_energy", _CLASSES,
           {"QESIF": (13.4, 15.8, 17.6), "QuIDS": (15.9, 18.7, None), "QRHE": (17.3, 20.1, 22.3),
            "HyQuSec": (18.2, 21.6, 24.0), "QLSN": (19.6, 22.9, 25.7)}),
    *_grid("001", "Section 4.5 / Fig. 7", "attack detection rate", "%", "ablation", ("ablation",),
           {"QESIF": (98.7,), "noQKD": (94.1,), "noQIDS": (88.4,)}),
    *_grid("001", "Section 4.5 / Fig. 7", "mean latency", "ms", "ablation", ("ablation",),
           {"QESIF": (20.3,), "noQKD": (19.8,), "noHybrid": (27.6,)}),
    *_grid("001", "Section 4.5 / Fig. 7", "mean throughput", "kbit/s", "ablation", ("ablation",), {"QESIF": (868,)}),
    *_grid("001", "Section 4.5 / Fig. 7", "mean energy per session", "mJ", "ablation", ("ablation",),
           {"QESIF": (13.4,), "noHybrid": (16.8,)}),
    Reported("001", "Section 3.4, Theorem 1", "security level bound", "", subject="QESIF",
             claim="S_QESIF(t) >= min(S_classical, S_quantum Q_adapt(t)) for all t and devices", measure="theorem1"),
    Reported("001", "Section 3.4, Theorem 1", "security level as QBER -> 0 in quantum mode", "", value=1,
             subject="QESIF", claim="if Q_adapt(t) = 1 and QBER(t) -> 0, then S_QESIF(t) -> 1", measure="theorem1"),
    # ---- seed 003, AI-assisted energy-efficient QKD IoT ---------------------------------------
    Reported("003", "Section 4.1", "deployment area", "m x m", value=500, subject="set-up", claim="500 m x 500 m",
             measure="setup"),
    Reported("003", "Section 4.1", "initial node energy", "J", value=2, subject="set-up", measure="setup"),
    *_grid("003", "Table 1", "total energy consumption", "J", "nodes_energy", _SIZES,
           {"proposed": (0.8, 1.2, 1.6, 2.0), "CSR": (1.1, 1.6, 2.1, 2.7), "AI-R": (0.95, 1.4, 1.9, 2.3)}),
    *_grid("003", "Table 2", "packet delivery ratio", "%", "nodes_pdr", _SIZES,
           {"proposed": (97, 96, 95, 94), "CSR": (88, 87, 86, 85), "AI-R": (92, 91, 90, 89)}),
    *_grid("003", "Table 3", "latency", "ms", "nodes_latency", _SIZES,
           {"proposed": (45, 60, 75, 90), "CSR": (60, 80, 100, 120), "AI-R": (52, 70, 88, 105)}),
    *_grid("003", "Table 4", "throughput", "kbit/s", "nodes_throughput", _SIZES,
           {"proposed": (180, 220, 260, 300), "CSR": (140, 180, 210, 240), "AI-R": (160, 200, 230, 260)}),
    Reported("003", "Section 4.2", "energy reduction of the proposed scheme", "%", low=25, high=30, subject="vs CSR",
             claim="approximately 25-30 % compared with conventional secure routing", measure="nodes_relative"),
    Reported("003", "Section 4.2", "energy reduction of the proposed scheme", "%", low=15, high=20, subject="vs AI-R",
             claim="approximately 15-20 % for AI-powered routing without quantum key management",
             measure="nodes_relative"),
    Reported("003", "Section 4.3", "packet delivery ratio", "%", low=94, high=97, subject="proposed",
             claim="the PDR for the proposed framework lies between 94-97 %", measure="nodes_pdr"),
    Reported("003", "Section 4.3", "packet delivery ratio", "%", low=85, high=88, subject="CSR",
             claim="CSR at approximately 85-88 %", measure="nodes_pdr"),
    Reported("003", "Section 4.3", "packet delivery ratio", "%", low=90, high=92, subject="AI-R",
             claim="AI-R at 90-92 %", measure="nodes_pdr"),
    Reported("003", "Section 4.4", "latency reduction of the proposed scheme", "%", low=20, high=25, subject="vs CSR",
             claim="eliminates 20-25 % of the overall latency for conventional secure routing",
             measure="nodes_relative"),
    Reported("003", "Section 4.4", "latency reduction of the proposed scheme", "%", low=10, high=15, subject="vs AI-R",
             claim="10-15 % of overall latency for AI-based routing methodologies", measure="nodes_relative"),
    Reported("003", "Section 4.5", "throughput gain of the proposed scheme", "%", low=18, high=22, subject="vs CSR",
             claim="an improvement of 18-22 % in terms of throughput compared to conventional systems",
             measure="nodes_relative"),
    Reported("003", "Section 4.5", "throughput gain of the proposed scheme", "%", low=10, high=12, subject="vs AI-R",
             claim="10-12 % compared to AI systems", measure="nodes_relative"),
    Reported("003", "Section 3.8, Eq. 9", "energy efficiency (useful data / total energy)", "bit/J", subject="proposed",
             claim="defined, no value reported", measure="energy_efficiency"),
    # ---- seed 000, QSC-Net + MF-MBO ---------------------------------------------------------
    Reported("000", "Abstract (published)", "MF-MBO improvement in task execution time over standard MBO", "%",
             value=17.4, subject="MF-MBO vs MBO", measure="scheduling"),
    Reported("000", "Abstract (published)", "MF-MBO improvement in load-balancing efficiency over standard MBO", "%",
             value=22.8, subject="MF-MBO vs MBO", measure="scheduling"),
    Reported("000", "Abstract (published)", "MF-MBO improvement in energy consumption over standard MBO", "%",
             value=15.6, subject="MF-MBO vs MBO", measure="scheduling"),
    Reported("000", "Lay summary", "MF-MBO against GA, PSO and MBO", "", subject="MF-MBO vs GA, PSO, MBO",
             claim="shortens completion times, improves load balance, and cuts energy consumption compared with "
             "standard genetic, swarm, and butterfly-based methods", measure="scheduling"),
    Reported("000", "Lay summary", "RL trust-aware routing against a standard protocol", "", subject="RL routing",
             claim="delivered more packets, reacted faster to changing conditions, and maintained high trust in "
             "chosen paths", measure="trust_routing"),
    Reported("000", "Lay summary", "federated anomaly detection", "", subject="federated detection",
             claim="can catch a range of threats, from denial-of-service storms to tampering with quantum links",
             measure="federated"),
    Reported("000", "Lay summary", "Q-PUF authentication", "", subject="Q-PUF",
             claim="authenticates legitimate devices accurately, rejects impostors, and remains reliable even when "
             "quantum noise is present", measure="puf"),
    Reported("000", "Lay summary", "Q-PUF against RSA", "", subject="Q-PUF vs RSA",
             claim="outperforming a traditional RSA-based approach", measure="puf_cost"),
    Reported("000", "Lay summary", "QBER health check with post-quantum fallback", "", subject="QSC-Net",
             claim="a health check on the quantum channel decides whether to use quantum keys or to fall back to "
             "post-quantum protection, so messages keep flowing securely even when fiber links are noisy",
             measure="fallback"),
    # ---- seed 002, AI + quantum encryption CPS framework -------------------------------------
    Reported("002", "Abstract", "threat detection rate on public datasets", "%", value=98.7, subject="framework",
             measure="dataset_detection"),
    Reported("002", "Abstract", "false positives", "", subject="framework", claim="low false positives",
             measure="dataset_detection"),
    Reported("002", "Abstract", "resources used when encrypting", "", subject="framework",
             claim="consumed minimum resources when encrypting data", measure="encryption_cost"),
])


def reported(paper: str | None = None, measure: str | None = None, subject: str | None = None,
             condition: str | None = None, quantity: str | None = None) -> list[Reported]:
    """The registry's entries matching every given field."""
    wanted = {"paper": paper, "measure": measure, "subject": subject, "condition": condition, "quantity": quantity}
    return [r for r in REPORTED if all(v is None or getattr(r, k) == v for k, v in wanted.items())]


def one(**fields: str) -> Reported:
    """The single entry matching ``fields`` (LookupError when none or several match)."""
    found = reported(**fields)
    if len(found) != 1:
        raise LookupError(f"{len(found)} registry entries match {fields}")
    return found[0]


def frame() -> pd.DataFrame:
    """The registry as a table: one row per entry, with its measure spelt out."""
    rows = []
    for r in REPORTED:
        m = MEASURES[r.measure]
        rows.append({"paper": r.paper, "where": r.where, "quantity": r.quantity, "unit": r.unit, "subject": r.subject,
                     "condition": r.condition, "value": r.value, "low": r.low, "high": r.high, "claim": r.claim,
                     "qcity_config": m.config, "qcity_statistic": m.statistic, "qcity_aggregation": m.aggregation,
                     "qcity_conversion": m.conversion})
    return pd.DataFrame(rows)


def seed003_tables() -> pd.DataFrame:
    """Seed 003's Tables 1-4 side by side: numDevices, scheme, energy_J, pdr_percent, latency_ms, throughput_kbps."""
    columns = {"nodes_energy": "energy_J", "nodes_pdr": "pdr_percent", "nodes_latency": "latency_ms",
               "nodes_throughput": "throughput_kbps"}
    rows = [{"numDevices": int(r.condition.split()[0]), "scheme": r.subject, "column": columns[r.measure],
             "value": r.value} for r in REPORTED
            if r.paper == "003" and r.measure in columns and r.value is not None and r.condition]
    table = pd.DataFrame(rows).pivot_table(index=["numDevices", "scheme"], columns="column", values="value", sort=False)
    table.columns.name = None
    return table.reset_index()[["numDevices", "scheme", *columns.values()]]


#: seed 001's ablation variants as qcity's IdsComparison names them -> as the paper names them
ABLATION_NAMES = {"QESIF": "full", "noQKD": "no QKD", "noQIDS": "no Q-IDS", "noHybrid": "no hybrid stack"}


def seed001_ablation() -> pd.DataFrame:
    """Seed 001's Fig. 7 values: variant, adr_percent, latency_ms, throughput_kbps, energy_mJ (NaN: not given)."""
    columns = {"attack detection rate": "adr_percent", "mean latency": "latency_ms", "mean throughput": "throughput_kbps",
               "mean energy per session": "energy_mJ"}
    table = pd.DataFrame(index=list(ABLATION_NAMES.values()), columns=list(columns.values()), dtype=float)
    for r in reported(paper="001", measure="ablation"):
        table.loc[ABLATION_NAMES[r.subject], columns[r.quantity]] = r.value
    return table.rename_axis("variant").reset_index()


def seed001_adr() -> pd.DataFrame:
    """Seed 001's Fig. 3 ADRs (%) given per dataset: variant, TON_IoT, Edge-IIoTset, Bot-IoT."""
    entries = [r for r in reported(paper="001", measure="adr") if r.value is not None and r.condition in _DATASETS]
    table = pd.DataFrame([{"variant": r.subject, "dataset": r.condition, "value": r.value} for r in entries])
    table = table.pivot_table(index="variant", columns="dataset", values="value", sort=False)[list(_DATASETS)]
    table.columns.name = None
    return table.reset_index()
