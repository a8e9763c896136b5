#include "DeviceEnergyStorage.h"

namespace qcity {

Define_Module(DeviceEnergyStorage);

using inet::physicallayer::IRadio;

DeviceEnergyStorage::~DeviceEnergyStorage() { cancelAndDelete(crashTimer); }

void DeviceEnergyStorage::initialize(int stage)
{
    SimpleEpEnergyStorage::initialize(stage);
    if (stage == inet::INITSTAGE_LOCAL) {
        radio = omnetpp::check_and_cast<IRadio *>(getModuleByPath(par("radioModule").stringValue()));
        turnaround = getModuleByPath(par("macModule").stringValue())->par("aTurnaroundTime").doubleValue();
        if (turnaround <= omnetpp::SimTime())
            turnaround = omnetpp::SimTime(1, omnetpp::SIMTIME_US);  // the MAC sends at once: check again very soon
        crashTimer = new omnetpp::cMessage("crashWhenFrameSent");
    }
}

void DeviceEnergyStorage::handleMessage(omnetpp::cMessage *msg)
{
    if (msg == crashTimer)
        executeNodeOperation(inet::units::values::J(0));
    else
        SimpleEpEnergyStorage::handleMessage(msg);
}

// The MAC has switched the radio to transmit after a clear CCA and its frame is still a delayed
// message (or it waits SIFS before an ACK: harmless to wait for as well).
bool DeviceEnergyStorage::frameOnItsWayToRadio() const
{
    return radio->getRadioMode() == IRadio::RADIO_MODE_TRANSMITTER && radio->getTransmissionState() == IRadio::TRANSMISSION_STATE_IDLE;
}

void DeviceEnergyStorage::executeNodeOperation(inet::units::values::J newResidualCapacity)
{
    if (newResidualCapacity <= inet::units::values::J(0) && frameOnItsWayToRadio()) {
        if (!crashTimer->isScheduled())
            scheduleAfter(turnaround, crashTimer);
        return;
    }
    SimpleEpEnergyStorage::executeNodeOperation(newResidualCapacity);
}

}  // namespace qcity
