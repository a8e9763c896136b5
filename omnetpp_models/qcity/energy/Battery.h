#pragma once

#include <string>
#include <vector>

#include "EnergySupply.h"
#include "qcity/sim.h"

namespace qcity {

// See Battery.ned.
class Battery : public omnetpp::cSimpleModule, public EnergySupply
{
  public:
    enum RadioMode { RADIO_SLEEP, RADIO_IDLE, RADIO_RX, RADIO_TX };

  protected:
    enum TimerKind { DEPLETION = 1 };

    // parameters
    double capacity = 2, voltage = 3;
    double radioPower[4] = {0, 0, 0, 0};  // W, by RadioMode
    double cpuActivePower = 0, cpuSleepPower = 0;

    // state
    double consumed = 0;  // J
    double modeTime[4] = {0, 0, 0, 0};  // s spent in each RadioMode
    omnetpp::simtime_t lastUpdate;
    RadioMode radioMode = RADIO_SLEEP;
    int cpuBusy = 0;  // nested CPU activity
    bool dead = false;
    omnetpp::cMessage *depletionTimer = nullptr;
    std::vector<PowerListener *> listeners;

    // statistics
    omnetpp::simsignal_t residualSignal = 0, consumedSignal = 0, deathSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void finish() override;
    double power() const;
    void integrate();
    void reschedule();
    void die();

  public:
    ~Battery() override;
    void addListener(PowerListener *l) override { listeners.push_back(l); }
    // The battery at `path` relative to `module` ("" means mains power: nullptr); `listener` is told when it dies.
    static Battery *find(omnetpp::cModule *module, const std::string &path, PowerListener *listener)
    {
        if (path.empty())
            return nullptr;
        auto *b = omnetpp::check_and_cast<Battery *>(module->getModuleByPath(path.c_str()));
        b->addListener(listener);
        return b;
    }
    void setRadioMode(RadioMode mode);
    void cpuStart() override;
    void cpuStop() override;
    bool isDead() const override { return dead; }
    double getResidualEnergy() override;
    double getCapacity() const override { return capacity; }
};

}  // namespace qcity
