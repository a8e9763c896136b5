#pragma once

#include "qcity/sim.h"

namespace qcity {

// A token: remembers where it started, how many hops it made and when it last left its origin.
class RingToken : public omnetpp::cPacket
{
  public:
    int origin = -1;
    int64_t hops = 0;
    omnetpp::simtime_t leftOrigin;

    using cPacket::cPacket;
    RingToken *dup() const override { return new RingToken(*this); }
    const char *getClassName() const override { return "qcity::RingToken"; }
};

class RingNode : public omnetpp::cSimpleModule
{
  protected:
    // parameters
    omnetpp::cPar *holdTime = nullptr;
    int64_t hopLimit = -1;
    int64_t tokenLength = 0;  // bytes

    // statistics
    omnetpp::simsignal_t hopSignal = 0;
    omnetpp::simsignal_t roundTripSignal = 0;
    omnetpp::simsignal_t arrivalSignal = 0;

    // state
    int64_t tokensDestroyed = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void finish() override;
};

}  // namespace qcity
