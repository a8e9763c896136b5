#pragma once

#include <deque>
#include <map>
#include <string>
#include <unordered_map>

#include "../energy/EnergySupply.h"
#include "RouteBeacon.h"
#include "qcity/hook.h"
#include "qcity/sim.h"

namespace qcity {

class CsmaMac;

// See MeshRouter.ned.
class MeshRouter : public omnetpp::cSimpleModule, public PowerListener
{
  protected:
    enum TimerKind { BEACON = 1 };

    // What the last beacons from one neighbour said, and how well its link works.
    struct Neighbour
    {
        int hops = -1;
        double pathEtx = 0, pathDelay = 0, residualEnergy = 0, energyFraction = 1;
        int queueLength = 0;
        double x = 0, y = 0;
        double linkQuality = 0;  // estimated beacon reception ratio
        int64_t lastSeq = -1;
        omnetpp::simtime_t lastHeard;

        // path estimates through this neighbour, the link to it included
        double etxVia() const { return 1 / linkQuality + pathEtx; }
        double delayVia(omnetpp::simtime_t hopTime) const { return hopTime.dbl() / linkQuality + pathDelay; }
    };

    // A candidate as a routing policy sees it (hook request columns, experience records).
    struct CandidateView
    {
        double hops, linkQuality, pathEtx, delay, residualEnergy, energyFraction, queueLength, distance;
    };

    // An uplink forwarding decision waiting for its outcome: the reading's ACK passing
    // back through this node (delivered) or experienceTimeout (lost).
    struct PendingDecision
    {
        omnetpp::simtime_t at;
        CandidateView chosen;
    };

    // parameters
    bool sink = false;
    bool progressByEtx = false;  // candidates: lower path ETX (true) or fewer hops (false)
    CsmaMac *mac = nullptr;
    EnergySupply *battery = nullptr;
    Hook routingHook;
    std::string routingSettings;
    omnetpp::simtime_t beaconInterval, neighbourTimeout, hopTime, routeWaitTimeout;
    double beaconJitter = 0.25, alpha = 0.2, minLinkQuality = 0.3;
    int maxHops = 10, beaconBytes = 20, routeWaitLimit = 10;
    double tamperProbability = 0;
    double x = 0, y = 0;
    bool recordExperience = false;
    omnetpp::simtime_t experienceTimeout;

    // state
    int deviceId = -1;
    int64_t beaconSeq = 0;
    std::map<int, Neighbour> neighbours;        // by MAC address, ordered for reproducible choices
    std::unordered_map<int, int> reverseRoute;  // device id -> MAC address its packets came from
    std::deque<IotPacket *> waiting;            // packets without a route yet
    int lastAdvertisedHops = -2;
    bool poweredOff = false;
    omnetpp::cMessage *beaconTimer = nullptr;
    std::map<std::pair<int, int64_t>, PendingDecision> pendingDecisions;  // by (device id, seq)

    // statistics
    omnetpp::simsignal_t forwardedSignal = 0, dropNoRouteSignal = 0, dropHopLimitSignal = 0, dropByPolicySignal = 0, tamperedSignal = 0;
    omnetpp::simsignal_t beaconSentSignal = 0, neighboursSignal = 0, hopsSignal = 0;
    enum ExperienceColumn { EXP_HOPS, EXP_QUALITY, EXP_ETX, EXP_DELAY, EXP_ENERGY, EXP_QUEUE, EXP_DISTANCE,
                            EXP_DELIVERED, EXP_ELAPSED, EXP_COLUMNS };
    omnetpp::simsignal_t experienceSignals[EXP_COLUMNS] = {};

    int numInitStages() const override { return 2; }
    void initialize(int stage) override;
    void handleMessage(omnetpp::cMessage *msg) override;

    void sendBeacon();
    void beaconReceived(const RouteBeacon *b);
    void fromAbove(IotPacket *pkt);
    void fromBelow(IotPacket *pkt);
    void routeUp(IotPacket *pkt);
    void maybeTamper(IotPacket *pkt);
    bool tryRoute(IotPacket *pkt, omnetpp::simtime_t waited = omnetpp::SimTime());
    double ownPathEtx() const;
    void flushWaiting();
    bool usable(const Neighbour &n) const;
    int ownHops() const;
    int chooseNextHop(const IotPacket *pkt, int hops, const std::vector<int> &candidates);
    int builtinChoice(const std::vector<int> &candidates) const;
    void emitNeighbourState();
    CandidateView view(int address) const;
    void rememberDecision(const IotPacket *pkt, int next);
    void resolveDecision(const std::pair<int, int64_t> &key, bool delivered);
    void expireDecisions();

  public:
    ~MeshRouter() override;
    void powerOff() override;
};

}  // namespace qcity
