#pragma once

#include <deque>
#include <unordered_map>

#include "../energy/Battery.h"
#include "../iot/Association.h"
#include "../radio/MacFrame.h"
#include "../radio/Transceiver.h"
#include "qcity/sim.h"

namespace qcity {

class RadioMedium;
class IotPacket;

// See CsmaMac.ned.
class CsmaMac : public omnetpp::cSimpleModule, public PowerListener, public Association, public Transceiver
{
  protected:
    enum TimerKind { BACKOFF_DONE = 1, CCA_DONE, TX_DONE, ACK_TX_DONE, ACK_TIMEOUT, SEND_ACK, LISTEN_END, RX_START, RX_END };
    enum State { IDLE, BACKOFF, CCA, TURNAROUND, TRANSMITTING, WAIT_ACK };

    // A signal on the air at this radio; receivable ones get RX_START/RX_END events.
    struct Signal
    {
        omnetpp::simtime_t start, end;
        double powerMw;
        MacFrame *frame = nullptr;  // owned; null for pure interference
        bool locked = false;        // the radio is receiving this one
        bool broken = false;        // the radio transmitted during it
    };

    // parameters
    RadioMedium *medium = nullptr;
    Battery *battery = nullptr;
    bool isGateway = false;
    bool alwaysListen = false;  // gateways and multi-hop relays keep their receiver on
    double txPowerDbm = 0, sensitivityDbm = -95, ccaThresholdMw = 0, noiseMw = 0;
    bool carrierSense = false;    // CCA also busy while receiving a frame
    bool syncOnAnyFrame = false;  // lock onto frames addressed to others as well
    bool listenDuringTurnaround = true;
    double bitrate = 250e3;
    int queueLength = 20, minBE = 3, maxBE = 5, maxBackoffs = 4, maxRetries = 3;
    omnetpp::simtime_t unitBackoff, ccaDuration, turnaround, ackWait, listenAfterTx;
    int macHeaderBytes = 11, phyHeaderBytes = 6, ackBytes = 5;

    // state
    std::size_t radioIndex = 0;
    int address = -1;
    int gatewayAddress = -1;  // devices: the associated gateway's MAC address
    State state = IDLE;
    std::deque<MacFrame *> queue;
    MacFrame *current = nullptr;  // head-of-line frame being sent
    omnetpp::simtime_t headSince;  // when `current` reached the head of the queue
    int nb = 0, be = 3, retries = 0, backoffCount = 0;
    int64_t nextSeq = 0;
    bool transmitting = false;
    int ackTurnarounds = 0;  // ACKs of ours waiting for the radio to turn around
    bool listening = false;
    bool poweredOff = false;
    // A deque keeps Signal addresses (held by RX_START/RX_END) valid under push_back and pop_front,
    // and is far kinder to the cache than a list when thousands of radios hear each frame.
    std::deque<Signal> signals;
    std::unordered_map<int, int64_t> lastSeq;  // per sender: the last sequence number passed up (802.15.4 DSN check)
    omnetpp::cMessage *backoffTimer = nullptr, *ccaTimer = nullptr, *txTimer = nullptr, *ackTimer = nullptr;
    omnetpp::cMessage *listenTimer = nullptr;

    // statistics
    omnetpp::simsignal_t dropQueueFullSignal = 0, dropChannelAccessSignal = 0, dropRetryLimitSignal = 0;
    omnetpp::simsignal_t rxLostSinrSignal = 0, rxLostNotListeningSignal = 0, rxLostTurnaroundSignal = 0, frameSentSignal = 0;
    omnetpp::simsignal_t backoffsSignal = 0;

    int numInitStages() const override { return 2; }
    void initialize(int stage) override;
    void handleMessage(omnetpp::cMessage *msg) override;

    void handleUpperPacket(IotPacket *pkt);
    void startNextFrame();
    void startBackoff();
    void performCca();
    void busyChannel();
    void startTransmission(MacFrame *frame, bool isAck);
    void transmissionDone();
    void frameDone(bool success);
    void sendAck(const MacFrame *data);
    bool addressedToMe(const MacFrame *frame) const;
    void receptionStart(Signal *s);
    void receptionEnd(Signal *s);
    double interferenceMw(const Signal &s) const;
    bool channelBusy() const;
    void updateRadio();
    bool turningAround() const;
    void breakReceptions();
    void forgetOldSignals();
    omnetpp::simtime_t airTime(int64_t macBytes) const;

  public:
    ~CsmaMac() override;
    // Called by the RadioMedium when a transmission will reach this radio.
    void signalArrives(const MacFrame *frame, omnetpp::simtime_t start, omnetpp::simtime_t end, double powerDbm) override;
    void powerOff() override;
    int getAddress() const { return address; }
    int getGatewayAddress() const { return gatewayAddress; }  // devices: the gateway chosen in stage 1
    omnetpp::cModule *getHomeGateway() const override;
    RadioMedium *getMedium() const { return medium; }
    int getQueueLength() const { return static_cast<int>(queue.size()) + (current ? 1 : 0); }
};

// Bit error rate of 2.4 GHz O-QPSK (IEEE 802.15.4-2006, Annex E) at a given SINR (linear).
double oqpskBitErrorRate(double sinr);

}  // namespace qcity
