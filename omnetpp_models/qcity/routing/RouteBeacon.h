#pragma once

#include "../iot/IotPacket.h"

namespace qcity {

// A MeshRouter's periodic broadcast: how far the sender is from a gateway and the
// state a neighbour needs to rank it as a next hop. (An IotPacket, so the MAC
// carries it like any other payload: the receiving MAC sets lastHopMac to the
// sender's address, and seq numbers the sender's beacons.)
class RouteBeacon : public IotPacket
{
  public:
    int hops = -1;            // radio hops to a gateway; -1: no route
    double pathEtx = 0;       // expected transmissions to a gateway along the sender's best path
    double pathDelay = 0;     // s, the sender's estimate of its delay to a gateway
    double residualEnergy = 0;  // J; infinite for mains power
    double energyFraction = 1;  // residual / capacity
    int queueLength = 0;      // frames in the sender's MAC
    double x = 0, y = 0;      // m

    RouteBeacon() : IotPacket("beacon") { type = ROUTE_BEACON; nextHopMac = BROADCAST; }
    RouteBeacon *dup() const override { return new RouteBeacon(*this); }
    const char *getClassName() const override { return "qcity::RouteBeacon"; }
};

}  // namespace qcity
