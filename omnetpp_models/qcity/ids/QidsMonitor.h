#pragma once

#include "../quantum/KeyManager.h"
#include "qcity/sim.h"

namespace qcity {

// See QidsMonitor.ned.
class QidsMonitor : public omnetpp::cSimpleModule
{
  protected:
    enum TimerKind { WINDOW = 1 };

    // parameters
    KeyManager *keys = nullptr;
    qcity::Hook qidsHook;
    omnetpp::simtime_t window;
    qcity::Value settings;
    bool discardOnAlert = true;

    // state
    omnetpp::cMessage *windowTimer = nullptr;

    // statistics
    omnetpp::simsignal_t scoreSignal = 0, thresholdSignal = 0, alertSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;

  public:
    ~QidsMonitor() override;
};

}  // namespace qcity
