#include "InetBattery.h"

#include <algorithm>

namespace qcity {

Define_Module(InetBattery);

void InetBattery::initialize(int stage)
{
    if (stage == inet::INITSTAGE_LOCAL) {
        cpuActivePower = par("cpuActivePower").doubleValueInUnit("W");
        cpuSleepPower = par("cpuSleepPower").doubleValueInUnit("W");
        if (cpuActivePower < 0 || cpuSleepPower < 0)
            throw omnetpp::cRuntimeError("cpuActivePower and cpuSleepPower must not be negative (got %g W, %g W)",
                                         cpuActivePower, cpuSleepPower);
        storage.reference(this, "energySourceModule", true);
        residualSignal = registerSignal("residualEnergy");
        consumedSignal = registerSignal("consumedEnergy");
        deathSignal = registerSignal("nodeDeath");
    }
    else if (stage == inet::INITSTAGE_POWER) {
        // the storage sums its consumers' power whenever one of them emits a change
        storage->addEnergyConsumer(this);
        omnetpp::check_and_cast<omnetpp::cModule *>(storage.get())
            ->subscribe(inet::power::IEpEnergyStorage::residualEnergyCapacityChangedSignal, this);
        emit(residualSignal, getCapacity());
        powerChanged();
    }
}

void InetBattery::handleMessage(omnetpp::cMessage *msg)
{
    throw omnetpp::cRuntimeError("InetBattery takes no messages (got %s)", msg->getName());
}

inet::units::values::W InetBattery::getPowerConsumption() const
{
    if (dead)
        return inet::units::values::W(0);
    return inet::units::values::W(cpuBusy > 0 ? cpuActivePower : cpuSleepPower);
}

void InetBattery::powerChanged() { emit(inet::power::IEpEnergyConsumer::powerConsumptionChangedSignal, getPowerConsumption().get()); }

void InetBattery::cpuStart()
{
    Enter_Method_Silent();
    if (dead)
        return;
    if (cpuBusy++ == 0)
        powerChanged();
}

void InetBattery::cpuStop()
{
    Enter_Method_Silent();
    if (dead)
        return;
    cpuBusy = std::max(0, cpuBusy - 1);
    if (cpuBusy == 0)
        powerChanged();
}

double InetBattery::getResidualEnergy() { return storage->getResidualEnergyCapacity().get(); }

double InetBattery::getCapacity() const { return storage->getNominalEnergyCapacity().get(); }

void InetBattery::receiveSignal(omnetpp::cComponent *source, omnetpp::simsignal_t signal, double value, omnetpp::cObject *details)
{
    Enter_Method_Silent();
    // SimpleEpEnergyStorage reports its residual capacity on every power change and when it runs empty
    if (signal == inet::power::IEpEnergyStorage::residualEnergyCapacityChangedSignal && value <= 0 && !dead)
        die();
}

void InetBattery::die()
{
    dead = true;
    emit(residualSignal, 0.0);
    emit(deathSignal, omnetpp::simTime());
    powerChanged();
    for (PowerListener *l : listeners)
        l->powerOff();
}

void InetBattery::finish()
{
    double residual = getResidualEnergy();
    emit(consumedSignal, getCapacity() - residual);
    emit(residualSignal, residual);
}

}  // namespace qcity
