#pragma once

#include "inet/physicallayer/wireless/common/contract/packetlevel/IRadio.h"
#include "inet/power/storage/SimpleEpEnergyStorage.h"

#include "qcity/sim.h"

namespace qcity {

// See DeviceEnergyStorage.ned.
class DeviceEnergyStorage : public inet::power::SimpleEpEnergyStorage
{
  protected:
    // parameters
    inet::physicallayer::IRadio *radio = nullptr;
    omnetpp::simtime_t turnaround;

    // state
    omnetpp::cMessage *crashTimer = nullptr;

    void initialize(int stage) override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void executeNodeOperation(inet::units::values::J newResidualCapacity) override;
    bool frameOnItsWayToRadio() const;

  public:
    ~DeviceEnergyStorage() override;
};

}  // namespace qcity
