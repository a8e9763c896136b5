#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "qcity/sim.h"

namespace qcity {

// A block of secret key delivered by a QkdLink to its KeyManager. Both ends hold
// the same bits (tests check this in qcity.quantum); one copy travels here.
class KeyBlock : public omnetpp::cPacket
{
  public:
    std::vector<uint8_t> key;  // packed bits, most significant first
    int64_t keyBits = 0;       // valid bits in `key`
    int64_t blockNumber = 0;
    double qber = 0;  // estimated QBER of the block that produced this key

    using cPacket::cPacket;
    KeyBlock *dup() const override { return new KeyBlock(*this); }

    // The key as the key-rate hooks return it: hex digits, two per byte.
    void setKeyFromHex(const std::string &hex, int64_t bits)
    {
        key.clear();
        key.reserve(hex.size() / 2);
        for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
            key.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
        keyBits = bits;
    }
    const char *getClassName() const override { return "qcity::KeyBlock"; }
};

}  // namespace qcity
