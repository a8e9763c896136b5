#pragma once

#include <vector>

#include "qcity/sim.h"

namespace qcity {

// See EdgeScheduler.ned.
class EdgeScheduler : public omnetpp::cSimpleModule
{
  protected:
    enum TimerKind { ROUND = 1 };

    // parameters
    qcity::Hook schedulerHook;
    qcity::Hook boundHook;  // optional: a lower bound on each round's makespan
    omnetpp::simtime_t roundInterval;
    int evaluations = 2000;
    std::vector<double> speeds;  // MIPS
    std::vector<double> activePower, idlePower;  // W per server
    omnetpp::cPar *taskSize = nullptr;
    double affinityMin = 0.5, affinityMax = 1.5;

    // state
    std::vector<omnetpp::simtime_t> arrivals;  // tasks waiting for the next round
    std::vector<omnetpp::simtime_t> busyUntil;  // per server
    omnetpp::cMessage *roundTimer = nullptr;

    // statistics
    omnetpp::simsignal_t completionSignal = 0, waitSignal = 0, makespanSignal = 0, tasksSignal = 0, energySignal = 0;
    omnetpp::simsignal_t boundSignal = 0, gapSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void scheduleRound();

  public:
    ~EdgeScheduler() override;
};

}  // namespace qcity
