#pragma once

#include "qcity/sim.h"

namespace qcity {

class HookCaller : public omnetpp::cSimpleModule
{
  protected:
    enum TimerKind { CALL_TIMER = 1 };

    // parameters
    qcity::Hook hook;
    omnetpp::simtime_t interval;
    int calls = 0;

    // state
    omnetpp::cMessage *timer = nullptr;
    int callsMade = 0;

    // statistics
    omnetpp::simsignal_t resultSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;

  public:
    ~HookCaller() override;
};

}  // namespace qcity
