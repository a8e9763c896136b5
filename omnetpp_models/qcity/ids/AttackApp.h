#pragma once

#include "../iot/IotPacket.h"
#include "../iot/AttackKind.h"
#include "qcity/sim.h"

namespace qcity {

// See AttackApp.ned.
class AttackApp : public omnetpp::cSimpleModule
{
  protected:
    // parameters
    int kind = ATTACK_NONE;
    omnetpp::simtime_t stopTime;
    omnetpp::cPar *interval = nullptr;  // the kind's volatile interval parameter
    int64_t packetBytes = 0;
    bool scanRandom = false;
    int victim = 0, ccPort = 0;

    // state
    int ownId = 0;
    int64_t nextSeq = 0;
    int nextScanPort = 1;
    omnetpp::cMessage *sendTimer = nullptr;

    // statistics
    omnetpp::simsignal_t sentSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    IotPacket *craft();

  public:
    ~AttackApp() override;
};

}  // namespace qcity
