"""Routing hooks for MeshRouter (NED parameter ``routingHook``).

Each hook receives, per uplink packet::

    {"node": MAC address, "hops": own hop count, "residualEnergy": J,
     "queueLength": frames in own MAC,
     "packet": {"deviceId", "seq", "hopCount", "bytes"},
     "candidates": {"address", "hops", "linkQuality", "pathEtx", "delay",
                    "residualEnergy", "energyFraction", "queueLength", "distance"}}

where every ``candidates`` entry is a list with one item per usable neighbour
closer to a gateway (``delay`` and ``pathEtx`` already include the link to it;
a gateway's ``residualEnergy`` is ``inf``). A hook returns the chosen
neighbour's address, or -1 to drop the packet. The learned policies
(NeuralRouting, NeuralEnergyRouting) and the experience collector (RandomExploration)
are defined in :mod:`qcity.routing.learned` and named through this module.
"""

from __future__ import annotations

from .candidates import column as _column
from .candidates import pick as _pick
from .learned import NeuralEnergyRouting, NeuralRouting
from .learned import RandomExploration as RandomExploration  # named here as a hook (routing.ini)
from .metrics import energy_aware_metric


def shortest_path(request: dict) -> int:
    """Fewest hops to a gateway, then lowest path ETX: MeshRouter's built-in policy, in Python."""
    return _pick(request, [_column(request, "hops"), _column(request, "pathEtx")])


def min_etx(request: dict) -> int:
    """Lowest expected number of transmissions to a gateway (CTP's and RPL MRHOF's objective)."""
    return _pick(request, [_column(request, "pathEtx"), _column(request, "hops")])


def energy_aware(request: dict) -> int:
    """Seed 003, Eq. 7 and Algorithm steps 6-7: the neighbour with the highest M = E_res / (D x L).

    D is the candidate's delay estimate to a gateway, L the loss of the link to it
    (1 - estimated link quality). A gateway in reach (infinite residual energy) wins;
    among several, the shorter delay.
    """
    m = energy_aware_metric(_column(request, "residualEnergy"), _column(request, "delay"),
                            1 - _column(request, "linkQuality"))
    return _pick(request, [-m, _column(request, "delay")])


#: seed 003's AI model alone (its AI-R baseline's routing); see :mod:`qcity.routing.learned`
neural = NeuralRouting
#: seed 003's proposed routing: the AI model's shortlist, Eq. 7 picks
neural_energy = NeuralEnergyRouting
