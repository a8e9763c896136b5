#pragma once

#include <vector>

#include "inet/common/ModuleRefByPar.h"
#include "inet/power/contract/IEpEnergyConsumer.h"
#include "inet/power/contract/IEpEnergyStorage.h"

#include "energy/EnergySupply.h"
#include "qcity/sim.h"

namespace qcity {

// See InetBattery.ned.
class InetBattery : public omnetpp::cSimpleModule, public omnetpp::cListener, public EnergySupply,
                    public inet::power::IEpEnergyConsumer
{
  protected:
    // parameters
    double cpuActivePower = 0, cpuSleepPower = 0;  // W
    inet::ModuleRefByPar<inet::power::IEpEnergyStorage> storage;

    // state
    int cpuBusy = 0;  // nested CPU activity
    bool dead = false;
    std::vector<PowerListener *> listeners;

    // statistics
    omnetpp::simsignal_t residualSignal = 0, consumedSignal = 0, deathSignal = 0;

    int numInitStages() const override { return inet::NUM_INIT_STAGES; }
    void initialize(int stage) override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void finish() override;
    void receiveSignal(omnetpp::cComponent *source, omnetpp::simsignal_t signal, double value, omnetpp::cObject *details) override;
    void powerChanged();
    void die();

  public:
    // EnergySupply
    void addListener(PowerListener *l) override { listeners.push_back(l); }
    void cpuStart() override;
    void cpuStop() override;
    bool isDead() const override { return dead; }
    double getResidualEnergy() override;
    double getCapacity() const override;

    // inet::power::IEpEnergyConsumer
    inet::power::IEnergySource *getEnergySource() const override { return const_cast<inet::power::IEpEnergyStorage *>(storage.get()); }
    inet::units::values::W getPowerConsumption() const override;
};

}  // namespace qcity
