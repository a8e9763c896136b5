#pragma once

#include <set>

#include "IotPacket.h"
#include "qcity/sim.h"

namespace qcity {

// See ControlCenter.ned.
class ControlCenter : public omnetpp::cSimpleModule
{
  protected:
    // parameters
    int64_t pubackBytes = 4, coapAckBytes = 6, transportBytes = 18;

    // state
    std::set<std::pair<int, int64_t>> received;  // (device, seq)

    // statistics
    omnetpp::simsignal_t rxSignal = 0, dupSignal = 0, e2eSignal = 0;
    omnetpp::simsignal_t partSignals[9] = {};

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void reply(IotPacket *reading, int port);
};

}  // namespace qcity
