// Components (modules and channels): parameters, random numbers, signals and their
// listeners, scalar results. Structure is built by the network builder (the Python NED
// reader through the bindings); models only use the accessors.
#pragma once

#include <cstdint>
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

}  // namespace qcity::sim
