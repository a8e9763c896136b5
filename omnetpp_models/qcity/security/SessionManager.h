#pragma once

#include "../quantum/KeyManager.h"
#include "qcity/sim.h"

namespace qcity {

// See SessionManager.ned.
class SessionManager : public omnetpp::cSimpleModule
{
  protected:
    enum TimerKind { SESSION = 1 };
    enum Mode { PQC = 0, QKD = 1, HYBRID = 2 };

    // parameters
    KeyManager *keys = nullptr;
    qcity::Hook securityHook;
    omnetpp::simtime_t sessionInterval;
    int64_t sessionKeyBits = 256;
    qcity::Value settings;

    // state
    omnetpp::cMessage *sessionTimer = nullptr;
    int lastMode = -1;

    // statistics
    omnetpp::simsignal_t modeSignal = 0, switchSignal = 0, kIotSignal = 0, fallbackSignal = 0, handshakeSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void openSession();

  public:
    ~SessionManager() override;
};

}  // namespace qcity
