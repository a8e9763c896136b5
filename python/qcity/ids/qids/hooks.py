"""The Q-IDS hook of the QidsMonitor module (qidsHook): one QuantumIds per module."""

from __future__ import annotations

from ...nedparams import Parameter, model_fields
from .detector import QuantumIds

#: QidsMonitor.ned's parameters and the QuantumIds fields that carry them (tests/test_ned_defaults.py)
PARAMETERS: tuple[Parameter, ...] = (
    Parameter("qberRef", "qber_ref", QuantumIds, "qber_ref"),
    Parameter("weights", "weights", QuantumIds, "weights"),
    Parameter("eta", "eta", QuantumIds, "eta"),
    Parameter("alpha", "alpha", QuantumIds, "alpha"),
    Parameter("baselineQberMean", "baseline_qber_mean", QuantumIds, "baseline_qber_mean"),
    Parameter("baselineQberStd", "baseline_qber_std", QuantumIds, "baseline_qber_std"),
)


class QidsHook:
    """Scores each window with QESIF Eq. 3 and adapts the threshold with Eq. 4.

    args: time, qber, keys_dropped, keys_attempted, and on the first call the settings
    qber_ref, weights, eta, alpha, baseline_qber_mean, baseline_qber_std.
    """

    def __init__(self):
        self.ids: QuantumIds | None = None

    def __call__(self, args: dict) -> dict:
        if self.ids is None:
            fields = model_fields(args, PARAMETERS, QuantumIds)
            fields["weights"] = tuple(fields["weights"])
            self.ids = QuantumIds(**fields)
        return self.ids.update(float(args["time"]), float(args["qber"]), int(args["keys_dropped"]), int(args["keys_attempted"]))
