#pragma once

#include <string>

#include "qcity/sim.h"

namespace qcity {

// Implemented by modules that must stop when their node's battery dies.
class PowerListener
{
  public:
    virtual ~PowerListener() = default;
    virtual void powerOff() = 0;
};

// What a device's application, security and routing modules ask of its energy supply: qcity's
// Battery, or a node's INET energy storage seen through qcity.inet.InetBattery. The radio's
// consumption is the MAC's business (CsmaMac drives a Battery's radio modes; under INET the
// radio's own energy consumer does).
class EnergySupply
{
  public:
    virtual ~EnergySupply() = default;
    virtual void addListener(PowerListener *l) = 0;
    virtual void cpuStart() = 0;  // the MCU wakes for a job (calls nest)
    virtual void cpuStop() = 0;
    virtual bool isDead() const = 0;
    virtual double getResidualEnergy() = 0;  // J
    virtual double getCapacity() const = 0;  // J

    // The supply at `path` relative to `module` ("" means mains power: nullptr); `listener` is told when it dies.
    static EnergySupply *find(omnetpp::cModule *module, const std::string &path, PowerListener *listener)
    {
        if (path.empty())
            return nullptr;
        omnetpp::cModule *m = module->getModuleByPath(path.c_str());
        auto *supply = dynamic_cast<EnergySupply *>(m);
        if (!supply)
            throw omnetpp::cRuntimeError("%s (from '%s') is not an energy supply (a Battery or an InetBattery)",
                                         m->getFullPath().c_str(), path.c_str());
        supply->addListener(listener);
        return supply;
    }
};

}  // namespace qcity
