// Components (modules and channels), gates, signals and listeners: the structural
// part of the OMNeT++ API subset. Structure is built by the network builder (the
// Python NED reader through the bindings); models only use the accessors.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cmessage.h"
#include "cpar.h"
#include "crng.h"
#include "errors.h"
#include "simtime.h"

namespace qcity::sim {

class cSimulation;
class cModule;
class cChannel;
class cComponent;

using simsignal_t = int;

class cIListener
{
  public:
    virtual ~cIListener() = default;
    virtual void receiveSignal(cComponent *source, simsignal_t signal, double value, cObject *details) = 0;
    virtual void receiveSignal(cComponent *source, simsignal_t signal, cObject *obj, cObject *details);
    virtual void finish(cComponent *component, simsignal_t signal) {}
};

class cComponent : public cNamedObject
{
    friend class cSimulation;

    struct Subscription
    {
        simsignal_t signal;
        cIListener *listener;
    };

  protected:
    int id_ = -1;
    std::vector<cPar> params_;
    std::vector<int> rngMap_;  // local RNG index -> global RNG index
    std::vector<Subscription> listeners_;
    cSimulation *sim_ = nullptr;

    cRNG *rng(int k) const;
    void fire(cComponent *source, simsignal_t signal, double value, cObject *obj) const;

  public:
    cComponent() = default;
    cComponent(const cComponent &) = delete;
    cComponent &operator=(const cComponent &) = delete;

    int getId() const { return id_; }
    virtual std::string getFullPath() const = 0;
    virtual cModule *getParentModule() const = 0;
    cSimulation *getSimulation() const { return sim_; }

    // parameters
    cPar &addPar(const std::string &name, cPar::Type type, const std::string &unit, bool isVolatile);
    cPar &par(const char *name);
    const cPar &par(const char *name) const;
    bool hasPar(const char *name) const;
    int getNumParams() const { return static_cast<int>(params_.size()); }
    cPar &par(int k) { return params_.at(k); }

    // random numbers, from the component's local RNG k
    cRNG *getRNG(int k) const { return rng(k); }
    void setRngMap(std::vector<int> map) { rngMap_ = std::move(map); }
    double uniform(double a, double b, int k = 0) const { return dist::uniform(rng(k), a, b); }
    double exponential(double mean, int k = 0) const { return dist::exponential(rng(k), mean); }
    double normal(double mean, double stddev, int k = 0) const { return dist::normal(rng(k), mean, stddev); }
    double truncnormal(double mean, double stddev, int k = 0) const { return dist::truncnormal(rng(k), mean, stddev); }
    int64_t intuniform(int64_t a, int64_t b, int k = 0) const { return dist::intuniform(rng(k), a, b); }
    int bernoulli(double p, int k = 0) const { return dist::bernoulli(rng(k), p); }
    double dblrand(int k = 0) const { return rng(k)->doubleRand(); }
    simtime_t uniform(simtime_t a, simtime_t b, int k = 0) const { return uniform(a.dbl(), b.dbl(), k); }
    simtime_t exponential(simtime_t mean, int k = 0) const { return exponential(mean.dbl(), k); }

    // signals
    static simsignal_t registerSignal(const char *name);
    static const char *getSignalName(simsignal_t signal);
    void subscribe(simsignal_t signal, cIListener *listener);
    void unsubscribe(simsignal_t signal, cIListener *listener);
    void emit(simsignal_t signal, double value) const;
    void emit(simsignal_t signal, int value) const { emit(signal, static_cast<double>(value)); }
    void emit(simsignal_t signal, long value) const { emit(signal, static_cast<double>(value)); }
    void emit(simsignal_t signal, long long value) const { emit(signal, static_cast<double>(value)); }
    void emit(simsignal_t signal, unsigned long value) const { emit(signal, static_cast<double>(value)); }
    void emit(simsignal_t signal, bool value) const { emit(signal, value ? 1.0 : 0.0); }
    void emit(simsignal_t signal, const SimTime &value) const { emit(signal, value.dbl()); }
    void emit(simsignal_t signal, cObject *obj) const;

    // results
    void recordScalar(const char *name, double value, const char *unit = nullptr) const;
    void recordScalar(const char *name, const SimTime &value, const char *unit = nullptr) const { recordScalar(name, value.dbl(), unit ? unit : "s"); }
};

class cGate
{
    friend class cModule;
    friend class cSimpleModule;
    friend class cSimulation;

  public:
    enum Type { INPUT = 'I', OUTPUT = 'O' };

  private:
    cModule *owner_;
    std::string name_;  // base name; inout halves are "name$i" / "name$o"
    int index_;
    int vectorSize_;
    Type type_;
    int id_ = -1;
    cGate *next_ = nullptr;
    cGate *prev_ = nullptr;
    cChannel *channel_ = nullptr;  // the channel of the connection leaving this gate
    cGate *pathEnd_ = nullptr;     // cached: the simple module input this gate leads to

