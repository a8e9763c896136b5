#include "ccomponent.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "csimulation.h"

namespace qcity::sim {

// ---- signals ------------------------------------------------------------------

namespace {
struct SignalTable
{
    std::mutex lock;
    std::unordered_map<std::string, simsignal_t> ids;
    std::vector<std::string> names;
};
SignalTable &signalTable()
{
    static SignalTable t;
    return t;
}
}  // namespace

simsignal_t cComponent::registerSignal(const char *name)
{
    SignalTable &t = signalTable();
    std::lock_guard<std::mutex> g(t.lock);
    auto it = t.ids.find(name);
    if (it != t.ids.end())
        return it->second;
    simsignal_t id = static_cast<simsignal_t>(t.names.size());
    t.names.emplace_back(name);
    t.ids.emplace(name, id);
    return id;
}

const char *cComponent::getSignalName(simsignal_t signal)
{
    SignalTable &t = signalTable();
    std::lock_guard<std::mutex> g(t.lock);
    return signal >= 0 && signal < (simsignal_t)t.names.size() ? t.names[signal].c_str() : nullptr;
}

void cIListener::receiveSignal(cComponent *, simsignal_t signal, cObject *, cObject *)
{
    throw cRuntimeError("Listener cannot receive object values on signal %s", cComponent::getSignalName(signal));
}

void cComponent::subscribe(simsignal_t signal, cIListener *listener)
{
    listeners_.push_back({signal, listener});
    sim_->listenerAdded(signal);
}

void cComponent::unsubscribe(simsignal_t signal, cIListener *listener)
{
    auto end = std::remove_if(listeners_.begin(), listeners_.end(),
                              [&](const Subscription &s) { return s.signal == signal && s.listener == listener; });
    for (auto it = end; it != listeners_.end(); ++it)
        sim_->listenerRemoved(signal);
    listeners_.erase(end, listeners_.end());
}

// Signals propagate up the module tree, so a compound module can record its submodules'.
void cComponent::fire(cComponent *source, simsignal_t signal, double value, cObject *obj) const
{
    if (!sim_->mayHaveListeners(signal))
        return;
    for (const cComponent *c = this; c; c = c->getParentModule())
        for (const Subscription &s : c->listeners_)
            if (s.signal == signal) {
                if (obj)
                    s.listener->receiveSignal(source, signal, obj, nullptr);
                else
                    s.listener->receiveSignal(source, signal, value, nullptr);
            }
}

void cComponent::emit(simsignal_t signal, double value) const { fire(const_cast<cComponent *>(this), signal, value, nullptr); }

void cComponent::emit(simsignal_t signal, cObject *obj) const
{
    if (!obj)
        throw cRuntimeError("emit(): null object on signal %s", getSignalName(signal));
    fire(const_cast<cComponent *>(this), signal, 0, obj);
}

void cComponent::recordScalar(const char *name, double value, const char *unit) const
{
    ResultWriter &writer = sim_->getResultWriter();
    std::string path = getFullPath();
    if (!writer.wantsScalar(path, name))  // as OMNeT++: <module>.<scalar>.scalar-recording = false drops it
        return;
    Attributes attrs;
    if (unit && *unit)
        attrs.push_back({"unit", unit});
    writer.recordScalar(path, name, value, std::move(attrs));
}

// ---- parameters and RNGs --------------------------------------------------------

cPar &cComponent::addPar(const std::string &name, cPar::Type type, const std::string &unit, bool isVolatile)
{
    if (hasPar(name.c_str()))
        throw cRuntimeError("%s: parameter '%s' defined twice", getFullPath().c_str(), name.c_str());
    params_.emplace_back(this, name, type, unit, isVolatile);
    return params_.back();
}

cPar &cComponent::par(const char *name) { return const_cast<cPar &>(static_cast<const cComponent *>(this)->par(name)); }

const cPar &cComponent::par(const char *name) const
{
    for (const cPar &p : params_)
        if (std::string(p.getName()) == name)
            return p;
    throw cRuntimeError("%s has no parameter named '%s'", getFullPath().c_str(), name);
}

bool cComponent::hasPar(const char *name) const
{
    return std::any_of(params_.begin(), params_.end(), [&](const cPar &p) { return std::string(p.getName()) == name; });
}

cRNG *cComponent::rng(int k) const
{
    if (k < 0)
        throw cRuntimeError("%s: negative RNG index %d", getFullPath().c_str(), k);
    int global = k < (int)rngMap_.size() ? rngMap_[k] : k;
    return sim_->getRng(global);
}

}  // namespace qcity::sim
