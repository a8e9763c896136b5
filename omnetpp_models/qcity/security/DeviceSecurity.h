#pragma once

#include <deque>

#include "../energy/EnergySupply.h"
#include "../iot/IotPacket.h"
#include "SessionManager.h"
#include "qcity/sim.h"

namespace qcity {

// See DeviceSecurity.ned.
class DeviceSecurity : public omnetpp::cSimpleModule, public PowerListener
{
  protected:
    enum TimerKind { CPU_DONE = 1 };

    // parameters
    EnergySupply *battery = nullptr;
    omnetpp::simtime_t rekeyInterval;
    double cpuClock = 32e6, kemEncapsCycles = 0, aeadCyclesPerByte = 0;
    int64_t kemCiphertextBytes = 0, aeadOverheadBytes = 0, keyIdBytes = 0;
    int64_t transportHeaderBytes = 0, fragmentBytes = 0, fragmentHeaderBytes = 0;

    // state
    SessionManager *home = nullptr;  // found at the first session (the MAC associates in stage 1)
    omnetpp::simtime_t sessionExpiry = -1;
    int64_t sessionId = -1;
    uint64_t sessionKey = 0;
    struct Job
    {
        IotPacket *pkt;
        omnetpp::simtime_t arrival, cpu;
        int64_t handshakeBytes;  // ML-KEM ciphertext to send before the reading (0: none)
    };
    std::deque<Job> jobs;  // the CPU does one at a time; jobs.front() is running when cpuTimer is scheduled
    omnetpp::cMessage *cpuTimer = nullptr;
    bool poweredOff = false;

    // statistics
    omnetpp::simsignal_t modeSignal = 0, cryptoTimeSignal = 0, handshakeSignal = 0, fragmentsSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void protect(IotPacket *pkt);
    void openSession(Job &job);
    void addTag(IotPacket *pkt) const;
    SessionManager *homeSessions();
    void startNext();
    void finishJob();
    void sendHandshake(const IotPacket *reading, int64_t bytes);
    omnetpp::simtime_t cycles(double n) const { return n / cpuClock; }

  public:
    ~DeviceSecurity() override;
    void powerOff() override;
};

}  // namespace qcity