  public:
    cGate(cModule *owner, std::string name, int index, int vectorSize, Type type)
        : owner_(owner), name_(std::move(name)), index_(index), vectorSize_(vectorSize), type_(type) {}
    const char *getName() const { return name_.c_str(); }
    std::string getFullName() const;
    std::string getFullPath() const;
    int getIndex() const { return index_ < 0 ? 0 : index_; }
    bool isVector() const { return index_ >= 0; }
    int getVectorSize() const { return index_ < 0 ? 1 : vectorSize_; }
    int size() const { return getVectorSize(); }
    Type getType() const { return type_; }
    int getId() const { return id_; }
    cModule *getOwnerModule() const { return owner_; }
    cGate *getNextGate() const { return next_; }
    cGate *getPreviousGate() const { return prev_; }
    cChannel *getChannel() const { return channel_; }
    bool isConnected() const;
    bool isConnectedOutside() const;
    cGate *getPathEndGate() const;
    cGate *getPathStartGate() const;
    bool isPathOK() const;  // the path starts and ends at simple modules
    // The channel along the path that has a data rate, if any.
    cChannel *getTransmissionChannel() const;
    cChannel *findTransmissionChannel() const;  // nullptr if the path has no channel with a data rate
    void connectTo(cGate *target, cChannel *channel = nullptr);
};

class cChannel : public cComponent
{
    friend class cSimulation;
    friend class cGate;

  protected:
    cGate *srcGate_ = nullptr;

  public:
    struct Result
    {
        simtime_t delay;
        simtime_t duration;
        bool discard = false;
    };

    std::string getFullPath() const override;
    cModule *getParentModule() const override;
    cGate *getSourceGate() const { return srcGate_; }
    virtual void initialize() {}
    virtual void finish() {}
    virtual bool isTransmissionChannel() const { return false; }
    virtual double getDatarate() const { return 0; }
    virtual bool isBusy() const { return false; }
    virtual simtime_t getTransmissionFinishTime() const { return SIMTIME_ZERO; }
    virtual simtime_t calculateDuration(cMessage *msg) const { return SIMTIME_ZERO; }
    // Decides the message's fate on this hop: delay, transmission duration, or discard.
    virtual void processMessage(cMessage *msg, simtime_t t, Result &result) = 0;
};

// ned.IdealChannel: zero delay, infinite data rate.
class cIdealChannel : public cChannel
{
  public:
    const char *getClassName() const override { return "cIdealChannel"; }
    void processMessage(cMessage *, simtime_t, Result &) override {}
};

// ned.DelayChannel: propagation delay; `disabled` drops everything.
class cDelayChannel : public cChannel
{
  protected:
    simtime_t delay_;
    bool disabled_ = false;

  public:
    const char *getClassName() const override { return "cDelayChannel"; }
    void initialize() override;
    simtime_t getDelay() const { return delay_; }
    void processMessage(cMessage *msg, simtime_t t, Result &result) override;
};

// ned.DatarateChannel: delay, data rate (transmission time), bit and packet error rates.
// Sending while a transmission is under way is an error, as in OMNeT++.
class cDatarateChannel : public cDelayChannel
{
    double datarate_ = 0;
    double ber_ = 0;
    double per_ = 0;
    simtime_t txFinishTime_;

  public:
    const char *getClassName() const override { return "cDatarateChannel"; }
    void initialize() override;
    bool isTransmissionChannel() const override { return datarate_ != 0; }
    double getDatarate() const override { return datarate_; }
    double getBitErrorRate() const { return ber_; }
    double getPacketErrorRate() const { return per_; }
    bool isBusy() const override;
    simtime_t getTransmissionFinishTime() const override { return txFinishTime_; }
    void forceTransmissionFinishTime(simtime_t t) { txFinishTime_ = t; }
    simtime_t calculateDuration(cMessage *msg) const override;
    void processMessage(cMessage *msg, simtime_t t, Result &result) override;
};

class cModule : public cComponent
{
    friend class cSimulation;

    struct GateDesc
    {
        std::string name;
        cGate::Type type;
        bool isVector;
        std::vector<std::unique_ptr<cGate>> gates;
    };

    cModule *parent_ = nullptr;
    int index_ = -1;  // -1: not part of a vector
    int vectorSize_ = 1;
    std::vector<cModule *> submodules_;  // owned by the simulation
    std::vector<GateDesc> gateDescs_;
    std::string fullPath_;

    GateDesc *findGateDesc(const char *name);
    const GateDesc *findGateDesc(const char *name) const;

  public:
    ~cModule() override;
    const char *getClassName() const override { return "cModule"; }
    std::string getFullName() const override;
    std::string getFullPath() const override { return fullPath_; }
    cModule *getParentModule() const override { return parent_; }
    cModule *getSystemModule() const;
    int getIndex() const { return index_ < 0 ? 0 : index_; }
    int getVectorSize() const { return index_ < 0 ? 1 : vectorSize_; }
    bool isVector() const { return index_ >= 0; }
    virtual bool isSimple() const { return false; }

    cModule *getSubmodule(const char *name, int index = -1) const;
    cModule *getModuleByPath(const char *path) const;
    cModule *findModuleByPath(const char *path) const { return getModuleByPath(path); }  // nullptr if none
    int getNumSubmodules() const { return static_cast<int>(submodules_.size()); }
    const std::vector<cModule *> &getSubmodules() const { return submodules_; }

    // gates
    void addGate(const std::string &name, cGate::Type type, bool isVector, int size);
    void setGateSize(const std::string &name, int size);
    cGate *gate(const char *name, int index = -1);
    const cGate *gate(const char *name, int index = -1) const { return const_cast<cModule *>(this)->gate(name, index); }
    cGate *gate(int id) const;
    cGate *gateHalf(const char *name, cGate::Type type, int index = -1);
    bool hasGate(const char *name, int index = -1) const;
    int gateSize(const char *name) const;
    int findGate(const char *name, int index = -1) const;
};

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
