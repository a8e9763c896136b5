#pragma once

#include <map>
#include <utility>
#include <vector>

#include "inet/networklayer/common/L3Address.h"
#include "inet/transportlayer/contract/udp/UdpSocket.h"

#include "iot/Association.h"
#include "iot/IotPacket.h"
#include "qcity/sim.h"

namespace qcity {

// See UdpAccess.ned.
class UdpAccess : public omnetpp::cSimpleModule, public Association, public inet::UdpSocket::ICallback
{
  protected:
    // parameters
    bool isGateway = false;
    int port = -1;

    // state
    inet::UdpSocket socket;
    omnetpp::cModule *homeGateway = nullptr;  // devices
    inet::L3Address homeAddress;               // devices: the home gateway's 802.15.4 address
    std::vector<std::pair<inet::L3Address, int>> peers;         // gateways: devices heard from, by lastHopMac
    std::map<std::pair<inet::L3Address, int>, int> peerIndex;

    int numInitStages() const override { return inet::NUM_INIT_STAGES; }
    void initialize(int stage) override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void associate();
    void sendDown(IotPacket *pkt);
    bool nodeIsUp() const;

    // inet::UdpSocket::ICallback
    void socketDataArrived(inet::UdpSocket *socket, inet::Packet *packet) override;
    void socketErrorArrived(inet::UdpSocket *socket, inet::Indication *indication) override;
    void socketClosed(inet::UdpSocket *socket) override {}

  public:
    omnetpp::cModule *getHomeGateway() const override;
};

}  // namespace qcity
