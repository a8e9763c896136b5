#include "UdpPorts.h"

#include "inet/common/ModuleAccess.h"
#include "inet/networklayer/common/L3AddressResolver.h"
#include "inet/networklayer/common/L3AddressTag_m.h"

#include "iot/IotPacket.h"
#include "IotDatagram.h"

namespace qcity {

Define_Module(UdpPorts);

std::vector<omnetpp::cModule *> UdpPorts::resolvePeers(const std::string &spec) const
{
    omnetpp::cModule *network = getSimulation()->getSystemModule();
    std::vector<omnetpp::cModule *> nodes;
    const std::string all = "[*]";
    if (spec.size() > all.size() && spec.compare(spec.size() - all.size(), all.size(), all) == 0) {
        std::string vector = spec.substr(0, spec.size() - all.size());
        if (!network->hasSubmoduleVector(vector.c_str()))
            throw omnetpp::cRuntimeError("peers: the network has no submodule vector '%s'", vector.c_str());
        for (int i = 0; i < network->getSubmoduleVectorSize(vector.c_str()); i++)
            nodes.push_back(network->getSubmodule(vector.c_str(), i));
    }
    else {
        omnetpp::cModule *node = network->findModuleByPath(spec.c_str());
        if (!node)
            throw omnetpp::cRuntimeError("peers: no module '%s' in the network", spec.c_str());
        nodes.push_back(node);
    }
    return nodes;
}

void UdpPorts::initialize(int stage)
{
    if (stage == inet::INITSTAGE_LOCAL) {
        port = par("udpPort").intValue();
        if (port < 1 || port > 65535)
            throw omnetpp::cRuntimeError("udpPort must be 1..65535, got %d", port);
        peerNodes = resolvePeers(par("peers").stdstringValue());
        if (static_cast<int>(peerNodes.size()) != gateSize("port"))
            throw omnetpp::cRuntimeError("peers names %d nodes but port[] has %d gates: one gate per peer",
                                         static_cast<int>(peerNodes.size()), gateSize("port"));
        socket.setOutputGate(gate("socketOut"));
        socket.setCallback(this);
    }
    else if (stage == inet::INITSTAGE_APPLICATION_LAYER) {
        socket.bind(port);
        omnetpp::cModule *self = inet::getContainingNode(this);
        for (omnetpp::cModule *peer : peerNodes) {  // its interface on the link towards this node
            peerAddresses.push_back(inet::L3AddressResolver().addressOf(peer, self));
            gateOfAddress[peerAddresses.back()] = static_cast<int>(peerAddresses.size()) - 1;
        }
    }
}

void UdpPorts::handleMessage(omnetpp::cMessage *msg)
{
    if (msg->arrivedOn("port$i")) {
        int k = msg->getArrivalGate()->getIndex();
        socket.sendTo(toDatagram(omnetpp::check_and_cast<IotPacket *>(msg)), peerAddresses.at(k), port);
    }
    else if (socket.belongsToSocket(msg))
        socket.processMessage(msg);
    else
        throw omnetpp::cRuntimeError("unexpected message '%s' on gate %s", msg->getName(), msg->getArrivalGate()->getFullName());
}

void UdpPorts::socketDataArrived(inet::UdpSocket *, inet::Packet *datagram)
{
    inet::L3Address from = datagram->getTag<inet::L3AddressInd>()->getSrcAddress();
    auto it = gateOfAddress.find(from);
    if (it == gateOfAddress.end()) {
        omnetpp::cModule *node = inet::L3AddressResolver().findHostWithAddress(from);
        std::string who = node ? node->getFullPath() : from.str();
        delete datagram;
        throw omnetpp::cRuntimeError("a datagram from %s, which is not one of the peers (parameter peers)", who.c_str());
    }
    send(fromDatagram(datagram), "port$o", it->second);
}

void UdpPorts::socketErrorArrived(inet::UdpSocket *, inet::Indication *indication)
{
    EV_WARN << "UDP error indication " << indication->getName() << ", ignored\n";
    delete indication;
}

}  // namespace qcity
