#pragma once

#include <set>
#include <unordered_map>

#include "IotPacket.h"
#include "qcity/sim.h"

namespace qcity {

// See ControlCenter.ned.
class ControlCenter : public omnetpp::cSimpleModule
{
  protected:
    // parameters
    int64_t pubackBytes = 4, coapAckBytes = 6, transportBytes = 18;
    double taskProbability = 0.1;
    bool hasScheduler = false;
    omnetpp::cModule *fedServer = nullptr;  // federated detection's server, if the network has one

    // state
    // per device: sequence numbers seen within the last kWindow, so memory stays flat in run length;
    // the last retransmission (up to ~45 s after the first try, 450 readings at 10/s) is well inside it
    static constexpr int64_t kWindow = 1024;
    std::unordered_map<int, std::set<int64_t>> received;
    std::unordered_map<int, int> gatewayPort;  // federated client's gateway index -> the port its messages came in on
    std::unordered_map<int, int> homeGateway;  // device -> the gateway its first reading came through
    long spoofReadings = 0, spoofFlagged = 0, spoofFalseAlerts = 0;  // the identity check, scored against ground truth
    bool firstTime(int device, int64_t seq);

    // statistics
    omnetpp::simsignal_t rxSignal = 0, dupSignal = 0, tamperedSignal = 0, attackSignal = 0, e2eSignal = 0, hopSignal = 0, backboneHopSignal = 0;
    static constexpr int NUM_PARTS = 10;  // latency parts; the last is the remainder (retransmission wait)
    omnetpp::simsignal_t partSignals[NUM_PARTS] = {};

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void reply(IotPacket *reading, int port);
    void sendOnPort(IotPacket *pkt, int port);
    void relayFederated(IotPacket *pkt);
    void checkIdentity(const IotPacket &reading);
    void finish() override;
};

}  // namespace qcity
