#pragma once

#include <array>
#include <cstdio>
#include <map>
#include <tuple>
#include <vector>

#include "../iot/IotPacket.h"
#include "../iot/AttackKind.h"
#include "qcity/hook.h"
#include "qcity/sim.h"

namespace qcity {

class FedClient;
class QidsMonitor;

// See FlowTap.ned.
class FlowTap : public omnetpp::cSimpleModule
{
  protected:
    enum TimerKind { WINDOW = 1 };
    // source MAC, claimed device, source port, destination port, protocol
    using FlowKey = std::tuple<int, int, int, int, int>;

    // What one flow did within the current window.
    struct FlowStats
    {
        omnetpp::simtime_t first, last;
        long packets = 0, bytes = 0, replies = 0, replyBytes = 0, retransmissions = 0, integrityFailures = 0;
        double gapSum = 0, gapSqSum = 0, gapMin = 0, gapMax = 0;  // inter-arrival times
        std::array<long, NUM_ATTACK_KINDS> truth{};              // packets per ground-truth kind
    };

    // parameters
    omnetpp::simtime_t window, quantumMemory, scoreFrom;
    qcity::Hook flowIdsHook;
    std::string detectorSettings;
    std::FILE *log = nullptr;
    const QidsMonitor *qids = nullptr;  // this gateway's, if any
    FedClient *fed = nullptr;           // this gateway's federated detection client, if any: trains on the records, holds the model

    // state
    std::map<FlowKey, FlowStats> flows;  // ordered: records go to the hook in a fixed order
    std::map<int, int> firstMac;         // device id -> the MAC address it was first heard from here
    omnetpp::cMessage *windowTimer = nullptr;

    // scoring against ground truth
    std::array<long, NUM_ATTACK_KINDS> flowsOfKind{}, detectedOfKind{};
    std::array<omnetpp::simtime_t, NUM_ATTACK_KINDS> firstSeen, firstDetected;
    long falseAlerts = 0;

    // statistics
    omnetpp::simsignal_t recordsSignal = 0, alertsSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void finish() override;
    void closeWindow();
    Value records(const std::vector<const std::pair<const FlowKey, FlowStats> *> &active) const;
    void writeLog(const Value &recs, const std::vector<int> &kinds);
    FlowStats &flowOf(const FlowKey &key);

  public:
    ~FlowTap() override;
    // a packet from the radio; failedIntegrity: its tag did not verify
    void observeUplink(const IotPacket &pkt, bool failedIntegrity);
    // a reply to a device, sent to radio address `mac`
    void observeDownlink(const IotPacket &pkt, int mac);
};

}  // namespace qcity
