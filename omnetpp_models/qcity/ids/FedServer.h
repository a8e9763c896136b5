#pragma once

#include <set>

#include "../iot/IotPacket.h"
#include "FederatedMessage.h"
#include "qcity/hook.h"
#include "qcity/sim.h"

namespace qcity {

// See FedServer.ned.
class FedServer : public omnetpp::cSimpleModule
{
  protected:
    // parameters
    qcity::Hook fedHook;
    int clients = 0;
    omnetpp::cModule *controlCenter = nullptr;
    omnetpp::simtime_t roundInterval;
    SealingCosts costs;  // keyBits, headerBytes, and what the messages cost

    // state
    omnetpp::cMessage *roundTimer = nullptr;
    std::set<int> registered, updated;  // gateways that sent their keys / this round's update
    int round = -1;
    bool roundOpen = false;  // updates of `round` still expected
    omnetpp::simtime_t roundStart;

    // statistics
    omnetpp::simsignal_t roundSignal = 0, failedSignal = 0, epsilonSignal = 0, normSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void startRound();
    void receive(IotPacket *pkt);
    void sendToGateway(IotPacket *pkt, const std::string &mode);
    KeyManager *gatewayKeys(int g) const;  // the key store of gateway g's link to the control centre, if it has one

  public:
    ~FedServer() override;
};

}  // namespace qcity
