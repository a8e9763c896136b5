#include "UdpAccess.h"

#include <cmath>

#include "inet/common/ModuleAccess.h"
#include "inet/common/lifecycle/NodeStatus.h"
#include "inet/mobility/contract/IMobility.h"
#include "inet/networklayer/common/L3AddressResolver.h"
#include "inet/networklayer/common/L3AddressTag_m.h"
#include "inet/physicallayer/wireless/common/base/packetlevel/NarrowbandRadioBase.h"
#include "inet/transportlayer/common/L4PortTag_m.h"

#include "IotDatagram.h"

namespace qcity {

Define_Module(UdpAccess);

// IEEE 802.15.4 at 2.4 GHz: channel k (11-26) is centred on 2405 + 5 (k - 11) MHz
static inet::Hz channelFrequency(int channel) { return inet::MHz(2405 + 5 * (channel - 11)); }

static inet::Coord positionOf(omnetpp::cModule *node)
{
    auto *mobility = dynamic_cast<inet::IMobility *>(node->getSubmodule("mobility"));
    if (!mobility)
        throw omnetpp::cRuntimeError("%s has no mobility submodule to give its position", node->getFullPath().c_str());
    return mobility->getCurrentPosition();
}

void UdpAccess::initialize(int stage)
{
    if (stage == inet::INITSTAGE_LOCAL) {
        isGateway = par("gateway").boolValue();
        port = par("udpPort").intValue();
        if (port < 1 || port > 65535)
            throw omnetpp::cRuntimeError("udpPort must be 1..65535, got %d", port);
        socket.setOutputGate(gate("socketOut"));
        socket.setCallback(this);
    }
    else if (stage == inet::INITSTAGE_LINK_LAYER && !isGateway) {
        associate();  // positions are known (mobility), and nothing has been sent yet
    }
    else if (stage == inet::INITSTAGE_APPLICATION_LAYER) {
        socket.bind(port);
        if (!isGateway)  // addresses are assigned by now
            homeAddress = inet::L3AddressResolver().addressOf(homeGateway, par("interfaceName").stringValue());
    }
}

// The device's home gateway: the nearest (the strongest mean signal under log-distance path loss);
// the device's radio takes that gateway's channel.
void UdpAccess::associate()
{
    omnetpp::cModule *network = getSimulation()->getSystemModule();
    const char *vector = par("gateways").stringValue();
    if (!network->hasSubmoduleVector(vector) || network->getSubmoduleVectorSize(vector) == 0)
        throw omnetpp::cRuntimeError("no gateway in the network: %s has no submodule vector '%s' (parameter gateways)",
                                     network->getFullPath().c_str(), vector);
    inet::Coord here = positionOf(inet::getContainingNode(this));
    double best = INFINITY;
    for (int i = 0; i < network->getSubmoduleVectorSize(vector); i++) {
        omnetpp::cModule *gw = network->getSubmodule(vector, i);
        double d = here.distance(positionOf(gw));
        if (d < best) {  // ties keep the lower index
            best = d;
            homeGateway = gw;
        }
    }
    auto *radio = omnetpp::check_and_cast<inet::physicallayer::NarrowbandRadioBase *>(getModuleByPath(par("radioModule").stringValue()));
    int channel = homeGateway->par("radioChannel").intValue();
    if (channel < 11 || channel > 26)
        throw omnetpp::cRuntimeError("%s: radioChannel must be one of the 2.4 GHz channels 11-26, got %d",
                                     homeGateway->getFullPath().c_str(), channel);
    radio->setCenterFrequency(channelFrequency(channel));
}

bool UdpAccess::nodeIsUp() const
{
    auto *status = dynamic_cast<inet::NodeStatus *>(inet::getContainingNode(this)->getSubmodule("status"));
    return !status || status->getState() == inet::NodeStatus::UP;
}

omnetpp::cModule *UdpAccess::getHomeGateway() const
{
    if (isGateway || !homeGateway)
        throw omnetpp::cRuntimeError("%s has no home gateway (it is a gateway's, or asked before the link layer's initialisation)",
                                     getFullPath().c_str());
    return homeGateway;
}

void UdpAccess::handleMessage(omnetpp::cMessage *msg)
{
    if (msg->arrivedOn("upperIn") && !nodeIsUp()) {
        // a reading the MCU finished just after the battery died: INET's UDP is down (the node crashed)
        EV_WARN << "node is down, '" << msg->getName() << "' dropped\n";
        delete msg;
    }
    else if (msg->arrivedOn("upperIn"))
        sendDown(omnetpp::check_and_cast<IotPacket *>(msg));
    else if (socket.belongsToSocket(msg))
        socket.processMessage(msg);
    else
        throw omnetpp::cRuntimeError("unexpected message '%s' on gate %s", msg->getName(), msg->getArrivalGate()->getFullName());
}

void UdpAccess::sendDown(IotPacket *pkt)
{
    inet::L3Address to = homeAddress;
    int toPort = port;
    if (isGateway) {
        if (pkt->nextHopMac < 0 || pkt->nextHopMac >= static_cast<int>(peers.size()))
            throw omnetpp::cRuntimeError("'%s' is addressed to device %d, which has not written to this gateway", pkt->getName(), pkt->nextHopMac);
        std::tie(to, toPort) = peers[pkt->nextHopMac];
    }
    else if (pkt->nextHopMac != IotPacket::TO_GATEWAY)
        throw omnetpp::cRuntimeError("'%s': a device on INET sends to its gateway only (nextHopMac %d)", pkt->getName(), pkt->nextHopMac);
    pkt->setTimestamp();  // the gateway's end accounts the radio part of the latency from here
    socket.sendTo(toDatagram(pkt), to, toPort);
}

void UdpAccess::socketDataArrived(inet::UdpSocket *, inet::Packet *datagram)
{
    auto from = std::make_pair(datagram->getTag<inet::L3AddressInd>()->getSrcAddress(), datagram->getTag<inet::L4PortInd>()->getSrcPort());
    IotPacket *pkt = fromDatagram(datagram);
    if (isGateway) {
        auto [it, added] = peerIndex.emplace(from, static_cast<int>(peers.size()));
        if (added)
            peers.push_back(from);
        pkt->lastHopMac = it->second;
        pkt->macAccess += omnetpp::simTime() - pkt->getTimestamp();
    }
    send(pkt, "upperOut");
}

void UdpAccess::socketErrorArrived(inet::UdpSocket *, inet::Indication *indication)
{
    EV_WARN << "UDP error indication " << indication->getName() << ", ignored\n";
    delete indication;
}

}  // namespace qcity
