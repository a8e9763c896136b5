#pragma once

#include <cstdint>
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
    const char *getClassName() const override { return "qcity::KeyBlock"; }
};

}  // namespace qcity
