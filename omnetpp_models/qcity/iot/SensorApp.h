#pragma once

#include <map>

#include "../energy/EnergySupply.h"
#include "IotPacket.h"
#include "qcity/sim.h"

namespace qcity {

// See SensorApp.ned.
class SensorApp : public omnetpp::cSimpleModule, public PowerListener
{
  protected:
    enum TimerKind { NEXT_READING = 1, PROCESSED, RETRANSMIT };
    struct Pending
    {
        IotPacket *copy;
        int retransmits = 0;
        omnetpp::simtime_t timeout;
        omnetpp::cMessage *timer;
    };

    // parameters
    bool coap = false;
    bool acknowledged = true;  // QoS 1 / CON
    omnetpp::cPar *sendInterval = nullptr;
    int64_t messageBytes = 0;
    omnetpp::simtime_t ackTimeout, processingTime;
    double ackRandomFactor = 1.5;
    int maxRetransmit = 4;
    EnergySupply *battery = nullptr;

    // state
    int deviceId = -1;
    int64_t nextSeq = 0;
    bool poweredOff = false;
    omnetpp::cMessage *readingTimer = nullptr;
    std::map<int64_t, Pending> pending;

    // statistics
    omnetpp::simsignal_t sentSignal = 0, retransmitSignal = 0, ackedSignal = 0, giveUpSignal = 0, rttSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void publish();
    void transmit(IotPacket *pkt);
    void handleAck(IotPacket *ack);
    void retransmit(int64_t seq);

  public:
    ~SensorApp() override;
    void powerOff() override;
};

}  // namespace qcity
