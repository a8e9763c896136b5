#pragma once

#include "inet/physicallayer/wireless/common/contract/packetlevel/IRadio.h"
#include "inet/queueing/contract/IPacketQueue.h"

#include "qcity/sim.h"

namespace qcity {

// See RadioSleep.ned.
class RadioSleep : public omnetpp::cSimpleModule, public omnetpp::cListener
{
  protected:
    enum TimerKind { SLEEP = 1 };

    // parameters
    omnetpp::simtime_t listenAfterTx;
    inet::physicallayer::IRadio *radio = nullptr;
    inet::queueing::IPacketQueue *queue = nullptr;

    // state
    omnetpp::cMessage *sleepTimer = nullptr;
    inet::physicallayer::IRadio::RadioMode mode = inet::physicallayer::IRadio::RADIO_MODE_OFF;
    omnetpp::simtime_t modeSince;
    double modeTime[inet::physicallayer::IRadio::RADIO_MODE_SWITCHING + 1] = {};  // s in each radio mode

    // statistics
    omnetpp::simsignal_t sleepsSignal = 0;

    int numInitStages() const override { return inet::NUM_INIT_STAGES; }
    void initialize(int stage) override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void finish() override;
    void accountMode();
    void receiveSignal(omnetpp::cComponent *source, omnetpp::simsignal_t signal, omnetpp::intval_t value, omnetpp::cObject *details) override;
    void listenAgain();
    void trySleep();

  public:
    ~RadioSleep() override;
};

}  // namespace qcity
