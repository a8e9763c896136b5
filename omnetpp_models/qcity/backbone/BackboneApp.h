#pragma once

#include "../iot/IotPacket.h"
#include "qcity/sim.h"

namespace qcity {

// See BackboneApp.ned.
class BackboneApp : public omnetpp::cSimpleModule
{
  protected:
    bool sink = false;
    int messageBytes = 512;
    int address = -1;
    int64_t nextSeq = 0;
    omnetpp::cMessage *sendTimer = nullptr;
    omnetpp::simsignal_t sentSignal = 0, rxSignal = 0, ackedSignal = 0, delaySignal = 0, hopsSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void sendMessage();
    void answer(IotPacket *pkt);

  public:
    ~BackboneApp() override;
};

}  // namespace qcity
