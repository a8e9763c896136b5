"""Routing policies for the MeshRouter module (NED parameter ``routingHook``).

The C++ MeshRouter keeps the neighbour table (beacons, link-quality estimates,
hop counts) and offers, for each uplink packet, the usable neighbours strictly
closer to a gateway; a policy picks one of them. See :mod:`qcity.routing.hooks`.
"""

from .metrics import energy_aware_metric

__all__ = ["energy_aware_metric"]
