#include "AttackApp.h"

#include <cstring>

namespace qcity {

Define_Module(AttackApp);

AttackApp::~AttackApp() { cancelAndDelete(sendTimer); }

void AttackApp::initialize()
{
    std::string attack = par("attack").stdstringValue();
    const char *intervalPar = nullptr, *bytesPar = nullptr;
    if (attack == "flood") {
        kind = ATTACK_FLOOD, intervalPar = "floodInterval", bytesPar = "floodBytes";
    }
    else if (attack == "scan") {
        kind = ATTACK_SCAN, intervalPar = "scanInterval", bytesPar = "scanBytes";
    }
    else if (attack == "spoof") {
        kind = ATTACK_SPOOF, intervalPar = "spoofInterval", bytesPar = "spoofBytes";
    }
    else if (attack == "botnet") {
        kind = ATTACK_BOTNET, intervalPar = "beaconInterval", bytesPar = "beaconBytes";
    }
    else
        throw omnetpp::cRuntimeError("attack must be one of flood, scan, spoof, botnet; got \"%s\"", attack.c_str());
    interval = &par(intervalPar);
    packetBytes = par(bytesPar).intValue();
    if (packetBytes < 1)
        throw omnetpp::cRuntimeError("%s must be at least 1 byte", bytesPar);
    scanRandom = par("scanRandom").boolValue();
    victim = par("victim").intValue();
    ccPort = par("ccPort").intValue();
    if (ccPort < 1 || ccPort > 65535 || victim < 0)
        throw omnetpp::cRuntimeError("ccPort must be 1..65535 and victim a device index");
    stopTime = par("stopTime").doubleValue();
    ownId = 1000000 + getParentModule()->getIndex();
    sentSignal = registerSignal("attackSent");
    sendTimer = new omnetpp::cMessage("attack");
    omnetpp::simtime_t start = par("startTime").doubleValue();
    if (start < omnetpp::SimTime())
        throw omnetpp::cRuntimeError("startTime must not be negative");
    scheduleAt(start, sendTimer);
}

IotPacket *AttackApp::craft()
{
    auto *pkt = new IotPacket(attackName(kind));
    pkt->attack = kind;
    pkt->deviceId = ownId;
    pkt->seq = nextSeq++;
    pkt->created = omnetpp::simTime();
    pkt->setByteLength(packetBytes);
    pkt->srcPort = 40000 + getParentModule()->getIndex() % 10000;
    switch (kind) {
        case ATTACK_FLOOD:
            pkt->type = IotPacket::MQTT_PUBLISH;
            pkt->qos = 0;
            pkt->dstPort = MQTT_PORT;
            break;
        case ATTACK_SCAN:
            pkt->type = IotPacket::COAP_NON;  // an unanswered datagram; only its port matters
            pkt->dstPort = scanRandom ? static_cast<int>(intuniform(1, 65535)) : nextScanPort;
            pkt->srcPort = static_cast<int>(intuniform(32768, 60999));  // scanners vary the source port
            nextScanPort = nextScanPort % 65535 + 1;
            break;
        case ATTACK_SPOOF:
            pkt->type = IotPacket::MQTT_PUBLISH;
            pkt->deviceId = victim;
            pkt->seq += int64_t(1) << 40;  // not the victim's numbers: the broker takes each as new
            pkt->srcPort = IotPacket::devicePort(victim);  // the victim's own flow, as far as ports tell
            pkt->dstPort = MQTT_PORT;
            break;
        case ATTACK_BOTNET:
            pkt->type = IotPacket::COAP_NON;
            pkt->dstPort = ccPort;
            break;
    }
    return pkt;
}

void AttackApp::handleMessage(omnetpp::cMessage *msg)
{
    if (!msg->isSelfMessage()) {  // replies to forged messages, ACK-less datagrams: nothing to do
        delete msg;
        return;
    }
    if (stopTime >= omnetpp::SimTime() && omnetpp::simTime() >= stopTime)
        return;
    emit(sentSignal, 1L);
    send(craft(), "lowerOut");
    omnetpp::simtime_t gap = interval->doubleValue();
    if (gap <= omnetpp::SimTime())
        throw omnetpp::cRuntimeError("%s must be positive, got %s", interval->getName(), gap.str().c_str());
    scheduleAt(omnetpp::simTime() + gap, sendTimer);
}

}  // namespace qcity
