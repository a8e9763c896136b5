#include "DeviceEnergyStorage.h"

namespace qcity {

Define_Module(DeviceEnergyStorage);

using inet::physicallayer::IRadio;

DeviceEnergyStorage::~DeviceEnergyStorage() { cancelAndDelete(crashTimer); }

void DeviceEnergyStorage::initialize(int stage)
{
    if (stage == inet::INITSTAGE_LOCAL) {  // before the base's: its initialisation sets the capacity, which calls us
        radio = omnetpp::check_and_cast<IRadio *>(getModuleByPath(par("radioModule").stringValue()));
        turnaround = getModuleByPath(par("macModule").stringValue())->par("aTurnaroundTime").doubleValue();
        if (turnaround <= omnetpp::SimTime())
            turnaround = omnetpp::SimTime(1, omnetpp::SIMTIME_US);  // the MAC sends at once: check again very soon
        crashTimer = new omnetpp::cMessage("crashWhenFrameSent");
    }
    SimpleEpEnergyStorage::initialize(stage);
}

void DeviceEnergyStorage::handleMessage(omnetpp::cMessage *msg)
{
    if (msg != crashTimer) {
        SimpleEpEnergyStorage::handleMessage(msg);
        return;
    }
    if (frameOnItsWayToRadio())
        scheduleAfter(turnaround, crashTimer);
    else
        SimpleEpEnergyStorage::executeNodeOperation(inet::units::values::J(0));
}

// The MAC has switched the radio to transmit after a clear CCA and its frame is still a delayed
// message (or it waits SIFS before an ACK: harmless to wait for as well).
bool DeviceEnergyStorage::frameOnItsWayToRadio() const
{
    return radio->getRadioMode() == IRadio::RADIO_MODE_TRANSMITTER && radio->getTransmissionState() != IRadio::TRANSMISSION_STATE_TRANSMITTING;
}

void DeviceEnergyStorage::executeNodeOperation(inet::units::values::J newResidualCapacity)
{
    // Empty: crash in an event of our own, never inside the call that emptied the storage (which may be
    // the MAC's own switch to transmit, with its frame not yet sent), and only once no frame is on its way.
    if (newResidualCapacity <= inet::units::values::J(0)) {
        if (crashTimer && !crashTimer->isScheduled() && networkNode)
            scheduleAfter(omnetpp::SimTime::ZERO, crashTimer);
        return;
    }
    SimpleEpEnergyStorage::executeNodeOperation(newResidualCapacity);
}

}  // namespace qcity
