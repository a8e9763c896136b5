#include "ControlCenter.h"

#include "AttackKind.h"

#include <algorithm>

namespace qcity {

Define_Module(ControlCenter);

void ControlCenter::initialize()
{
    pubackBytes = par("pubackBytes").intValue();
    coapAckBytes = par("coapAckBytes").intValue();
    transportBytes = par("transportBytes").intValue();
    taskProbability = par("taskProbability").doubleValue();
    if (taskProbability < 0 || taskProbability > 1)
        throw omnetpp::cRuntimeError("taskProbability must be in [0, 1], got %g", taskProbability);
    hasScheduler = gate("taskOut")->isConnected();
    fedServer = findModuleByPath(par("fedServer").stringValue());
    rxSignal = registerSignal("rxPk");
    dupSignal = registerSignal("duplicatePk");
    tamperedSignal = registerSignal("tamperedPk");
    attackSignal = registerSignal("attackPk");
    e2eSignal = registerSignal("endToEndDelay");
    hopSignal = registerSignal("hopCount");
    backboneHopSignal = registerSignal("backboneHops");
    const char *parts[NUM_PARTS] = {"latencyProcessing", "latencyRouteWait", "latencyMacQueueing", "latencyMacAccess", "latencyTransmission", "latencyPropagation",
                            "latencyGatewayQueueing", "latencyGatewayProcessing", "latencyBackhaul", "latencyRetransmissionWait"};
    for (int i = 0; i < NUM_PARTS; i++)
        partSignals[i] = registerSignal(parts[i]);
}

void ControlCenter::handleMessage(omnetpp::cMessage *msg)
{
    auto *pkt = omnetpp::check_and_cast<IotPacket *>(msg);
    if (pkt->isFederated()) {
        relayFederated(pkt);
        return;
    }
    int port = msg->getArrivalGate()->getIndex();
    if (pkt->isAck()) {  // replies go the other way; one arriving here is a modelling error
        delete pkt;
        throw omnetpp::cRuntimeError("control centre received an acknowledgement");
    }
    if (pkt->expectsReply())
        reply(pkt, port);  // a duplicate is answered too: its ACK may have been lost
    checkIdentity(*pkt);
    if (isInjected(pkt->attack)) {  // an attacker's own traffic: served like any other, but not a reading
        emit(attackSignal, pkt);
        delete pkt;
        return;
    }
    bool fresh = firstTime(pkt->deviceId, pkt->seq);
    if (!fresh) {
        emit(dupSignal, 1L);
        delete pkt;
        return;
    }
    if (pkt->created < getSimulation()->getWarmupPeriod()) {  // its publication was not counted either
        delete pkt;
        return;
    }
    omnetpp::simtime_t now = omnetpp::simTime();
    pkt->backhaul = now - pkt->leftGateway;
    omnetpp::simtime_t e2e = now - pkt->created;
    omnetpp::simtime_t parts[NUM_PARTS] = {pkt->processing, pkt->routeWait, pkt->macQueueing, pkt->macAccess, pkt->transmission, pkt->propagation,
                                   pkt->gwQueueing, pkt->gwProcessing, pkt->backhaul, omnetpp::SimTime()};
    omnetpp::simtime_t accounted;
    for (int i = 0; i < NUM_PARTS - 1; i++)
        accounted += parts[i];
    parts[NUM_PARTS - 1] = e2e - accounted;  // the rest: time until the copy that arrived was (re)sent by the application
    emit(rxSignal, pkt);
    if (pkt->content != IotPacket::readingContent(pkt->deviceId, pkt->seq))
        emit(tamperedSignal, pkt);
    if (hasScheduler && bernoulli(taskProbability))
        send(new omnetpp::cMessage("task"), "taskOut");
    emit(e2eSignal, e2e);
    emit(hopSignal, (long)std::max(pkt->hopCount, 1));  // single-hop access does not count hops
    emit(backboneHopSignal, (long)pkt->backboneHops);
    for (int i = 0; i < NUM_PARTS; i++)
        emit(partSignals[i], parts[i]);
    delete pkt;
}

bool ControlCenter::firstTime(int device, int64_t seq)
{
    std::set<int64_t> &seen = received[device];
    if (!seen.empty() && seq <= *seen.rbegin() - kWindow)
        return false;  // older than the window: certainly seen (or given up on) long ago
    bool inserted = seen.insert(seq).second;
    while (!seen.empty() && *seen.begin() <= *seen.rbegin() - kWindow)
        seen.erase(seen.begin());
    return inserted;
}

void ControlCenter::reply(IotPacket *reading, int port)
{
    auto *ack = new IotPacket(reading->type == IotPacket::COAP_CON ? "coapAck" : "puback");
    ack->type = reading->type == IotPacket::COAP_CON ? IotPacket::COAP_ACK : IotPacket::MQTT_PUBACK;
    ack->deviceId = reading->deviceId;
    ack->seq = reading->seq;
    ack->srcPort = reading->dstPort;  // the reply of the reading's flow
    ack->dstPort = reading->srcPort;
    ack->attack = reading->attack;
    ack->created = omnetpp::simTime();
    ack->setByteLength((ack->type == IotPacket::COAP_ACK ? coapAckBytes : pubackBytes) + transportBytes);
    sendOnPort(ack, port);
}

void ControlCenter::checkIdentity(const IotPacket &reading)
{
    // A device's readings arrive through one gateway (its cell's, or its route's sink); one in its
    // name through another gateway is flagged: what a gateway cannot see when the spoofer sits in
    // another cell. A device that moves to another gateway is flagged too (counted as a false alert).
    auto [home, first] = homeGateway.emplace(reading.deviceId, reading.gateway);
    bool flagged = !first && home->second != reading.gateway;
    bool spoofed = reading.attack == ATTACK_SPOOF;
    spoofReadings += spoofed;
    spoofFlagged += flagged && spoofed;
    spoofFalseAlerts += flagged && !spoofed;
}

void ControlCenter::finish()
{
    recordScalar("spoofReadings", static_cast<double>(spoofReadings));
    recordScalar("spoofFlagged", static_cast<double>(spoofFlagged));
    recordScalar("spoofFalseAlerts", static_cast<double>(spoofFalseAlerts));
}

void ControlCenter::relayFederated(IotPacket *pkt)
{
    if (pkt->arrivedOn("fedIn")) {  // from the server, to a gateway
        auto it = gatewayPort.find(pkt->gateway);
        if (it == gatewayPort.end()) {
            int g = pkt->gateway;
            delete pkt;
            throw omnetpp::cRuntimeError("federated message for gateway %d, which has not been heard from", g);
        }
        sendOnPort(pkt, it->second);
        return;
    }
    if (!fedServer) {
        delete pkt;
        throw omnetpp::cRuntimeError("a federated detection message arrived, but there is no server at '%s'", par("fedServer").stringValue());
    }
    gatewayPort[pkt->gateway] = pkt->getArrivalGate()->getIndex();
    sendDirect(pkt, fedServer, "in");
}

void ControlCenter::sendOnPort(IotPacket *pkt, int port)
{
    // a port is a DatarateChannel to the gateway, or (INET variant) a transport that queues itself
    omnetpp::cGate *out = gate("port$o", port);
    omnetpp::cChannel *link = out->findTransmissionChannel();
    if (link && link->isBusy())
        sendDelayed(pkt, link->getTransmissionFinishTime() - omnetpp::simTime(), out);
    else
        send(pkt, out);
}

}  // namespace qcity
