"""Flow-based detection at the gateways: the flow records FlowTap writes, the detectors it calls
(:mod:`qcity.ids.flow.hooks`) and their offline training (:mod:`qcity.ids.flow.training`)."""

from .logistic import LogisticDetector
from .records import FEATURE_NAMES, features, read_flow_logs, records_frame

__all__ = ["FEATURE_NAMES", "LogisticDetector", "features", "read_flow_logs", "records_frame"]
