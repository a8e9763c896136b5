#include "TrustRouter.h"

#include <cmath>
#include <queue>
#include <set>

namespace qcity {

Define_Module(TrustRouter);

TrustRouter::~TrustRouter()
{
    auto release = [this](Port &p) {
        cancelAndDelete(p.linkFree);
        cancelAndDelete(p.qkdToggle);
        for (IotPacket *pkt : p.queue)
            delete pkt;
    };
    for (Port &p : ports)
        release(p);
    release(uplink);
    cancelAndDelete(sweepTimer);
}

void TrustRouter::initialize(int stage)
{
    if (stage == 0) {
        isSink = par("sink").boolValue();
        ackTimeout = par("ackTimeout").doubleValue();
        trustMemory = par("trustMemory").doubleValue();
        qkdMeanUp = par("qkdMeanUp").doubleValue();
        qkdMeanDown = par("qkdMeanDown").doubleValue();
        stabilityWindow = par("stabilityWindow").doubleValue();
        fallbackDelay = par("fallbackDelay").doubleValue();
        delayTime = par("delayTime").doubleValue();
        maxDelays = par("maxDelays").intValue();
        queueLimit = par("queueLimit").intValue();
        greyHoleDropRate = par("greyHoleDropRate").doubleValue();
        double attackProbability = par("attackProbability").doubleValue();
        double blackHoleShare = par("blackHoleShare").doubleValue();
        const omnetpp::SimTime zero;
        if (ackTimeout <= zero || qkdMeanUp <= zero || qkdMeanDown <= zero || stabilityWindow <= zero || delayTime <= zero)
            throw omnetpp::cRuntimeError("need ackTimeout, qkdMeanUp, qkdMeanDown, stabilityWindow and delayTime > 0");
        if (fallbackDelay < zero || maxDelays < 0 || queueLimit < 1)
            throw omnetpp::cRuntimeError("need fallbackDelay >= 0, maxDelays >= 0 and queueLimit >= 1");
        for (double p : {trustMemory, attackProbability, blackHoleShare, greyHoleDropRate})
            if (p < 0 || p > 1)
                throw omnetpp::cRuntimeError("trustMemory, attackProbability, blackHoleShare and greyHoleDropRate must be "
                                             "in [0, 1], got %g", p);
        address = getParentModule()->getIndex();
        // drawn whatever the outcome, so honest and attacked runs share their random streams
        double compromise = uniform(0, 1), kind = uniform(0, 1);
        if (!isSink && compromise < attackProbability)
            misbehaviour = kind < blackHoleShare ? BLACK_HOLE : GREY_HOLE;
        int n = gateSize("port");
        ports.resize(n);
        for (int i = 0; i < n; i++) {
            ports[i].out = gate("port$o", i);
            omnetpp::cGate *end = ports[i].out->getPathEndGate();
            ports[i].neighbour = omnetpp::check_and_cast<TrustRouter *>(end->getOwnerModule());
            ports[i].address = ports[i].neighbour->getParentModule()->getIndex();
            ports[i].linkFree = new omnetpp::cMessage("linkFree", LINK_FREE);
            ports[i].linkFree->setContextPointer(reinterpret_cast<void *>(static_cast<intptr_t>(i)));
            ports[i].qkdToggle = new omnetpp::cMessage("qkdToggle", QKD_TOGGLE);
            ports[i].qkdToggle->setContextPointer(reinterpret_cast<void *>(static_cast<intptr_t>(i)));
            ports[i].qkdHistory.push_back({omnetpp::simTime(), true});
            scheduleAt(omnetpp::simTime() + exponential(qkdMeanUp.dbl()), ports[i].qkdToggle);
        }
        // in a smart city the control centre sits behind the sink gateway, one link further
        hasUplink = gate("uplinkOut")->isConnected() && gate("uplinkOut")->isPathOK();
        if (hasUplink && !isSink)
            throw omnetpp::cRuntimeError("uplinkOut leads to %s, but only the sink gateway (sink = true) may have a link to the control centre",
                                         gate("uplinkOut")->getPathEndGate()->getOwnerModule()->getFullPath().c_str());
        if (hasUplink) {
            uplink.out = gate("uplinkOut");
            uplink.linkFree = new omnetpp::cMessage("uplinkFree", LINK_FREE);
            uplink.linkFree->setContextPointer(reinterpret_cast<void *>(static_cast<intptr_t>(UPLINK)));
        }
        forwardedSignal = registerSignal("forwarded");
        dropAttackSignal = registerSignal("dropAttack");
        dropPolicySignal = registerSignal("dropByPolicy");
        dropDelaySignal = registerSignal("dropDelayLimit");
        dropQueueSignal = registerSignal("dropQueueFull");
        dropNoRouteSignal = registerSignal("dropNoRoute");
        delayedSignal = registerSignal("delayed");
        trustSignal = registerSignal("chosenTrust");
        chosenCompromisedSignal = registerSignal("chosenCompromised");
        sweepTimer = new omnetpp::cMessage("sweep", SWEEP);
        scheduleAt(omnetpp::simTime() + ackTimeout / 4, sweepTimer);
    }
    else {
        discoverTopology();
        routingHook.resolve(par("routingHook").stdstringValue());
        if (routingHook.isSet()) {
            Value params = Value::dict({
                {"qTableDir", par("qTableDir").stdstringValue()},
                {"learning", par("learning").boolValue()},
                {"epsilon", par("epsilon").doubleValue()},
                {"learningRate", par("learningRate").doubleValue()},
                {"discountFactor", par("discountFactor").doubleValue()},
                {"seed", static_cast<long long>(intuniform(0, 2147483647))},
            });
            routingHook(Value::dict({{"event", "init"}, {"node", address}, {"params", params}}));
        }
    }
}

// Hop distances to the sink by breadth-first search over the gateway mesh (every
// gateway knows the backbone's topology, as with a link-state protocol).
void TrustRouter::discoverTopology()
{
    std::set<TrustRouter *> seen{this};
    std::queue<TrustRouter *> frontier;
    frontier.push(this);
    TrustRouter *sinkRouter = nullptr;
    while (!frontier.empty() && !sinkRouter) {
        TrustRouter *r = frontier.front();
        frontier.pop();
        if (r->isSink)
            sinkRouter = r;
        for (const Port &p : r->ports)
            if (seen.insert(p.neighbour).second)
                frontier.push(p.neighbour);
    }
    if (!sinkRouter)
        throw omnetpp::cRuntimeError("no sink gateway reachable from %s (set sink = true on the control centre's gateway)",
                                     getFullPath().c_str());
    std::map<TrustRouter *, int> hops{{sinkRouter, 0}};
    std::queue<TrustRouter *> q;
    q.push(sinkRouter);
    while (!q.empty()) {
        TrustRouter *r = q.front();
        q.pop();
        for (const Port &p : r->ports)
            if (hops.emplace(p.neighbour, hops[r] + 1).second)
                q.push(p.neighbour);
    }
    hopsToSink = hops.at(this);
    for (Port &p : ports)
        p.hopsToSink = hops.at(p.neighbour);
    // first port of a shortest path to every gateway, for messages from the control centre
    std::map<TrustRouter *, int> firstPort;
    std::queue<TrustRouter *> reached;
    for (int i = 0; i < static_cast<int>(ports.size()); i++)
        if (ports[i].neighbour != this && firstPort.emplace(ports[i].neighbour, i).second)
            reached.push(ports[i].neighbour);
    while (!reached.empty()) {
        TrustRouter *r = reached.front();
        reached.pop();
        for (const Port &p : r->ports)
            if (p.neighbour != this && firstPort.emplace(p.neighbour, firstPort[r]).second)
                reached.push(p.neighbour);
    }
    for (auto [router, port] : firstPort)
        portTowards[router->address] = port;
}

void TrustRouter::handleMessage(omnetpp::cMessage *msg)
{
    if (msg->isSelfMessage()) {
        int port = static_cast<int>(reinterpret_cast<intptr_t>(msg->getContextPointer()));
        switch (msg->getKind()) {
            case LINK_FREE: transmit(port); return;
            case QKD_TOGGLE: toggleQkd(port); return;
            case SWEEP:
                expirePending();
                scheduleAt(omnetpp::simTime() + ackTimeout / 4, sweepTimer);
                return;
            case RETRY: {  // a delayed message: decide again
                decide(omnetpp::check_and_cast<IotPacket *>(msg));
                return;
            }
        }
    }
    auto *pkt = omnetpp::check_and_cast<IotPacket *>(msg);
    int fromPort = msg->arrivedOn("upperIn") ? OWN_APP : msg->arrivedOn("uplinkIn") ? UPLINK : msg->getArrivalGate()->getIndex();
    if (fromPort >= 0)
        pkt->backboneHops++;
    if (pkt->isAck())
        acknowledgement(pkt, fromPort);
    else if (fromPort == UPLINK || pkt->toGateway >= 0)
        towardsGateway(pkt);
    else
        message(pkt, fromPort);
}

void TrustRouter::message(IotPacket *pkt, int fromPort)
{
    bool transit = fromPort >= 0;  // (the sink is never compromised)
    if (transit && (misbehaviour == BLACK_HOLE || (misbehaviour == GREY_HOLE && uniform(0, 1) < greyHoleDropRate))) {
        emit(dropAttackSignal, pkt);
        delete pkt;
        return;
    }
    if (pkt->expectsReply())  // its reply will retrace its path
        reverse[{pkt->deviceId, pkt->seq}] = fromPort;
    if (isSink && hasUplink)
        forward(pkt, UPLINK);
    else if (isSink)
        send(pkt, "upperOut");
    else
        decide(pkt);
}

// A message from the control centre that is not a reply (a federated detection model): by a
// shortest path to the gateway it names. Not a routing decision: no trust is involved, and a
// compromised gateway passes it on, as it passes acknowledgements.
void TrustRouter::towardsGateway(IotPacket *pkt)
{
    if (pkt->toGateway < 0)  // just in from the control centre
        pkt->toGateway = pkt->gateway;
    if (pkt->toGateway == address) {
        pkt->toGateway = -1;
        send(pkt, "upperOut");
        return;
    }
    auto it = portTowards.find(pkt->toGateway);
    if (it == portTowards.end()) {
        emit(dropNoRouteSignal, pkt);
        delete pkt;
        return;
    }
    forward(pkt, it->second);
}

void TrustRouter::acknowledgement(IotPacket *ack, int fromPort)
{
    Key key{ack->deviceId, ack->seq};
    auto p = pending.find(key);
    if (p != pending.end()) {
        settle(p->second, true);
        pending.erase(p);
    }
    auto r = reverse.find(key);
    if (r == reverse.end()) {  // its message timed out here long ago, or it took another way
        emit(dropNoRouteSignal, ack);
        delete ack;
        return;
    }
    int back = r->second;
    reverse.erase(r);
    if (back == OWN_APP)
        send(ack, "upperOut");
    else
        forward(ack, back);
}

void TrustRouter::decide(IotPacket *pkt)
{
    std::vector<int> candidates;  // ports to neighbours closer to the sink
    for (int i = 0; i < static_cast<int>(ports.size()); i++)
        if (ports[i].hopsToSink < hopsToSink)
            candidates.push_back(i);
    Key key{pkt->deviceId, pkt->seq};
    if (candidates.empty()) {
        emit(dropNoRouteSignal, pkt);
        reverse.erase(key);
        delete pkt;
        return;
    }
    int chosen = -1;
    std::string action = "forward";
    int64_t decision = nextDecision++;
    if (!routingHook.isSet())
        chosen = builtinChoice(candidates);
    else {
        Value answer = routingHook(Value::dict({
            {"event", "decide"},
            {"node", address},
            {"decision", static_cast<long long>(decision)},
            {"packet", Value::dict({{"source", pkt->deviceId}, {"seq", pkt->seq}, {"delaysLeft", maxDelays - pkt->relayDelays},
                                    {"age", (omnetpp::simTime() - pkt->created).dbl()}, {"acknowledged", pkt->expectsReply()}})},
            {"candidates", candidatesValue(candidates)},
        }));
        bool hasAction = answer.kind() == Value::DICT && answer.has("action") && answer["action"].kind() == Value::STRING;
        if (!hasAction)
            throw omnetpp::cRuntimeError("routingHook must answer a decide event with {\"action\": \"forward\"|\"delay\"|\"drop\", ...}, "
                                         "got a %s", answer.kindName());
        action = answer["action"].asString();
        if (action == "forward") {
            if (!answer.has("next") || answer["next"].kind() != Value::INT)
                throw omnetpp::cRuntimeError("routingHook: a forward action needs \"next\", a candidate's address (int)");
            int64_t next = answer["next"].asInt();
            for (int c : candidates)
                if (ports[c].address == next)
                    chosen = c;
            if (chosen < 0)
                throw omnetpp::cRuntimeError("routingHook chose gateway %lld, which is not one of the candidates", (long long)next);
        }
        else if (action != "delay" && action != "drop")
            throw omnetpp::cRuntimeError("routingHook: unknown action \"%s\" (forward, delay or drop)", action.c_str());
    }
    if (action == "drop" || (action == "delay" && pkt->relayDelays >= maxDelays)) {
        emit(action == "drop" ? dropPolicySignal : dropDelaySignal, pkt);
        reverse.erase(key);
        delete pkt;
        return;
    }
    if (action == "delay") {
        pkt->relayDelays++;
        emit(delayedSignal, pkt);
        pkt->setKind(RETRY);
        scheduleAt(omnetpp::simTime() + delayTime, pkt);
        return;
    }
    pkt->relayDelays = 0;
    Port &p = ports[chosen];
    emit(trustSignal, p.trust());
    emit(chosenCompromisedSignal, (long)(p.neighbour->getMisbehaviour() != HONEST));
    if (pkt->expectsReply()) {  // only a reply tells how the neighbour did
        auto earlier = pending.find(key);
        if (earlier != pending.end())  // a retransmission while the earlier copy is unanswered: that copy is lost
            settle(earlier->second, false);
        pending[key] = {chosen, decision, omnetpp::simTime()};
    }
    if (pkt->backboneHops > 0)  // in transit (not this gateway's own)
        emit(forwardedSignal, pkt);
    forward(pkt, chosen);
}

int TrustRouter::builtinChoice(const std::vector<int> &candidates) const
{
    int best = candidates.front();
    for (int c : candidates)
        if (ports[c].queue.size() < ports[best].queue.size())
            best = c;
    return best;
}

Value TrustRouter::candidatesValue(const std::vector<int> &candidates) const
{
    Value address = Value::list(), trust = Value::list(), stab = Value::list(), up = Value::list();
    Value load = Value::list(), hops = Value::list(), evidence = Value::list();
    for (int c : candidates) {
        const Port &p = ports[c];
        address.append(p.address);
        trust.append(p.trust());
        stab.append(stability(c));
        up.append(p.qkdUp);
        load.append(static_cast<int>(p.queue.size()));
        hops.append(p.hopsToSink);
        evidence.append(p.successes + p.failures);
    }
    return Value::dict({{"address", address}, {"trust", trust}, {"stability", stab}, {"qkdUp", up}, {"load", load},
                        {"hops", hops}, {"evidence", evidence}});
}

// ---- links ----------------------------------------------------------------------------

void TrustRouter::forward(IotPacket *pkt, int port)
{
    Port &p = link(port);
    if (static_cast<int>(p.queue.size()) >= queueLimit) {
        emit(dropQueueSignal, pkt);
        delete pkt;
        return;
    }
    p.queue.push_back(pkt);
    if (p.queue.size() == 1 && !p.linkFree->isScheduled())
        transmit(port);
}

void TrustRouter::transmit(int port)
{
    Port &p = link(port);
    if (p.queue.empty())
        return;
    omnetpp::cGate *out = p.out;
    omnetpp::cChannel *channel = out->getTransmissionChannel();
    if (channel->isBusy()) {
        scheduleAt(channel->getTransmissionFinishTime(), p.linkFree);
        return;
    }
    IotPacket *pkt = p.queue.front();
    p.queue.pop_front();
    pkt->setKind(0);
    if (p.qkdUp)
        send(pkt, out);
    else  // post-quantum protection instead of a QKD key: the gateway's CPU time first
        sendDelayed(pkt, fallbackDelay, out);
    omnetpp::simtime_t next = std::max(channel->getTransmissionFinishTime(), omnetpp::simTime() + (p.qkdUp ? omnetpp::SimTime() : fallbackDelay));
    if (!p.queue.empty())
        scheduleAt(next, p.linkFree);
}

void TrustRouter::toggleQkd(int port)
{
    Port &p = ports[port];
    p.qkdUp = !p.qkdUp;
    p.qkdHistory.push_back({omnetpp::simTime(), p.qkdUp});
    scheduleAt(omnetpp::simTime() + exponential((p.qkdUp ? qkdMeanUp : qkdMeanDown).dbl()), p.qkdToggle);
}

double TrustRouter::stability(int port) const
{
    // fraction of [now - window, now] the QKD link was up, from its state changes
    const auto &h = ports[port].qkdHistory;
    omnetpp::simtime_t now = omnetpp::simTime(), from = std::max(now - stabilityWindow, h.front().first);
    if (now <= from)
        return h.back().second ? 1.0 : 0.0;
    double up = 0;
    for (std::size_t i = 0; i < h.size(); i++) {
        omnetpp::simtime_t start = std::max(h[i].first, from), end = i + 1 < h.size() ? h[i + 1].first : now;
        if (h[i].second && end > start)
            up += (end - start).dbl();
    }
    return up / (now - from).dbl();
}

// ---- trust -----------------------------------------------------------------------------

// A forwarded message's fate is known: the neighbour's trust and the policy learn it.
void TrustRouter::settle(const Pending &decision, bool delivered)
{
    observe(decision.port, delivered);
    if (routingHook.isSet())
        routingHook(Value::dict({{"event", "outcome"}, {"decision", static_cast<long long>(decision.decision)},
                                 {"delivered", delivered}, {"delay", (omnetpp::simTime() - decision.at).dbl()}}));
}

void TrustRouter::observe(int port, bool delivered)
{
    Port &p = ports[port];
    p.successes = p.successes * trustMemory + (delivered ? 1 : 0);
    p.failures = p.failures * trustMemory + (delivered ? 0 : 1);
}

void TrustRouter::expirePending()
{
    omnetpp::simtime_t now = omnetpp::simTime();
    for (Port &p : ports)  // forget QKD state changes older than the window (keep the one in force at its start)
        while (p.qkdHistory.size() > 1 && p.qkdHistory[1].first <= now - stabilityWindow)
            p.qkdHistory.pop_front();
    for (auto it = pending.begin(); it != pending.end();) {
        if (now - it->second.at < ackTimeout) {
            ++it;
            continue;
        }
        settle(it->second, false);
        reverse.erase(it->first);
        it = pending.erase(it);
    }
}

void TrustRouter::finish()
{
    recordScalar("compromised", misbehaviour);
    if (routingHook.isSet())
        routingHook(Value::dict({{"event", "finish"}, {"node", address}}));
}

}  // namespace qcity
