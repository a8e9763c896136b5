#pragma once

#include "qcity/sim.h"

namespace qcity {

// Decoy-state BB84 between two gateways, one block per timer event; see QkdLink.ned.
class QkdLink : public omnetpp::cSimpleModule
{
  protected:
    enum TimerKind { BLOCK_TIMER = 1 };

    // parameters
    qcity::Hook keyRateHook;
    omnetpp::simtime_t blockInterval;
    int64_t pulsesPerBlock = 0;
    qcity::Value linkArgs;  // channel and protocol parameters, passed to the hook with every block
    double interceptResend = 0;
    bool pnsAttack = false;
    omnetpp::simtime_t attackStart, attackEnd;  // attackEnd < 0: no end
    double qberRef = 0.01;
    double lambda = 1;
    double psiSecure = 0;
    int blocksPerSession = 10;

    // state
    omnetpp::cMessage *blockTimer = nullptr;
    int64_t blockNumber = 0;
    double sessionScore = 0;

    // statistics
    omnetpp::simsignal_t qberSignal = 0, siftedSignal = 0, secretSignal = 0, keyRateSignal = 0;
    omnetpp::simsignal_t abortedSignal = 0, scoreSignal = 0, discardedSignal = 0, utilisationSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void runBlock();
    void finish() override;

  public:
    ~QkdLink() override;
};

}  // namespace qcity
