#pragma once

#include <deque>
#include <map>
#include <vector>

#include "../iot/IotPacket.h"
#include "qcity/hook.h"
#include "qcity/sim.h"

namespace qcity {

// See TrustRouter.ned.
class TrustRouter : public omnetpp::cSimpleModule
{
  public:
    enum Misbehaviour { HONEST = 0, GREY_HOLE = 1, BLACK_HOLE = 2 };

  protected:
    enum TimerKind { LINK_FREE = 1, QKD_TOGGLE, RETRY, SWEEP };
    // where a message came from or goes to, besides a port index
    static constexpr int OWN_APP = -1;  // upperIn / upperOut
    static constexpr int UPLINK = -2;   // the sink's link to the control centre (uplinkIn / uplinkOut)
    using Key = std::pair<int, int64_t>;  // (source, message number)

    // One outgoing link: to a neighbouring gateway, or the sink's uplink.
    struct Port
    {
        omnetpp::cGate *out = nullptr;
        TrustRouter *neighbour = nullptr;
        int address = -1;      // the neighbour's gateway index
        int hopsToSink = -1;   // the neighbour's
        double successes = 0, failures = 0;
        bool qkdUp = true;
        std::deque<std::pair<omnetpp::simtime_t, bool>> qkdHistory;  // state changes within the window
        std::deque<IotPacket *> queue;
        omnetpp::cMessage *linkFree = nullptr, *qkdToggle = nullptr;

        double trust() const { return (successes + 1) / (successes + failures + 2); }
    };

    // A forwarded message whose acknowledgement this gateway waits for.
    struct Pending
    {
        int port;
        int64_t decision;
        omnetpp::simtime_t at;
    };

    // parameters
    Hook routingHook;
    omnetpp::simtime_t ackTimeout, qkdMeanUp, qkdMeanDown, stabilityWindow, fallbackDelay, delayTime;
    double trustMemory = 0.98, greyHoleDropRate = 0.5;
    int maxDelays = 10, queueLimit = 200;

    // state
    int address = -1;
    int hopsToSink = -1;
    bool isSink = false;
    Misbehaviour misbehaviour = HONEST;
    std::vector<Port> ports;
    Port uplink;                       // the sink's, when the control centre is behind it
    bool hasUplink = false;
    std::map<int, int> portTowards;    // gateway address -> first port of a shortest path to it
    std::map<Key, int> reverse;        // where each message awaiting a reply came from: port or OWN_APP
    std::map<Key, Pending> pending;    // forwarded, not yet acknowledged
    int64_t nextDecision = 0;
    omnetpp::cMessage *sweepTimer = nullptr;

    // statistics
    omnetpp::simsignal_t forwardedSignal = 0, dropAttackSignal = 0, dropPolicySignal = 0, dropDelaySignal = 0;
    omnetpp::simsignal_t dropQueueSignal = 0, dropNoRouteSignal = 0, delayedSignal = 0, trustSignal = 0;
    omnetpp::simsignal_t chosenCompromisedSignal = 0;

    int numInitStages() const override { return 2; }
    void initialize(int stage) override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void finish() override;

    void discoverTopology();
    Port &link(int port) { return port == UPLINK ? uplink : ports[port]; }
    void message(IotPacket *pkt, int fromPort);
    void towardsGateway(IotPacket *pkt);
    void acknowledgement(IotPacket *ack, int fromPort);
    void decide(IotPacket *pkt);
    void forward(IotPacket *pkt, int port);
    void transmit(int port);
    void toggleQkd(int port);
    double stability(int port) const;
    void expirePending();
    void settle(const Pending &decision, bool delivered);
    void observe(int port, bool delivered);
    int builtinChoice(const std::vector<int> &candidates) const;
    Value candidatesValue(const std::vector<int> &candidates) const;

  public:
    ~TrustRouter() override;
    Misbehaviour getMisbehaviour() const { return misbehaviour; }
    int getHopsToSink() const { return hopsToSink; }
};

}  // namespace qcity
