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
    omnetpp::simtime_t lastAlertTime = -1;

    // scoring against the QKD link's attack settings (ground truth, read for measurement only)
    bool eavesdropped = false;
    omnetpp::simtime_t attackStart, attackEnd;  // attackEnd < 0: until the end
    omnetpp::simtime_t firstTrueAlert = -1;
    long falseAlerts = 0;
    bool underAttack(omnetpp::simtime_t t) const;

    // statistics
    omnetpp::simsignal_t scoreSignal = 0, thresholdSignal = 0, alertSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void finish() override;

  public:
    ~QidsMonitor() override;
    omnetpp::simtime_t lastAlert() const { return lastAlertTime; }  // negative: none yet
};

}  // namespace qcity
