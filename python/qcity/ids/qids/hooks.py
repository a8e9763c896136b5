"""The Q-IDS hook of the QidsMonitor module (qidsHook): one QuantumIds per module."""

from __future__ import annotations

from .detector import QuantumIds


class QidsHook:
    """Scores each window with QESIF Eq. 3 and adapts the threshold with Eq. 4.

    args: time, qber, keys_dropped, keys_attempted, and on the first call the settings
    qber_ref, weights, eta, alpha, baseline_qber_mean, baseline_qber_std.
    """

    def __init__(self):
        self.ids: QuantumIds | None = None

    def __call__(self, args: dict) -> dict:
        if self.ids is None:
            self.ids = QuantumIds(qber_ref=args["qber_ref"], weights=tuple(args["weights"]), eta=args["eta"],
                                  alpha=args["alpha"], baseline_qber_mean=args["baseline_qber_mean"],
                                  baseline_qber_std=args["baseline_qber_std"])
        return self.ids.update(float(args["time"]), float(args["qber"]), int(args["keys_dropped"]), int(args["keys_attempted"]))
