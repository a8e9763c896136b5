#include "MeshRouter.h"

#include "../iot/AttackKind.h"

#include <cmath>
#include <limits>

#include "../mac/CsmaMac.h"

namespace qcity {

Define_Module(MeshRouter);

MeshRouter::~MeshRouter()
{
    cancelAndDelete(beaconTimer);
    for (IotPacket *p : waiting)
        delete p;
}

void MeshRouter::initialize(int stage)
{
    if (stage == 0) {
        sink = par("sink").boolValue();
        beaconInterval = par("beaconInterval").doubleValue();
        beaconJitter = par("beaconJitter").doubleValue();
        neighbourTimeout = par("neighbourTimeout").doubleValue();
        alpha = par("linkEstimatorAlpha").doubleValue();
        minLinkQuality = par("minLinkQuality").doubleValue();
        maxHops = par("maxHops").intValue();
        tamperProbability = par("tamperProbability").doubleValue();
        if (tamperProbability < 0 || tamperProbability > 1)
            throw omnetpp::cRuntimeError("tamperProbability must be in [0, 1], got %g", tamperProbability);
        hopTime = par("hopTime").doubleValue();
        beaconBytes = par("beaconBytes").intValue();
        routeWaitLimit = par("routeWaitLimit").intValue();
        routeWaitTimeout = par("routeWaitTimeout").doubleValue();
        recordExperience = par("recordExperience").boolValue();
        experienceTimeout = par("experienceTimeout").doubleValue();
        if (experienceTimeout <= omnetpp::SimTime())
            throw omnetpp::cRuntimeError("need experienceTimeout > 0");
        std::string progress = par("progress").stdstringValue();
        if (progress != "hops" && progress != "etx")
            throw omnetpp::cRuntimeError("progress must be \"hops\" or \"etx\", got \"%s\"", progress.c_str());
        progressByEtx = progress == "etx";
        if (beaconInterval <= omnetpp::SimTime() || beaconJitter < 0 || beaconJitter >= 1)
            throw omnetpp::cRuntimeError("need beaconInterval > 0 and 0 <= beaconJitter < 1");
        if (neighbourTimeout <= beaconInterval)
            throw omnetpp::cRuntimeError("neighbourTimeout (%s) must exceed beaconInterval (%s)", neighbourTimeout.str().c_str(),
                                         beaconInterval.str().c_str());
        if (alpha <= 0 || alpha > 1 || minLinkQuality < 0 || minLinkQuality > 1)
            throw omnetpp::cRuntimeError("need 0 < linkEstimatorAlpha <= 1 and 0 <= minLinkQuality <= 1");
        if (maxHops < 1 || beaconBytes < 1 || routeWaitLimit < 0 || hopTime <= omnetpp::SimTime())
            throw omnetpp::cRuntimeError("need maxHops >= 1, beaconBytes >= 1, routeWaitLimit >= 0 and hopTime > 0");
        mac = omnetpp::check_and_cast<CsmaMac *>(getModuleByPath(par("mac").stringValue()));
        battery = EnergySupply::find(this, par("battery").stdstringValue(), this);
        x = mac->par("x").doubleValue();
        y = mac->par("y").doubleValue();
        deviceId = sink ? -1 : getParentModule()->getIndex();
        if (!sink)
            routingHook.resolve(par("routingHook").stdstringValue());
        routingSettings = par("routingSettings").stdstringValue();
        forwardedSignal = registerSignal("forwarded");
        tamperedSignal = registerSignal("tampered");
        dropNoRouteSignal = registerSignal("dropNoRoute");
        dropHopLimitSignal = registerSignal("dropHopLimit");
        dropByPolicySignal = registerSignal("dropByPolicy");
        beaconSentSignal = registerSignal("beaconSent");
        neighboursSignal = registerSignal("neighbours");
        hopsSignal = registerSignal("hopsToGateway");
        static const char *experienceNames[EXP_COLUMNS] = {
            "expHops", "expLinkQuality", "expPathEtx", "expDelay", "expEnergyFraction", "expQueueLength", "expDistance",
            "expDelivered", "expElapsed"};
        for (int i = 0; i < EXP_COLUMNS; i++)
            experienceSignals[i] = registerSignal(experienceNames[i]);
        beaconTimer = new omnetpp::cMessage("beaconTimer", BEACON);
    }
    else {  // the MAC knows its address after stage 0
        emitNeighbourState();
        scheduleAt(omnetpp::simTime() + uniform(0, beaconInterval.dbl()), beaconTimer);
    }
}

void MeshRouter::handleMessage(omnetpp::cMessage *msg)
{
    if (msg == beaconTimer) {
        sendBeacon();
        double factor = uniform(1 - beaconJitter, 1 + beaconJitter);
        scheduleAt(omnetpp::simTime() + beaconInterval * factor, beaconTimer);
        return;
    }
    auto *pkt = omnetpp::check_and_cast<IotPacket *>(msg);
    if (poweredOff) {
        delete pkt;
        return;
    }
    if (msg->arrivedOn("upperIn"))
        fromAbove(pkt);
    else
        fromBelow(pkt);
}

void MeshRouter::powerOff()
{
    Enter_Method_Silent();
    poweredOff = true;
    cancelEvent(beaconTimer);
    for (IotPacket *p : waiting)
        delete p;
    waiting.clear();
}

// ---- neighbour table --------------------------------------------------------------------

bool MeshRouter::usable(const Neighbour &n) const
{
    return n.hops >= 0 && n.linkQuality >= minLinkQuality && omnetpp::simTime() - n.lastHeard < neighbourTimeout;
}

int MeshRouter::ownHops() const
{
    if (sink)
        return 0;
    int best = -1;
    for (const auto &[addr, n] : neighbours)
        if (usable(n) && (best < 0 || n.hops < best))
            best = n.hops;
    return best < 0 ? -1 : best + 1;
}

void MeshRouter::beaconReceived(const RouteBeacon *b)
{
    auto [it, fresh] = neighbours.try_emplace(b->lastHopMac);
    Neighbour &n = it->second;
    if (fresh)
        n.linkQuality = 0.5;  // no history yet: neither trusted nor written off
    else {
        // every beacon missed since the last one counts as a failure (at most a window's worth)
        int64_t missed = std::min<int64_t>(std::max<int64_t>(b->seq - n.lastSeq - 1, 0), 20);
        for (int64_t i = 0; i < missed; i++)
            n.linkQuality *= 1 - alpha;
        n.linkQuality = (1 - alpha) * n.linkQuality + alpha;
    }
    n.lastSeq = b->seq;
    n.lastHeard = omnetpp::simTime();
    n.hops = b->hops;
    n.pathEtx = b->pathEtx;
    n.pathDelay = b->pathDelay;
    n.residualEnergy = b->residualEnergy;
    n.energyFraction = b->energyFraction;
    n.queueLength = b->queueLength;
    n.x = b->x;
    n.y = b->y;
    emitNeighbourState();
    flushWaiting();
}

void MeshRouter::emitNeighbourState()
{
    long count = 0;
    for (const auto &[addr, n] : neighbours)
        count += usable(n) ? 1 : 0;
    emit(neighboursSignal, count);
    int hops = ownHops();
    if (hops != lastAdvertisedHops) {
        emit(hopsSignal, (long)hops);
        lastAdvertisedHops = hops;
    }
}

void MeshRouter::sendBeacon()
{
    auto *b = new RouteBeacon();
    b->seq = beaconSeq++;
    b->hops = ownHops();
    b->queueLength = mac->getQueueLength();
    b->x = x;
    b->y = y;
    b->residualEnergy = battery ? battery->getResidualEnergy() : std::numeric_limits<double>::infinity();
    b->energyFraction = battery ? b->residualEnergy / battery->getCapacity() : 1.0;
    if (!sink) {  // each path estimate is the best over the usable neighbours
        double delay = std::numeric_limits<double>::infinity();
        for (const auto &[addr, n] : neighbours)
            if (usable(n))
                delay = std::min(delay, n.delayVia(hopTime));
        b->pathEtx = ownPathEtx();
        b->pathDelay = delay + b->queueLength * hopTime.dbl();
    }
    b->setByteLength(beaconBytes);
    b->created = omnetpp::simTime();
    emit(beaconSentSignal, 1L);
    emitNeighbourState();  // neighbours may have timed out since the last beacon
    expireDecisions();
    send(b, "lowerOut");
}

// ---- packets --------------------------------------------------------------------------

void MeshRouter::fromAbove(IotPacket *pkt)
{
    if (sink) {  // a reply from the gateway router, already addressed to the reverse path's first hop
        send(pkt, "lowerOut");
        return;
    }
    routeUp(pkt);  // the device's own reading
}

void MeshRouter::fromBelow(IotPacket *pkt)
{
    if (pkt->type == IotPacket::ROUTE_BEACON) {
        if (!sink)
            beaconReceived(static_cast<RouteBeacon *>(pkt));
        delete pkt;
        return;
    }
    pkt->hopCount++;
    if (sink) {
        send(pkt, "upperOut");
        return;
    }
    if (pkt->isAck()) {  // downlink: to this device, or one more hop back towards it
        if (recordExperience)
            resolveDecision({pkt->deviceId, pkt->seq}, true);
        if (pkt->deviceId == deviceId) {
            send(pkt, "upperOut");
            return;
        }
        auto it = reverseRoute.find(pkt->deviceId);
        if (it == reverseRoute.end()) {
            emit(dropNoRouteSignal, pkt);
            delete pkt;
            return;
        }
        pkt->nextHopMac = it->second;
        emit(forwardedSignal, pkt);
        send(pkt, "lowerOut");
        return;
    }
    reverseRoute[pkt->deviceId] = pkt->lastHopMac;
    if (pkt->hopCount >= maxHops) {
        emit(dropHopLimitSignal, pkt);
        delete pkt;
        return;
    }
    emit(forwardedSignal, pkt);
    maybeTamper(pkt);
    routeUp(pkt);
}

void MeshRouter::maybeTamper(IotPacket *pkt)
{
    if (tamperProbability <= 0 || pkt->type == IotPacket::SECURITY_HANDSHAKE)
        return;
    if (tamperProbability < 1 && !bernoulli(tamperProbability))  // no draw at 0 or 1: other runs keep their streams
        return;
    pkt->content ^= 0xff;  // a changed reading, forwarded as if nothing happened
    pkt->attack = ATTACK_MITM;
    emit(tamperedSignal, pkt);
}

void MeshRouter::routeUp(IotPacket *pkt)
{
    if (tryRoute(pkt))
        return;
    if (routeWaitLimit == 0) {
        emit(dropNoRouteSignal, pkt);
        delete pkt;
        return;
    }
    if (static_cast<int>(waiting.size()) >= routeWaitLimit) {  // make room: the oldest has waited longest
        emit(dropNoRouteSignal, waiting.front());
        delete waiting.front();
        waiting.pop_front();
    }
    pkt->setTimestamp();
    waiting.push_back(pkt);
}

void MeshRouter::flushWaiting()
{
    if (waiting.empty())  // the usual case: called for every beacon heard
        return;
    std::deque<IotPacket *> still;
    while (!waiting.empty()) {
        IotPacket *pkt = waiting.front();
        waiting.pop_front();
        if (omnetpp::simTime() - pkt->getTimestamp() > routeWaitTimeout) {
            emit(dropNoRouteSignal, pkt);
            delete pkt;
        }
        else if (!tryRoute(pkt, omnetpp::simTime() - pkt->getTimestamp()))
            still.push_back(pkt);
    }
    waiting.swap(still);
}

double MeshRouter::ownPathEtx() const
{
    double etx = std::numeric_limits<double>::infinity();
    for (const auto &[addr, n] : neighbours)
        if (usable(n))
            etx = std::min(etx, n.etxVia());
    return sink ? 0 : etx;
}

bool MeshRouter::tryRoute(IotPacket *pkt, omnetpp::simtime_t waited)
{
    int hops = ownHops();
    if (hops < 0)
        return false;
    double etx = progressByEtx ? ownPathEtx() : 0;
    std::vector<int> candidates;  // usable neighbours strictly closer to a gateway
    for (const auto &[addr, n] : neighbours) {
        bool closer = progressByEtx ? n.pathEtx < etx : n.hops < hops;
        if (usable(n) && closer && addr != pkt->lastHopMac)
            candidates.push_back(addr);
    }
    if (candidates.empty())
        return false;
    pkt->routeWait += waited;
    int next = chooseNextHop(pkt, hops, candidates);
    if (next < 0) {
        emit(dropByPolicySignal, pkt);
        delete pkt;
        return true;
    }
    if (recordExperience && pkt->type != IotPacket::SECURITY_HANDSHAKE)  // handshakes get no end-to-end ACK
        rememberDecision(pkt, next);
    pkt->nextHopMac = next;
    send(pkt, "lowerOut");
    return true;
}

int MeshRouter::builtinChoice(const std::vector<int> &candidates) const
{
    int best = candidates.front();
    for (int addr : candidates) {
        const Neighbour &n = neighbours.at(addr), &b = neighbours.at(best);
        if (n.hops < b.hops || (n.hops == b.hops && n.etxVia() < b.etxVia()))
            best = addr;
    }
    return best;
}

int MeshRouter::chooseNextHop(const IotPacket *pkt, int hops, const std::vector<int> &candidates)
{
    if (!routingHook.isSet())
        return builtinChoice(candidates);
    Value address = Value::list(), candHops = Value::list(), quality = Value::list(), pathEtx = Value::list();
    Value delay = Value::list(), energy = Value::list(), fraction = Value::list(), queue = Value::list();
    Value distance = Value::list();
    for (int addr : candidates) {
        CandidateView c = view(addr);
        address.append(addr);
        candHops.append(static_cast<int>(c.hops));
        quality.append(c.linkQuality);
        pathEtx.append(c.pathEtx);
        delay.append(c.delay);
        energy.append(c.residualEnergy);
        fraction.append(c.energyFraction);
        queue.append(static_cast<int>(c.queueLength));
        distance.append(c.distance);
    }
    double residual = battery ? battery->getResidualEnergy() : std::numeric_limits<double>::infinity();
    Value request = Value::dict({
        {"node", mac->getAddress()},
        {"hops", hops},
        {"residualEnergy", residual},
        {"queueLength", mac->getQueueLength()},
        {"packet", Value::dict({{"deviceId", pkt->deviceId}, {"seq", pkt->seq}, {"hopCount", pkt->hopCount},
                                 {"bytes", pkt->getByteLength()}})},
        {"candidates", Value::dict({{"address", address},
                                    {"hops", candHops},
                                    {"linkQuality", quality},
                                    {"pathEtx", pathEtx},
                                    {"delay", delay},
                                    {"residualEnergy", energy},
                                    {"energyFraction", fraction},
                                    {"queueLength", queue},
                                    {"distance", distance}})},
    });
    if (!routingSettings.empty())  // only runs that set routingSettings pay for it on every request
        request.set("settings", routingSettings);
    Value answer = routingHook(request);
    if (answer.kind() != Value::INT)
        throw omnetpp::cRuntimeError("routingHook must return a candidate's MAC address (int) or -1, got a %s", answer.kindName());
    int next = static_cast<int>(answer.asInt());
    if (next == -1)
        return -1;
    for (int addr : candidates)
        if (addr == next)
            return next;
    throw omnetpp::cRuntimeError("routingHook chose MAC address %d, which is not one of the candidates", next);
}

MeshRouter::CandidateView MeshRouter::view(int address) const
{
    const Neighbour &n = neighbours.at(address);
    return {static_cast<double>(n.hops), n.linkQuality, n.etxVia(), n.delayVia(hopTime), n.residualEnergy,
            n.energyFraction, static_cast<double>(n.queueLength), std::hypot(n.x - x, n.y - y)};
}

// ---- experience (training data for learned routing policies) ------------------------------

void MeshRouter::rememberDecision(const IotPacket *pkt, int next)
{
    std::pair<int, int64_t> key{pkt->deviceId, pkt->seq};
    if (pendingDecisions.count(key))  // a retransmission: the earlier copy was not acknowledged in time
        resolveDecision(key, false);
    pendingDecisions[key] = {omnetpp::simTime(), view(next)};
}

void MeshRouter::resolveDecision(const std::pair<int, int64_t> &key, bool delivered)
{
    auto it = pendingDecisions.find(key);
    if (it == pendingDecisions.end())
        return;
    const CandidateView &c = it->second.chosen;
    // one value per column at the same event, so the experience vectors line up row by row
    const double row[EXP_COLUMNS] = {c.hops, c.linkQuality, c.pathEtx, c.delay, c.energyFraction, c.queueLength,
                                     c.distance, delivered ? 1.0 : 0.0, (omnetpp::simTime() - it->second.at).dbl()};
    for (int i = 0; i < EXP_COLUMNS; i++)
        emit(experienceSignals[i], row[i]);
    pendingDecisions.erase(it);
}

void MeshRouter::expireDecisions()
{
    std::vector<std::pair<int, int64_t>> expired;
    for (const auto &[key, d] : pendingDecisions)
        if (omnetpp::simTime() - d.at >= experienceTimeout)
            expired.push_back(key);
    for (const auto &key : expired)
        resolveDecision(key, false);
}

}  // namespace qcity
