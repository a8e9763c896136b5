#include "Battery.h"

#include <algorithm>

namespace qcity {

Define_Module(Battery);

Battery::~Battery() { cancelAndDelete(depletionTimer); }

void Battery::initialize()
{
    capacity = par("capacity").doubleValue();
    voltage = par("voltage").doubleValue();
    if (capacity <= 0 || voltage <= 0)
        throw omnetpp::cRuntimeError("capacity and voltage must be positive (got %g J, %g V)", capacity, voltage);
    const char *currents[4] = {"sleepCurrent", "idleCurrent", "rxCurrent", "txCurrent"};
    for (int m = 0; m < 4; m++) {
        double mA = par(currents[m]).doubleValue();
        if (mA < 0)
            throw omnetpp::cRuntimeError("%s must not be negative: %g mA", currents[m], mA);
        radioPower[m] = mA * 1e-3 * voltage;
    }
    cpuActivePower = par("cpuActivePower").doubleValueInUnit("W");
    cpuSleepPower = par("cpuSleepPower").doubleValueInUnit("W");
    residualSignal = registerSignal("residualEnergy");
    consumedSignal = registerSignal("consumedEnergy");
    deathSignal = registerSignal("nodeDeath");
    depletionTimer = new omnetpp::cMessage("depleted", DEPLETION);
    lastUpdate = omnetpp::simTime();
    emit(residualSignal, capacity);
    reschedule();
}

double Battery::power() const
{
    if (dead)
        return 0;
    return radioPower[radioMode] + (cpuBusy > 0 ? cpuActivePower : cpuSleepPower);
}

void Battery::integrate()
{
    omnetpp::simtime_t now = omnetpp::simTime();
    if (!dead)
        modeTime[radioMode] += (now - lastUpdate).dbl();
    consumed = std::min(capacity, consumed + power() * (now - lastUpdate).dbl());
    lastUpdate = now;
}

void Battery::reschedule()
{
    if (depletionTimer->isScheduled())
        cancelEvent(depletionTimer);
    double p = power();
    if (!dead && p > 0) {
        double remaining = (capacity - consumed) / p;
        if (remaining < 1e6)  // beyond ~11 days of simulated time: not worth an event
            scheduleAt(omnetpp::simTime() + remaining, depletionTimer);
    }
}

void Battery::setRadioMode(RadioMode mode)
{
    Enter_Method_Silent();
    if (dead || mode == radioMode)
        return;
    integrate();
    radioMode = mode;
    emit(residualSignal, capacity - consumed);
    reschedule();
}

void Battery::cpuStart()
{
    Enter_Method_Silent();
    if (dead)
        return;
    integrate();
    cpuBusy++;
    reschedule();
}

void Battery::cpuStop()
{
    Enter_Method_Silent();
    if (dead)
        return;
    integrate();
    cpuBusy = std::max(0, cpuBusy - 1);
    reschedule();
}

double Battery::getResidualEnergy()
{
    integrate();
    return capacity - consumed;
}

void Battery::handleMessage(omnetpp::cMessage *msg)
{
    switch (msg->getKind()) {
        case DEPLETION:
            integrate();
            consumed = capacity;  // the timer fired at the predicted instant; clear rounding
            die();
            break;
        default:
            throw omnetpp::cRuntimeError("Unexpected message kind %d", msg->getKind());
    }
}

void Battery::die()
{
    dead = true;
    emit(residualSignal, 0.0);
    emit(deathSignal, omnetpp::simTime());
    for (PowerListener *l : listeners)
        l->powerOff();
}

void Battery::finish()
{
    integrate();
    emit(consumedSignal, consumed);
    emit(residualSignal, capacity - consumed);
    const char *names[4] = {"radioTimeSleep", "radioTimeIdle", "radioTimeRx", "radioTimeTx"};
    for (int m = 0; m < 4; m++)
        recordScalar(names[m], modeTime[m], "s");
}

}  // namespace qcity
