#pragma once

#include <cstdint>
#include <string>

#include "../iot/IotPacket.h"

namespace qcity {

// A keyed 64-bit tag over a reading's authenticated fields: the simulation's stand-in for the
// AES-256-GCM tag. The model needs only that a changed field fails the check and that a relay
// without the session key cannot make a matching tag; real AES-GCM rejection of a modified
// ciphertext or tag is tested with `cryptography` (tests/test_crypto.py). Mixing is SplitMix64's
// finaliser, which spreads every input bit over the whole word.
inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

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
inline uint64_t secretFromName(const std::string &name)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : name)
        h = (h ^ c) * 0x100000001b3ULL;
    return h;
}

}  // namespace qcity
