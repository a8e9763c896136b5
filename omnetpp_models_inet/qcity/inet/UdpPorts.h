#pragma once

#include <map>
#include <vector>

#include "inet/networklayer/common/L3Address.h"
#include "inet/transportlayer/contract/udp/UdpSocket.h"

#include "qcity/sim.h"

namespace qcity {

// See UdpPorts.ned.
class UdpPorts : public omnetpp::cSimpleModule, public inet::UdpSocket::ICallback
{
  protected:
    // parameters
    int port = -1;
    std::vector<omnetpp::cModule *> peerNodes;

    // state
    inet::UdpSocket socket;
    std::vector<inet::L3Address> peerAddresses;  // by gate index: the peer's address on its link to this node
    std::map<inet::L3Address, int> gateOfAddress;  // a peer sends from that same interface

    int numInitStages() const override { return inet::NUM_INIT_STAGES; }
    void initialize(int stage) override;
    void handleMessage(omnetpp::cMessage *msg) override;
    std::vector<omnetpp::cModule *> resolvePeers(const std::string &spec) const;

    // inet::UdpSocket::ICallback
    void socketDataArrived(inet::UdpSocket *socket, inet::Packet *packet) override;
    void socketErrorArrived(inet::UdpSocket *socket, inet::Indication *indication) override;
    void socketClosed(inet::UdpSocket *socket) override {}
};

}  // namespace qcity
