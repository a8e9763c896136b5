#pragma once

#include <string>

#include "qcity/sim.h"

namespace qcity {

// An application message of an IoT device (MQTT over a UDP-like transport, or CoAP), with
// the timestamps the control centre needs to split its end-to-end latency into parts.
class IotPacket : public omnetpp::cPacket
{
  public:
    enum Type { MQTT_PUBLISH = 1, MQTT_PUBACK, COAP_CON, COAP_NON, COAP_ACK, ROUTE_BEACON, SECURITY_HANDSHAKE,
                // federated detection between a gateway's FedClient and the control centre's FedServer
                FEDERATED_SETUP, FEDERATED_KEYS, FEDERATED_MODEL, FEDERATED_UPDATE };
    // special values of nextHopMac
    static constexpr int TO_GATEWAY = -1;  // the device's associated gateway (single-hop access)
    static constexpr int BROADCAST = -2;   // every radio in range, unacknowledged

    int type = MQTT_PUBLISH;
    int deviceId = -1;    // the device that published (also the ACK's destination)
    int64_t seq = 0;      // per-device message number (retransmissions keep it)
    int attempt = 0;      // 0 for the first transmission by the application
    int qos = 1;          // MQTT PUBLISH: 0 is never acknowledged, 1 is answered with PUBACK
    int nextHopMac = TO_GATEWAY;  // MAC address to send to, or TO_GATEWAY / BROADCAST
    int lastHopMac = -1;  // MAC address it was received from (set by the receiving MAC)
    omnetpp::simtime_t created;  // when the application created it
    // latency parts, added along the uplink path
    omnetpp::simtime_t processing;    // device CPU time for building the message
    omnetpp::simtime_t routeWait;     // multi-hop: waiting for a route to a gateway
    omnetpp::simtime_t macQueueing;   // waiting behind other frames in the MAC queue
    omnetpp::simtime_t macAccess;     // backoffs, CCAs, failed attempts and ACK timeouts
    omnetpp::simtime_t transmission;  // air time of the successful frame
    omnetpp::simtime_t propagation;   // radio propagation delay
    omnetpp::simtime_t gwQueueing;    // waiting in the gateway's queue
    omnetpp::simtime_t gwProcessing;  // gateway processing
    omnetpp::simtime_t backhaul;      // gateway to control centre (over the backbone, if there is one)
    omnetpp::simtime_t leftGateway;   // when it left its gateway's router for the control centre
    int macRetries = 0;
    int hopCount = 0;  // radio hops so far (multi-hop access)
    int backboneHops = 0;   // gateway-to-gateway links crossed (TrustRouter backbone)
    int relayDelays = 0;    // times the current backbone gateway has held it back (delay decisions)
    // integrity (DeviceSecurity): what the reading says, and the tag a secure device put over it
    uint64_t content = 0;     // stands for the reading's bytes; readingContent() unless modified on the way
    int64_t sessionId = -1;   // the device's session whose key made the tag
    uint64_t tag = 0;         // 0: sent without integrity protection
    // transport ports (a device's flow to the broker: its own port, MQTT 1883 or CoAP 5683)
    int srcPort = 0;
    int dstPort = 0;
    // ground truth for measurement only (AttackKind.h): set by an attacker or a tampering relay,
    // read by statistics that score detection, never by a detector
    int attack = 0;
    // federated detection messages: what the hooks produced (opaque to the network), the round, the gateway
    std::string payload;
    int round = -1;
    int gateway = -1;  // uplink: the gateway it entered the backhaul at; federated: the FedClient's gateway, sender or receiver
    int toGateway = -1;  // backbone: a message from the control centre on its way to this gateway
    bool pqcSealed = false;  // sealed under an ML-KEM secret rather than QKD key
    std::string sealingKeyId;  // a QKD seal: the ETSI 014 key ID the receiver fetches its copy by

    // The content a device gives its reading; anything else arriving means it was modified on the way.
    static uint64_t readingContent(int deviceId, int64_t seq) { return (static_cast<uint64_t>(deviceId) << 40) ^ static_cast<uint64_t>(seq); }
    // The ephemeral port a device's session with the broker uses (one per device).
    static int devicePort(int deviceId) { return 49152 + deviceId % 16384; }

    using cPacket::cPacket;
    IotPacket *dup() const override { return new IotPacket(*this); }
    const char *getClassName() const override { return "qcity::IotPacket"; }
    bool isAck() const { return type == MQTT_PUBACK || type == COAP_ACK; }
    // the control centre answers it (QoS 1 PUBLISH, CoAP CON), so its delivery can be observed
    bool expectsReply() const { return (type == MQTT_PUBLISH && qos == 1) || type == COAP_CON; }
    bool isFederated() const { return type >= FEDERATED_SETUP && type <= FEDERATED_UPDATE; }
};

}  // namespace qcity
