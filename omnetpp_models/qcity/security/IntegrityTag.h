#pragma once

#include <cstdint>
#include <string>

#include "../common/Hash.h"
#include "../iot/IotPacket.h"

namespace qcity {

// A keyed 64-bit tag over a reading's authenticated fields: the simulation's stand-in for the
// AES-256-GCM tag. The model needs only that a changed field fails the check and that a relay
// without the session key cannot make a matching tag; real AES-GCM rejection of a modified
// ciphertext or tag is tested with `cryptography` (tests/test_crypto.py). Mixing is SplitMix64's
// finaliser (mix64), which spreads every input bit over the whole word.

inline uint64_t integrityTag(uint64_t sessionKey, const IotPacket &pkt)
{
    uint64_t h = mix64(sessionKey ^ static_cast<uint64_t>(pkt.deviceId));
    h = mix64(h ^ static_cast<uint64_t>(pkt.seq));
    h = mix64(h ^ static_cast<uint64_t>(pkt.type));
    h = mix64(h ^ pkt.content);
    return h | 1;  // never 0, which means "not protected"
}

// FNV-1a: a fixed per-gateway secret from its module path (its value never matters, only that
// the two ends of a session agree on it and the relays do not have it).
inline uint64_t secretFromName(const std::string &name) { return fnv1a64(name); }

}  // namespace qcity
