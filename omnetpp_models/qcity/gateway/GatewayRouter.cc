#include "GatewayRouter.h"

namespace qcity {

Define_Module(GatewayRouter);

GatewayRouter::~GatewayRouter()
{
    cancelAndDelete(serviceTimer);
    for (IotPacket *p : queue)
        delete p;
    delete inService;
}

void GatewayRouter::initialize()
{
    queueLength = par("queueLength").intValue();
    processingTime = par("processingTime").doubleValue();
    if (queueLength < 1 || processingTime < omnetpp::SimTime())
        throw omnetpp::cRuntimeError("queueLength must be at least 1 and processingTime not negative");
    queueLengthSignal = registerSignal("queueLength");
    dropSignal = registerSignal("dropQueueFull");
    forwardedSignal = registerSignal("forwarded");
    handshakeSignal = registerSignal("handshakeFragment");
    tamperedSignal = registerSignal("dropTampered");
    filteredSignal = registerSignal("dropFiltered");
    for (double port : omnetpp::cStringTokenizer(par("servicePorts").stringValue()).asDoubleVector())
        servicePorts.insert(static_cast<int>(port));
    tap = dynamic_cast<FlowTap *>(getParentModule()->getSubmodule("tap"));
    sessions = dynamic_cast<SessionManager *>(getParentModule()->getSubmodule("sessions"));
    fed = getParentModule()->getSubmodule("fed");
    serviceTimer = new omnetpp::cMessage("service", PROCESSED);
    emit(queueLengthSignal, 0L);
}

void GatewayRouter::handleMessage(omnetpp::cMessage *msg)
{
    if (msg == serviceTimer) {
        forward();
        return;
    }
    auto *pkt = omnetpp::check_and_cast<IotPacket *>(msg);
    if (msg->arrivedOn("fedIn")) {  // the gateway's own federated messages share the queue and the backhaul
        enqueue(pkt);
        return;
    }
    if (msg->arrivedOn("backhaulIn") && pkt->isFederated()) {
        if (!fed) {
            delete pkt;
            throw omnetpp::cRuntimeError("a federated detection message arrived, but this gateway has no FedClient (federated = false)");
        }
        sendDirect(pkt, fed, "modelIn");
        return;
    }
    if (msg->arrivedOn("backhaulIn")) {  // a reply to a device
        auto it = deviceMac.find(pkt->deviceId);
        if (it == deviceMac.end()) {
            EV << "no route to device " << pkt->deviceId << ", reply dropped\n";
            delete pkt;
            return;
        }
        pkt->nextHopMac = it->second;
        if (tap)
            tap->observeDownlink(*pkt, it->second);
        send(pkt, "radioOut");
        return;
    }
    deviceMac[pkt->deviceId] = pkt->lastHopMac;
    bool handshake = pkt->type == IotPacket::SECURITY_HANDSHAKE;
    bool tampered = !handshake && pkt->tag != 0 && (!sessions || !sessions->verifyReading(*pkt));
    if (tap)
        tap->observeUplink(*pkt, tampered);
    if (handshake) {  // the device's session ends here, at its gateway
        emit(handshakeSignal, pkt);
        delete pkt;
        return;
    }
    if (tampered) {  // modified on the way: never delivered
        emit(tamperedSignal, pkt);
        delete pkt;
        return;
    }
    if (!servicePorts.count(pkt->dstPort)) {  // no service of the control centre behind that port
        emit(filteredSignal, pkt);
        delete pkt;
        return;
    }
    enqueue(pkt);
}

void GatewayRouter::enqueue(IotPacket *pkt)
{
    if (static_cast<int>(queue.size()) >= queueLength) {
        emit(dropSignal, pkt);
        delete pkt;
        return;
    }
    pkt->setTimestamp();  // queue entry
    queue.push_back(pkt);
    emit(queueLengthSignal, (long)queue.size());
    if (!inService)
        startService();
}

void GatewayRouter::startService()
{
    if (queue.empty())
        return;
    inService = queue.front();
    queue.pop_front();
    emit(queueLengthSignal, (long)queue.size());
    inService->gwQueueing += omnetpp::simTime() - inService->getTimestamp();
    inService->gwProcessing += processingTime;
    serviceTimer->setKind(PROCESSED);
    scheduleAt(omnetpp::simTime() + processingTime, serviceTimer);
}

void GatewayRouter::forward()
{
    // a direct backhaul is a DatarateChannel: wait until it has finished the previous packet
    // (on a backbone the gateway's TrustRouter queues per link instead)
    omnetpp::cChannel *link = gate("backhaulOut")->findTransmissionChannel();
    if (link && link->isBusy()) {
        inService->gwQueueing += link->getTransmissionFinishTime() - omnetpp::simTime();
        serviceTimer->setKind(BACKHAUL_FREE);
        scheduleAt(link->getTransmissionFinishTime(), serviceTimer);
        return;
    }
    emit(forwardedSignal, inService);
    if (!inService->isFederated())
        inService->gateway = getParentModule()->getIndex();
    inService->leftGateway = omnetpp::simTime();
    send(inService, "backhaulOut");
    inService = nullptr;
    startService();
}

}  // namespace qcity
