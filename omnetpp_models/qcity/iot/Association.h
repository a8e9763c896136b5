#pragma once

#include "qcity/sim.h"

namespace qcity {

// Implemented by what associates a device with its home gateway: qcity's CsmaMac, or under INET
// qcity.inet.Association. DeviceSecurity asks it which gateway its sessions are with.
class Association
{
  public:
    virtual ~Association() = default;
    // The gateway node the device belongs to (known from initialisation stage 1 on).
    virtual omnetpp::cModule *getHomeGateway() const = 0;
};

}  // namespace qcity
