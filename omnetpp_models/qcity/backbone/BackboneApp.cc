#include "BackboneApp.h"

namespace qcity {

Define_Module(BackboneApp);

BackboneApp::~BackboneApp() { cancelAndDelete(sendTimer); }

void BackboneApp::initialize()
{
    sink = par("sink").boolValue();
    messageBytes = par("messageBytes").intValue();
    if (messageBytes < 1)
        throw omnetpp::cRuntimeError("messageBytes must be at least 1B");
    address = getParentModule()->getIndex();
    sentSignal = registerSignal("sentPk");
    rxSignal = registerSignal("rxPk");
    ackedSignal = registerSignal("ackedPk");
    delaySignal = registerSignal("endToEndDelay");
    hopsSignal = registerSignal("hopCount");
    if (!sink) {
        sendTimer = new omnetpp::cMessage("send");
        scheduleAt(omnetpp::simTime() + par("startTime").doubleValue(), sendTimer);
    }
}

void BackboneApp::handleMessage(omnetpp::cMessage *msg)
{
    if (msg == sendTimer) {
        sendMessage();
        omnetpp::simtime_t interval = par("sendInterval").doubleValue();
        if (interval <= omnetpp::SimTime())
            throw omnetpp::cRuntimeError("sendInterval must be positive, got %s", interval.str().c_str());
        scheduleAt(omnetpp::simTime() + interval, sendTimer);
        return;
    }
    auto *pkt = omnetpp::check_and_cast<IotPacket *>(msg);
    if (pkt->isAck()) {
        emit(ackedSignal, pkt);
        delete pkt;
    }
    else if (sink)
        answer(pkt);
    else
        delete pkt;  // not addressed to us (cannot happen with a consistent router)
}

void BackboneApp::sendMessage()
{
    auto *pkt = new IotPacket("message");
    pkt->type = IotPacket::MQTT_PUBLISH;
    pkt->deviceId = address;
    pkt->seq = nextSeq++;
    pkt->created = omnetpp::simTime();
    pkt->setByteLength(messageBytes);
    emit(sentSignal, pkt);
    send(pkt, "lowerOut");
}

void BackboneApp::answer(IotPacket *pkt)
{
    if (pkt->created >= getSimulation()->getWarmupPeriod()) {  // keep delivery a ratio of what was counted as sent
        emit(rxSignal, pkt);
        emit(delaySignal, omnetpp::simTime() - pkt->created);
        emit(hopsSignal, (long)pkt->backboneHops);
    }
    auto *ack = new IotPacket("ack");
    ack->type = IotPacket::MQTT_PUBACK;
    ack->deviceId = pkt->deviceId;
    ack->seq = pkt->seq;
    ack->created = omnetpp::simTime();
    ack->setByteLength(40);
    delete pkt;
    send(ack, "lowerOut");
}

}  // namespace qcity
