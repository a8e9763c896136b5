// Simple modules (the models' base class), and the registry that creates them by class name.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cmodule.h"

namespace qcity::sim {

class cSimpleModule : public cModule
{
    friend class cSimulation;
    void sendMessage(cMessage *msg, cGate *outGate, simtime_t delay);
    void checkNotScheduled(cMessage *msg, const char *what) const;

  public:
    const char *getClassName() const override { return "cSimpleModule"; }
    bool isSimple() const override { return true; }

    virtual int numInitStages() const { return 1; }
    virtual void initialize() {}
    virtual void initialize(int stage)
    {
        if (stage == 0)
            initialize();
    }
    virtual void handleMessage(cMessage *msg);
    virtual void finish() {}

    void scheduleAt(simtime_t t, cMessage *msg);
    void scheduleAfter(simtime_t delay, cMessage *msg);
    cMessage *cancelEvent(cMessage *msg);
    void cancelAndDelete(cMessage *msg);
    void rescheduleAt(simtime_t t, cMessage *msg);

    void send(cMessage *msg, const char *gateName, int index = -1);
    void send(cMessage *msg, int gateId);
    void send(cMessage *msg, cGate *outGate);
    void sendDelayed(cMessage *msg, simtime_t delay, const char *gateName, int index = -1);
    void sendDelayed(cMessage *msg, simtime_t delay, cGate *outGate);
    void sendDirect(cMessage *msg, cModule *target, const char *gateName, int index = -1);
    void sendDirect(cMessage *msg, simtime_t delay, simtime_t duration, cModule *target, const char *gateName, int index = -1);
    void sendDirect(cMessage *msg, simtime_t delay, simtime_t duration, cGate *inputGate);

    void endSimulation();
};

// ---- factories --------------------------------------------------------------

using ModuleFactory = std::function<cModule *()>;
void registerModuleType(const std::string &className, ModuleFactory factory);
cModule *createModuleOfType(const std::string &className);
std::vector<std::string> registeredModuleTypes();
std::string demangledTypeName(const char *mangled);

template <typename T>
struct ModuleRegistrar
{
    explicit ModuleRegistrar(const char *mangledName)
    {
        registerModuleType(demangledTypeName(mangledName), [] { return new T(); });
    }
};

}  // namespace qcity::sim

#define QCITY_CONCAT2(a, b) a##b
#define QCITY_CONCAT(a, b) QCITY_CONCAT2(a, b)
// Registers a simple module class under its namespace-qualified C++ name, which is what
// a NED simple module of the same name resolves to (through @namespace or @class).
#define Define_Module(CLASSNAME) \
    static ::qcity::sim::ModuleRegistrar<CLASSNAME> QCITY_CONCAT(qcityModuleRegistrar_, __LINE__)(typeid(CLASSNAME).name())
