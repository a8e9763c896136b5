"""The public intrusion-detection datasets as qcity reads them, and synthetic records drawn like them."""

from .datasets import (
                       Dataset,
                       DatasetError,
                       load_bot_iot,
                       load_dataset,
                       load_edge_iiotset,
                       load_ton_iot_network,
                       load_ton_iot_telemetry,
)

__all__ = ["Dataset", "DatasetError", "load_bot_iot", "load_dataset", "load_edge_iiotset", "load_ton_iot_network",
           "load_ton_iot_telemetry"]
