#pragma once

#include <string>

#include "../iot/IotPacket.h"
#include "../quantum/KeyManager.h"
#include "qcity/hookvalue.h"
#include "qcity/sim.h"

namespace qcity {

// What FedClient and FedServer share: how a message is sealed, and how a hook's output becomes a packet.

// "qkd" when `bits` of key could be taken from the link's pool, else "pqc" (ML-KEM; no pool, or it ran short).
inline const char *takeSealingKey(KeyManager *keys, int64_t bits)
{
    return keys && keys->consume(bits) ? "qkd" : "pqc";
}

// A federated message carrying a hook's {"payload": str, "bytes": int}: on the wire it is the
// payload's binary size plus the transport header. `mode`: how it was sealed ("" for unsealed).
inline IotPacket *federatedPacket(const char *name, int type, int gateway, int round, const Value &message, int64_t headerBytes,
                                  const std::string &mode = "")
{
    auto *pkt = new IotPacket(name);
    pkt->type = type;
    pkt->gateway = gateway;
    pkt->round = round;
    pkt->payload = message["payload"].asString();
    pkt->pqcSealed = mode == "pqc";
    pkt->created = omnetpp::simTime();
    pkt->setByteLength(message["bytes"].asInt() + headerBytes);
    return pkt;
}

}  // namespace qcity
