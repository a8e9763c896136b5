"""The reproduction's catalogue: every step (sweeps of the scenarios' configs, offline computations)
and every artefact of the four papers, with what each reads.

Quick mode (``--quick``) adds settings that cut repetitions and run length; the code paths are
the same, the numbers are not the paper comparison's (the report says which mode made it).
"""

from __future__ import annotations

from . import seed000, seed001, seed002, seed003
from .plan import Artefact, Compute, Sweep

_ONE_REPETITION = "repeat=1"
_QTABLES = '**.router.qTableDir="{work}/qtables"'

STEPS: dict[str, Sweep | Compute] = {s.name: s for s in (
    # seed 001 (and seed 000's fallback, seed 002's encryption cost)
    Sweep("ChannelClasses", "smartcity", "ChannelClasses", quick=(_ONE_REPETITION, "sim-time-limit=42s"), cost=5.5,
          purpose="QESIF, 4 baselines, 3 ablations x clean / noisy / eavesdropped links"),
    Compute("ChannelClasses-summary", seed001.summarise_classes, after=("ChannelClasses",), cost=12,
            purpose="reads the ChannelClasses result files once"),
    Sweep("Load", "smartcity", "Load", quick=("sim-time-limit=20s",), cost=4,
          purpose="the plain city at 100 ms, 1 s and 10 s between readings"),
    Compute("Load-summary", seed001.summarise_load, after=("Load",), cost=2),
    # seed 003: the routing model is trained before the Schemes runs load it
    Sweep("RoutingExperience", "smartcity", "RoutingExperience", quick=("sim-time-limit=15s",), cost=1.5,
          purpose="random next hops with every decision's outcome recorded (training data)"),
    Compute("routing-model", seed003.train_model, after=("RoutingExperience",), cost=6,
            purpose="fits seed 003's next-hop network into the work folder"),
    Sweep("Schemes", "smartcity", "Schemes", after=("routing-model",), cost=3,
          settings=('**.device[*].net.routingSettings="model={work}/' + seed003.MODEL + '"',),
          quick=(_ONE_REPETITION, "sim-time-limit=15s"),
          purpose="CSR, AI-R and the proposed scheme on 50-200 devices"),
    Compute("Schemes-summary", seed003.summarise_schemes, after=("Schemes",), cost=5),
    # seed 000
    Sweep("TrustTraining", "trust_routing", "Training", settings=(_QTABLES,), sequential=True, cost=2.4,
          quick=("sim-time-limit=20s",), purpose="Q-learning episodes, each continuing from the last one's tables"),
    Sweep("TrustStandard", "trust_routing", "Standard", quick=("repeat=2", "sim-time-limit=20s"), cost=0.3),
    Sweep("TrustThreshold", "trust_routing", "TrustThreshold", quick=("repeat=2", "sim-time-limit=20s"), cost=1.5),
    Sweep("TrustQLearning", "trust_routing", "QLearning", settings=(_QTABLES,), after=("TrustTraining",),
          quick=("repeat=2", "sim-time-limit=20s"), cost=1.5, purpose="greedy on the trained tables"),
    Compute("trust-summary", seed000.summarise_trust, after=seed000.TRUST_STEPS, cost=2),
    Sweep("Federated", "smartcity", "Federated", quick=(_ONE_REPETITION,), cost=8,
          purpose="rules, FedAvg, FedAvg + DP, attack-weighted, kind-balanced and personalised FedAvg, local training"),
    Compute("Federated-summary", seed000.summarise_federated, after=("Federated",), cost=4),
    Compute("puf", seed000.compute_puf, cost=10, purpose="Q-PUF error rates, modelling attack, costs"),
    Compute("scheduling", seed000.compute_scheduling, cost=30, purpose="MF-MBO, MBO, GA, PSO, Min-Min, CP-SAT"),
    # seed 002
    Compute("datasets", seed002.compute_datasets, cost=20, uses_data=True,
            purpose="detectors on the public datasets' files (--data)"),
)}

_CLASSES = ("ChannelClasses-summary",)

ARTEFACTS: dict[str, Artefact] = {a.key: a for a in (
    Artefact("000-routing", "000", "RL trust-aware routing against a standard protocol", ("trust-summary",),
             seed000.routing),
    Artefact("000-federated", "000", "Federated anomaly detection over QKD-secured updates", ("Federated-summary",),
             seed000.federated),
    Artefact("000-puf", "000", "Q-PUF authentication: FAR/FRR/EER and cost against RSA", ("puf",), seed000.puf),
    Artefact("000-fallback", "000", "QBER health check with post-quantum fallback", _CLASSES, seed000.fallback),
    Artefact("000-scheduling", "000", "MF-MBO against MBO, GA and PSO (execution time, load balance, energy)",
             ("scheduling",), seed000.scheduling),
    Artefact("001-table2", "001", "Table 2: simulation set-up", _CLASSES + ("Load-summary",), seed001.table2),
    Artefact("001-fig2", "001", "Fig. 2: QBER per channel class", _CLASSES, seed001.fig2),
    Artefact("001-discarded", "001", "Compromised keys discarded (abstract, Section 4.1)", _CLASSES,
             seed001.discarded_keys),
    Artefact("001-fig3", "001", "Fig. 3: attack detection rate, QESIF and baselines", _CLASSES, seed001.fig3),
    Artefact("001-fig4", "001", "Fig. 4: latency per channel class", _CLASSES, seed001.fig4),
    Artefact("001-fig5", "001", "Fig. 5: throughput per channel class", _CLASSES + ("Load-summary",), seed001.fig5),
    Artefact("001-fig6", "001", "Fig. 6: energy per session per channel class", _CLASSES, seed001.fig6),
    Artefact("001-fig7", "001", "Fig. 7: ablation (no QKD, no Q-IDS, no hybrid stack)", _CLASSES, seed001.fig7),
    Artefact("001-theorem1", "001", "Theorem 1: the security-level bound", _CLASSES, seed001.theorem1),
    Artefact("002-detection", "002", "Detection rate and false positives on public datasets", ("datasets",),
             seed002.detection),
    Artefact("002-encryption", "002", "Resources used when encrypting", _CLASSES, seed002.encryption),
    Artefact("003-tables", "003", "Tables 1-4: energy, PDR, latency, throughput against CSR and AI-R",
             ("Schemes-summary", "routing-model"), seed003.tables),
    Artefact("003-claims", "003", "The percentage claims of Sections 4.2-4.5", ("Schemes-summary",), seed003.claims),
    Artefact("003-eq9", "003", "Eq. 9: energy efficiency", ("Schemes-summary",), seed003.eq9),
)}


def select(names: list[str]) -> list[Artefact]:
    """Artefacts named by key or key prefix ("001", "001-fig"); all when no name is given."""
    if not names:
        return list(ARTEFACTS.values())
    chosen: list[Artefact] = []
    for name in names:
        hits = [a for k, a in ARTEFACTS.items() if k == name or k.startswith(name)]
        if not hits:
            raise KeyError(f"no artefact {name!r}; `qcity reproduce --list` names them")
        chosen += [a for a in hits if a not in chosen]
    return chosen
