#include "SensorApp.h"

#include "AttackKind.h"

namespace qcity {

Define_Module(SensorApp);

SensorApp::~SensorApp()
{
    cancelAndDelete(readingTimer);
    for (auto &[seq, p] : pending) {
        cancelAndDelete(p.timer);
        delete p.copy;
    }
}

void SensorApp::initialize()
{
    std::string protocol = par("protocol").stdstringValue();
    if (protocol != "mqtt" && protocol != "coap")
        throw omnetpp::cRuntimeError("protocol must be \"mqtt\" or \"coap\", got \"%s\"", protocol.c_str());
    coap = protocol == "coap";
    int qos = par("qos").intValue();
    if (qos != 0 && qos != 1)
        throw omnetpp::cRuntimeError("MQTT qos must be 0 or 1, got %d", qos);
    acknowledged = coap ? par("confirmable").boolValue() : qos == 1;
    sendInterval = &par("sendInterval");
    int64_t payload = par("payloadSize").intValue(), topic = par("topicLength").intValue(), token = par("tokenLength").intValue();
    if (payload < 0 || topic < 0 || token < 0 || token > 8)
        throw omnetpp::cRuntimeError("payloadSize and topicLength must not be negative, tokenLength must be 0..8");
    int64_t appBytes;
    if (coap)  // header, token, Uri-Path option (1 byte, +1 extended length above 12), payload marker, payload
        appBytes = 4 + token + 1 + (topic > 12 ? 1 : 0) + topic + (payload > 0 ? 1 : 0) + payload;
    else  // fixed header, topic length + topic, packet id (QoS 1), payload
        appBytes = 2 + 2 + topic + (qos == 1 ? 2 : 0) + payload;
    messageBytes = appBytes + par("udpHeaderBytes").intValue() + par("networkHeaderBytes").intValue();
    ackTimeout = par("ackTimeout").doubleValue();
    ackRandomFactor = par("ackRandomFactor").doubleValue();
    maxRetransmit = par("maxRetransmit").intValue();
    processingTime = par("processingTime").doubleValue();
    if (ackTimeout <= omnetpp::SimTime() || ackRandomFactor < 1 || maxRetransmit < 0 || processingTime < omnetpp::SimTime())
        throw omnetpp::cRuntimeError("need ackTimeout > 0, ackRandomFactor >= 1, maxRetransmit >= 0, processingTime >= 0");
    battery = EnergySupply::find(this, par("battery").stdstringValue(), this);
    deviceId = getParentModule()->getIndex();
    sentSignal = registerSignal("sentPk");
    retransmitSignal = registerSignal("retransmission");
    ackedSignal = registerSignal("ackedPk");
    giveUpSignal = registerSignal("giveUp");
    rttSignal = registerSignal("roundTrip");
    readingTimer = new omnetpp::cMessage("reading", NEXT_READING);
    scheduleAt(omnetpp::simTime() + par("startTime").doubleValue(), readingTimer);
}

void SensorApp::handleMessage(omnetpp::cMessage *msg)
{
    if (!msg->isSelfMessage()) {
        auto *pkt = omnetpp::check_and_cast<IotPacket *>(msg);
        if (!poweredOff && pkt->isAck())
            handleAck(pkt);
        delete pkt;
        return;
    }
    switch (msg->getKind()) {
        case NEXT_READING:
            publish();
            scheduleAt(omnetpp::simTime() + sendInterval->doubleValue(), readingTimer);
            break;
        case PROCESSED: {  // the MCU has built the message: hand it to the MAC
            auto *pkt = omnetpp::check_and_cast<IotPacket *>(msg);
            pkt->setKind(0);
            if (battery)
                battery->cpuStop();
            transmit(pkt);
            break;
        }
        case RETRANSMIT: retransmit(static_cast<int64_t>(reinterpret_cast<intptr_t>(msg->getContextPointer()))); break;
        default: throw omnetpp::cRuntimeError("Unexpected message kind %d", msg->getKind());
    }
}

void SensorApp::publish()
{
    auto *pkt = new IotPacket(coap ? "coap" : "mqtt");
    pkt->type = coap ? (acknowledged ? IotPacket::COAP_CON : IotPacket::COAP_NON) : IotPacket::MQTT_PUBLISH;
    pkt->deviceId = deviceId;
    pkt->qos = acknowledged ? 1 : 0;
    pkt->seq = nextSeq++;
    pkt->content = IotPacket::readingContent(deviceId, pkt->seq);
    pkt->created = omnetpp::simTime();
    pkt->processing = processingTime;
    pkt->srcPort = IotPacket::devicePort(deviceId);
    pkt->dstPort = coap ? COAP_PORT : MQTT_PORT;
    pkt->setByteLength(messageBytes);
    if (battery)
        battery->cpuStart();
    pkt->setKind(PROCESSED);  // the message itself waits for the MCU: one still waiting at the end is the module's to delete
    scheduleAt(omnetpp::simTime() + processingTime, pkt);
}

void SensorApp::transmit(IotPacket *pkt)
{
    emit(sentSignal, pkt);
    if (acknowledged) {
        Pending p;
        p.copy = pkt->dup();
        p.timeout = ackTimeout * uniform(1.0, ackRandomFactor);  // RFC 7252: initial timeout in [T, T * factor]
        p.timer = new omnetpp::cMessage("retransmit", RETRANSMIT);
        p.timer->setContextPointer(reinterpret_cast<void *>(static_cast<intptr_t>(pkt->seq)));
        scheduleAt(omnetpp::simTime() + p.timeout, p.timer);
        pending[pkt->seq] = p;
    }
    send(pkt, "lowerOut");
}

void SensorApp::handleAck(IotPacket *ack)
{
    auto it = pending.find(ack->seq);
    if (it == pending.end())
        return;  // a late duplicate ACK
    emit(ackedSignal, 1L);
    emit(rttSignal, omnetpp::simTime() - it->second.copy->created);
    cancelAndDelete(it->second.timer);
    delete it->second.copy;
    pending.erase(it);
}

void SensorApp::retransmit(int64_t seq)
{
    Pending &p = pending.at(seq);
    if (p.retransmits >= maxRetransmit) {
        emit(giveUpSignal, 1L);
        delete p.timer;
        delete p.copy;
        pending.erase(seq);
        return;
    }
    p.retransmits++;
    p.timeout = p.timeout * 2;  // binary exponential backoff
    scheduleAt(omnetpp::simTime() + p.timeout, p.timer);
    auto *again = p.copy->dup();
    again->attempt = p.retransmits;
    emit(retransmitSignal, 1L);
    send(again, "lowerOut");
}

void SensorApp::powerOff()
{
    Enter_Method_Silent();
    poweredOff = true;
    cancelEvent(readingTimer);
    for (auto &[seq, p] : pending) {
        cancelAndDelete(p.timer);
        delete p.copy;
    }
    pending.clear();
}

}  // namespace qcity
