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

// What sending federated messages costs, recorded alike by FedClient and FedServer: bytes
// (fedSent), QKD key taken (fedKeyBits) and ML-KEM sealings (fedPqcSealed), from the owning
// module's keyBits and headerBytes parameters.
class SealingCosts
{
    omnetpp::cComponent *owner = nullptr;
    omnetpp::simsignal_t sentSignal = 0, keyBitsSignal = 0, pqcSignal = 0;

  public:
    int64_t keyBits = 256;     // what a QKD-sealed message takes from the pool
    int64_t headerBytes = 48;  // transport and IPv6 headers on the backhaul

    void initialize(omnetpp::cComponent *module)
    {
        owner = module;
        keyBits = module->par("keyBits").intValue();
        headerBytes = module->par("headerBytes").intValue();
        if (keyBits < 0 || headerBytes < 0)
            throw omnetpp::cRuntimeError("keyBits and headerBytes must not be negative");
        sentSignal = omnetpp::cComponent::registerSignal("fedSent");
        keyBitsSignal = omnetpp::cComponent::registerSignal("fedKeyBits");
        pqcSignal = omnetpp::cComponent::registerSignal("fedPqcSealed");
    }
    // A message leaving; mode: how it was sealed ("qkd", "pqc", or "" for unsealed set-up messages).
    void record(const IotPacket &pkt, const std::string &mode) const
    {
        owner->emit(sentSignal, static_cast<long>(pkt.getByteLength()));
        if (mode == "qkd")
            owner->emit(keyBitsSignal, static_cast<long>(keyBits));
        else if (mode == "pqc")
            owner->emit(pqcSignal, 1L);
    }
};

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
