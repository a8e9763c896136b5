"""flowIdsHook detectors for the FlowTap module: one call per gateway window, one alert per flow record.

Each hook is a class (one instance per FlowTap). A call gets::

    {"time": s, "gateway": index, "window": s, "quantum_alert": bool,
     "settings": "key=value ...", "flows": {column: [one value per flow]}}

and returns ``{"alerts": [bool per flow]}``. ``quantum_alert`` is the gateway's Q-IDS
evidence (an alert within FlowTap.quantumMemory); with ``fusion=1`` (the default) a
detector lowers its bar while it is set, which is qcity's reading of QESIF's combined
quantum and classical detection. ``fusion=0`` judges flows on classical evidence alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .logistic import LogisticDetector
from .records import FEATURE_NAMES, SERVICE_PORTS, features, records_frame

#: the trained flow detector used when no model= setting names one: trained by analysis/train_flow_detector.py
#: on the smart city's FlowLogs runs of seed sets 100-103
DEFAULT_MODEL = Path(__file__).with_name("models") / "flow_logistic.npz"


def parse_settings(text: str, defaults: dict[str, float | str]) -> dict[str, float | str]:
    """``"key=value key=value"`` over ``defaults``; unknown keys and non-numbers are errors."""
    out = dict(defaults)
    for item in text.split():
        key, sep, value = item.partition("=")
        if not sep or key not in defaults:
            raise ValueError(f"unknown detector setting {item!r}; known: {', '.join(sorted(defaults))}")
        if isinstance(defaults[key], str):
            out[key] = value
        else:
            try:
                out[key] = float(value)
            except ValueError:
                raise ValueError(f"detector setting {key} must be a number, got {value!r}") from None
    return out


class ThresholdDetector:
    """Rules a gateway can run without training data.

    - rate: the flow sends more than ``rate_factor`` times the median rate of the window's
      flows of its protocol and at least ``rate_floor`` packets/s (a flood);
    - ports: a source reaches ``scan_ports`` or more destination ports in a window, or any
      port without a service (``closed_ports=1``) (scans, a bot calling home);
    - identity: a device heard from a second MAC address (spoofing);
    - integrity: a reading failed its integrity check (a modifying relay).
    Quantum evidence (``fusion=1``) multiplies the rate factor by ``quantum_factor``. (Lowering
    the port bar too flags every secure device: session set-up and readings are two ports.)
    """

    DEFAULTS: dict[str, float | str] = {"rate_factor": 5.0, "rate_floor": 5.0, "scan_ports": 3.0, "closed_ports": 1.0,
                                        "fusion": 1.0, "quantum_factor": 0.5}

    def __init__(self) -> None:
        self.settings: dict[str, float | str] | None = None

    def __call__(self, args: dict) -> dict:
        if self.settings is None:
            self.settings = parse_settings(args.get("settings", ""), self.DEFAULTS)
        s = self.settings
        f = records_frame(args["flows"])
        heightened = bool(args.get("quantum_alert")) and s["fusion"] > 0
        factor = s["rate_factor"] * (s["quantum_factor"] if heightened else 1.0)
        srate = f["srate"].to_numpy(float)
        # against flows of the same protocol: session set-up comes in bursts of fragments by design
        typical = f.groupby("proto")["srate"].transform("median").to_numpy(float)
        rate = (srate >= s["rate_floor"]) & (srate > factor * typical)
        ports = f["dports_per_src"].to_numpy(float) >= s["scan_ports"]
        if s["closed_ports"] > 0:
            ports |= ~f["dport"].isin(SERVICE_PORTS + (0,)).to_numpy()
        identity = (f["mac_mismatch"].to_numpy(float) > 0) | (f["macs_per_device"].to_numpy(float) > 1)
        integrity = f["integrity_failures"].to_numpy(float) > 0
        return {"alerts": (rate | ports | identity | integrity).tolist()}


class LearnedDetector:
    """The logistic-regression detector of a model file (``model=path``, default :data:`DEFAULT_MODEL`).

    Alerts where the attack probability reaches the model's threshold (``threshold=`` overrides);
    quantum evidence (``fusion=1``) multiplies the threshold by ``quantum_factor``.
    """

    DEFAULTS: dict[str, float | str] = {"model": "", "threshold": -1.0, "fusion": 1.0, "quantum_factor": 0.5}

    def __init__(self) -> None:
        self.settings: dict[str, float | str] | None = None
        self.model: LogisticDetector | None = None

    def __call__(self, args: dict) -> dict:
        if self.settings is None:
            self.settings = parse_settings(args.get("settings", ""), self.DEFAULTS)
            path = self.settings["model"] or DEFAULT_MODEL
            self.model = LogisticDetector.load(path)
            if len(self.model.weights) != len(FEATURE_NAMES):
                raise ValueError(f"{path}: the model has {len(self.model.weights)} features, the flow records give "
                                 f"{len(FEATURE_NAMES)} (trained on another version's features: train it again)")
        s = self.settings
        threshold = self.model.threshold if s["threshold"] < 0 else s["threshold"]
        if args.get("quantum_alert") and s["fusion"] > 0:
            threshold *= s["quantum_factor"]
        x = features(records_frame(args["flows"]), float(args["window"]))
        return {"alerts": self.model.predict(x, threshold).tolist()}


class NoDetector:
    """Never alerts: a FlowTap with this hook only counts flows, for configurations without a flow IDS."""

    def __call__(self, args: dict) -> dict:
        return {"alerts": [False] * len(args["flows"]["saddr"])}


def federated_start() -> LogisticDetector:
    """The model federated detection starts from: no weights yet, and the feature standardisation
    of the shipped model (:data:`DEFAULT_MODEL`, fitted offline on other seed sets' flows).

    The gateways cannot agree on a standardisation of their own without sharing statistics of
    their data, and unscaled features leave the packet-size feature too weak to learn spoofing
    from; a public standardisation fixed in advance needs neither.
    """
    shipped = LogisticDetector.load(DEFAULT_MODEL)
    return LogisticDetector(shipped.mean.copy(), shipped.scale.copy(), np.zeros(len(shipped.weights)))


class FederatedDetector:
    """Judges flows with the model the gateway's FedClient holds (the global model of the last
    federated round, or its own in ``federation="local"``), which FlowTap passes as ``model``
    (its weights and bias; the standardisation is :func:`federated_start`'s). Before a trained
    model has arrived it never alerts. Settings as :class:`LearnedDetector` (without ``model``)."""

    DEFAULTS: dict[str, float | str] = {"threshold": 0.5, "fusion": 1.0, "quantum_factor": 0.5}

    def __init__(self) -> None:
        self.settings: dict[str, float | str] | None = None
        self.start = federated_start()

    def __call__(self, args: dict) -> dict:
        if self.settings is None:
            self.settings = parse_settings(args.get("settings", ""), self.DEFAULTS)
        params = args.get("model")
        n = len(args["flows"]["saddr"])
        if params is None:
            return {"alerts": [False] * n}
        s = self.settings
        threshold = s["threshold"] * (s["quantum_factor"] if args.get("quantum_alert") and s["fusion"] > 0 else 1.0)
        model = self.start.with_parameters(np.asarray(params, float))
        x = features(records_frame(args["flows"]), float(args["window"]))
        return {"alerts": model.predict(x, threshold).tolist()}
