#pragma once

#include "qcity/sim.h"

namespace qcity {

// An IEEE 802.15.4 MAC frame (data or acknowledgement) on the shared radio medium.
class MacFrame : public omnetpp::cPacket
{
  public:
    int src = -1;
    int dst = -1;  // -1: broadcast (no ACK)
    int64_t seq = 0;
    bool ack = false;
    omnetpp::simtime_t txStart;   // when the sender started transmitting
    omnetpp::simtime_t queueing;  // how long it waited in the sender's queue (this hop only)

    using cPacket::cPacket;
    MacFrame *dup() const override { return new MacFrame(*this); }
    const char *getClassName() const override { return "qcity::MacFrame"; }
};

}  // namespace qcity
