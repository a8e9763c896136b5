#include "RadioSleep.h"

namespace qcity {

Define_Module(RadioSleep);

using inet::physicallayer::IRadio;

RadioSleep::~RadioSleep() { cancelAndDelete(sleepTimer); }

void RadioSleep::initialize(int stage)
{
    if (stage != inet::INITSTAGE_LOCAL)
        return;
    omnetpp::cModule *radioModule = getModuleByPath(par("radioModule").stringValue());
    radio = omnetpp::check_and_cast<IRadio *>(radioModule);
    radioModule->subscribe(IRadio::radioModeChangedSignal, this);  // for the time in each mode, even when always on
    modeSince = omnetpp::simTime();
    if (par("alwaysListen").boolValue())
        return;
    listenAfterTx = par("listenAfterTx").doubleValue();
    if (listenAfterTx < omnetpp::SimTime())
        throw omnetpp::cRuntimeError("listenAfterTx must not be negative: %g s", listenAfterTx.dbl());
    queue = omnetpp::check_and_cast<inet::queueing::IPacketQueue *>(getModuleByPath(par("queueModule").stringValue()));
    sleepsSignal = registerSignal("sleeps");
    sleepTimer = new omnetpp::cMessage("sleep", SLEEP);
    radioModule->subscribe(IRadio::transmissionStateChangedSignal, this);
}

void RadioSleep::receiveSignal(omnetpp::cComponent *source, omnetpp::simsignal_t signal, omnetpp::intval_t value, omnetpp::cObject *details)
{
    Enter_Method_Silent();
    if (signal == IRadio::radioModeChangedSignal) {
        accountMode();
        mode = static_cast<IRadio::RadioMode>(value);
    }
    if (!sleepTimer)
        return;  // always listening: only the accounting
    // the listen window restarts whenever the MAC switches the receiver on and when a transmission
    // ends (replies come after it; the device's own ACKs count too, which qcity's MAC does not do);
    // frames overheard do not keep the radio awake
    if (signal == IRadio::radioModeChangedSignal && value == IRadio::RADIO_MODE_RECEIVER)
        listenAgain();
    else if (signal == IRadio::transmissionStateChangedSignal && value == IRadio::TRANSMISSION_STATE_IDLE)
        listenAgain();
}

void RadioSleep::accountMode()
{
    modeTime[mode] += (omnetpp::simTime() - modeSince).dbl();
    modeSince = omnetpp::simTime();
}

void RadioSleep::finish()
{
    // the names of qcity.energy.Battery's scalars; INET's MAC has no idle mode (a receiver on is "Rx",
    // the turnaround before a transmission "Tx")
    accountMode();
    recordScalar("radioTimeSleep", modeTime[IRadio::RADIO_MODE_SLEEP], "s");
    recordScalar("radioTimeRx", modeTime[IRadio::RADIO_MODE_RECEIVER], "s");
    recordScalar("radioTimeTx", modeTime[IRadio::RADIO_MODE_TRANSMITTER], "s");
    recordScalar("radioTimeOff", modeTime[IRadio::RADIO_MODE_OFF], "s");
}

void RadioSleep::listenAgain()
{
    cancelEvent(sleepTimer);
    scheduleAfter(listenAfterTx, sleepTimer);
}

void RadioSleep::handleMessage(omnetpp::cMessage *msg)
{
    switch (msg->getKind()) {
        case SLEEP: trySleep(); break;
        default: throw omnetpp::cRuntimeError("Unexpected message kind %d", msg->getKind());
    }
}

void RadioSleep::trySleep()
{
    if (radio->getRadioMode() != IRadio::RADIO_MODE_RECEIVER)
        return;  // off (the node died), asleep already, or sending: the next change restarts the window
    if (radio->getReceptionState() == IRadio::RECEPTION_STATE_RECEIVING || !queue->isEmpty()) {
        listenAgain();  // a frame is coming in, or the MAC has one to send: stay awake
        return;
    }
    radio->setRadioMode(IRadio::RADIO_MODE_SLEEP);
    emit(sleepsSignal, 1L);
}

}  // namespace qcity
