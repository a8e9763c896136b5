#pragma once

#include <deque>
#include <set>
#include <unordered_map>

#include "../ids/FlowTap.h"
#include "../iot/IotPacket.h"
#include "../security/SessionManager.h"
#include "qcity/sim.h"

namespace qcity {

// See GatewayRouter.ned.
class GatewayRouter : public omnetpp::cSimpleModule
{
  protected:
    enum TimerKind { PROCESSED = 1, BACKHAUL_FREE };

    // parameters
    int queueLength = 100;
    omnetpp::simtime_t processingTime;
    std::set<int> servicePorts;  // destination ports forwarded to the control centre

    // state
    std::deque<IotPacket *> queue;
    IotPacket *inService = nullptr;
    SessionManager *sessions = nullptr;  // a secure gateway's: checks readings' integrity tags
    FlowTap *tap = nullptr;              // the gateway's flow IDS, if it has one
    omnetpp::cModule *fed = nullptr;     // the gateway's federated detection client, if it has one
    std::unordered_map<int, int> deviceMac;  // device id -> its radio's MAC address
    omnetpp::cMessage *serviceTimer = nullptr;

    // statistics
    omnetpp::simsignal_t queueLengthSignal = 0, dropSignal = 0, forwardedSignal = 0, handshakeSignal = 0, tamperedSignal = 0, filteredSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void enqueue(IotPacket *pkt);
    void startService();
    void forward();

  public:
    ~GatewayRouter() override;
};

}  // namespace qcity
