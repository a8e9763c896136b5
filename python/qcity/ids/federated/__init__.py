"""Federated training of the flow detector: the aggregation, masking and privacy accounting
(:mod:`qcity.ids.federated.aggregation`) and the FedClient/FedServer hooks
(:mod:`qcity.ids.federated.hooks`)."""

from .aggregation import (
    GaussianAccountant,
    PairwiseMasker,
    clip,
    decode,
    encode,
    fedavg,
    federated_training,
    local_update,
    masked_update,
    noise_share,
    private_update,
    unmask_sum,
    weighted,
    weighted_mean,
)

__all__ = ["GaussianAccountant", "PairwiseMasker", "clip", "decode", "encode", "fedavg", "federated_training",
           "local_update", "masked_update", "noise_share", "private_update", "unmask_sum", "weighted", "weighted_mean"]
