#pragma once

#include <cstdint>
#include <string>

namespace qcity {

// Fixed, portable hashes the models use where a value must follow from its inputs alone (never an RNG).

// SplitMix64's finaliser: spreads every input bit over the whole word.
inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// FNV-1a over a string's bytes: a fixed 64-bit value from a name, the same on every engine and run.
inline uint64_t fnv1a64(const std::string &s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s)
        h = (h ^ c) * 0x100000001b3ULL;
    return h;
}

}  // namespace qcity
