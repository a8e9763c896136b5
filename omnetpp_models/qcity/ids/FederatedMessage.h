#pragma once

#include <string>

#include "../iot/IotPacket.h"
#include "../quantum/KeyManager.h"
#include "qcity/hookvalue.h"
#include "qcity/sim.h"

namespace qcity {

// What FedClient and FedServer share: how a message is sealed, and how a hook's output becomes a packet.

// How a message is sealed: "qkd", with the ID of the key the sender took by ETSI GS QKD 014 (the
// receiver fetches the same key by that ID, openSealingKey), or "pqc" (ML-KEM).
struct Seal
{
    const char *mode;
    std::string keyId;  // "" for ML-KEM, or a QKD seal that takes no key (keyBits = 0)
};

// The sender's seal on the link between gateway and control centre: `bits` of key by get_key, the
// sender's SAE as master; "pqc" when the gateway has no KeyManager or its pool is short.
inline Seal takeSealingKey(KeyManager *keys, bool fromGateway, int64_t bits)
{
    if (!keys)
        return {"pqc", ""};
    if (bits == 0)
        return {"qkd", ""};
    const std::string &gateway = keys->getSaeId(), &centre = keys->getPeerSaeId();
    KeyReply r = keys->getKey(fromGateway ? gateway : centre, fromGateway ? centre : gateway, 1, static_cast<int>(bits));
    if (r.status == 503)
        return {"pqc", ""};
    if (!r.ok())
        throw omnetpp::cRuntimeError("a %lld-bit sealing key was refused (%d): %s", (long long)bits, r.status,
                                     r.message.c_str());
    return {"qkd", r.keys[0].id};
}

// The receiver's copy of a QKD-sealed message's key, fetched by get_key_with_key_IDs with the key ID the
// message carries; a key the receiver's end does not hold stops the run.
inline void openSealingKey(KeyManager *keys, bool fromGateway, const IotPacket &pkt)
{
    if (pkt.pqcSealed || pkt.sealingKeyId.empty())
        return;
    if (!keys)
        throw omnetpp::cRuntimeError("a QKD-sealed message of gateway %d, whose link has no KeyManager", pkt.gateway);
    const std::string &gateway = keys->getSaeId(), &centre = keys->getPeerSaeId();
    KeyReply r = keys->getKeyWithKeyIds(fromGateway ? gateway : centre, fromGateway ? centre : gateway, {pkt.sealingKeyId});
    if (!r.ok())
        throw omnetpp::cRuntimeError("sealing key %s of a federated message (gateway %d) refused (%d): %s",
                                     pkt.sealingKeyId.c_str(), pkt.gateway, r.status, r.message.c_str());
}

// What sending federated messages costs, recorded alike by FedClient and FedServer: bytes
// (fedSent), QKD key taken (fedKeyBits) and ML-KEM sealings (fedPqcSealed), from the owning
// module's keyBits and headerBytes parameters.
class SealingCosts
{
    omnetpp::cComponent *owner = nullptr;
    omnetpp::simsignal_t sentSignal = 0, keyBitsSignal = 0, pqcSignal = 0;

  public:
    int64_t keyBits = 256;     // what a QKD-sealed message takes from the pool (an ETSI 014 key of this size)
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
// payload's binary size plus the transport header. `seal`: how it was sealed (mode "" for unsealed).
inline IotPacket *federatedPacket(const char *name, int type, int gateway, int round, const Value &message, int64_t headerBytes,
                                  const Seal &seal = {"", ""})
{
    auto *pkt = new IotPacket(name);
    pkt->type = type;
    pkt->gateway = gateway;
    pkt->round = round;
    pkt->payload = message["payload"].asString();
    pkt->pqcSealed = std::string(seal.mode) == "pqc";
    pkt->sealingKeyId = seal.keyId;
    pkt->created = omnetpp::simTime();
    pkt->setByteLength(message["bytes"].asInt() + headerBytes);
    return pkt;
}

}  // namespace qcity
