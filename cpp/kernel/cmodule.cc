#include "cmodule.h"

#include <cxxabi.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
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

// ---- gates --------------------------------------------------------------------

std::string cGate::getFullName() const
{
    return index_ < 0 ? name_ : name_ + "[" + std::to_string(index_) + "]";
}

std::string cGate::getFullPath() const { return owner_->getFullPath() + "." + getFullName(); }

bool cGate::isConnected() const
{
    bool inside = !owner_->isSimple();
    if (type_ == INPUT)
        return prev_ && (!inside || next_);
    return next_ && (!inside || prev_);
}

bool cGate::isConnectedOutside() const { return type_ == INPUT ? prev_ != nullptr : next_ != nullptr; }

cGate *cGate::getPathEndGate() const
{
    const cGate *g = this;
    while (g->next_)
        g = g->next_;
    return const_cast<cGate *>(g);
}

cGate *cGate::getPathStartGate() const
{
    const cGate *g = this;
    while (g->prev_)
        g = g->prev_;
    return const_cast<cGate *>(g);
}

bool cGate::isPathOK() const
{
    return getPathStartGate()->getOwnerModule()->isSimple() && getPathEndGate()->getOwnerModule()->isSimple();
}

cChannel *cGate::findTransmissionChannel() const
{
    for (const cGate *g = this; g; g = g->next_)
        if (g->channel_ && g->channel_->isTransmissionChannel())
            return g->channel_;
    return nullptr;
}

cChannel *cGate::getTransmissionChannel() const
{
    if (cChannel *channel = findTransmissionChannel())
        return channel;
    throw cRuntimeError("getTransmissionChannel(): no channel with a data rate on the path from gate %s", getFullPath().c_str());
}

void cGate::connectTo(cGate *target, cChannel *channel)
{
    next_ = target;
    target->prev_ = this;
    channel_ = channel;
    if (channel)
        channel->srcGate_ = this;
}

// ---- channels -----------------------------------------------------------------

std::string cChannel::getFullPath() const { return srcGate_ ? srcGate_->getFullPath() + ".channel" : "channel"; }

cModule *cChannel::getParentModule() const
{
    if (!srcGate_)
        return nullptr;
    cModule *owner = srcGate_->getOwnerModule();
    // a connection leaving an output gate lives in the owner's parent
    return srcGate_->getType() == cGate::OUTPUT ? owner->getParentModule() : owner;
}

void cDelayChannel::initialize()
{
    delay_ = hasPar("delay") ? simtime_t(par("delay").doubleValue()) : SIMTIME_ZERO;
    if (delay_ < SIMTIME_ZERO)
        throw cRuntimeError("%s: negative delay %ss", getFullPath().c_str(), delay_.str().c_str());
    disabled_ = hasPar("disabled") && par("disabled").boolValue();
}

void cDelayChannel::processMessage(cMessage *, simtime_t, Result &result)
{
    if (disabled_) {
        result.discard = true;
        return;
    }
    result.delay = delay_;
}

void cDatarateChannel::initialize()
{
    cDelayChannel::initialize();
    datarate_ = hasPar("datarate") ? par("datarate").doubleValue() : 0;
    ber_ = hasPar("ber") ? par("ber").doubleValue() : 0;
    per_ = hasPar("per") ? par("per").doubleValue() : 0;
    if (datarate_ < 0)
        throw cRuntimeError("%s: negative datarate %g", getFullPath().c_str(), datarate_);
    if (ber_ < 0 || ber_ > 1)
        throw cRuntimeError("%s: ber=%g is outside [0,1]", getFullPath().c_str(), ber_);
    if (per_ < 0 || per_ > 1)
        throw cRuntimeError("%s: per=%g is outside [0,1]", getFullPath().c_str(), per_);
}

bool cDatarateChannel::isBusy() const { return txFinishTime_ > simTime(); }

simtime_t cDatarateChannel::calculateDuration(cMessage *msg) const
{
    if (datarate_ == 0 || !msg->isPacket())
        return SIMTIME_ZERO;
    return static_cast<double>(static_cast<cPacket *>(msg)->getBitLength()) / datarate_;
}

void cDatarateChannel::processMessage(cMessage *msg, simtime_t t, Result &result)
{
    if (datarate_ != 0 && msg->isPacket()) {
        if (txFinishTime_ > t)
            throw cRuntimeError("Cannot send (%s)%s: channel %s is busy with a transmission until t=%ss -- send only when "
                                "getTransmissionChannel()->isBusy() is false, or queue the packet",
                                msg->getClassName(), msg->getName(), getFullPath().c_str(), txFinishTime_.str().c_str());
        result.duration = calculateDuration(msg);
        txFinishTime_ = t + result.duration;
    }
    if (disabled_) {
        result.discard = true;
        return;
    }
    result.delay = delay_;
    if (msg->isPacket() && (ber_ > 0 || per_ > 0)) {
        auto *pkt = static_cast<cPacket *>(msg);
        cRNG *r = rng(0);
        if (per_ > 0 && r->doubleRand() < per_)
            pkt->setBitError(true);
        if (ber_ > 0 && r->doubleRand() < 1.0 - std::pow(1.0 - ber_, static_cast<double>(pkt->getBitLength())))
            pkt->setBitError(true);
    }
}

// ---- modules ------------------------------------------------------------------

cModule::~cModule() = default;

std::string cModule::getFullName() const
{
    return index_ < 0 ? std::string(getName()) : std::string(getName()) + "[" + std::to_string(index_) + "]";
}

cModule *cModule::getSystemModule() const
{
    const cModule *m = this;
    while (m->parent_)
        m = m->parent_;
    return const_cast<cModule *>(m);
}

cModule *cModule::getSubmodule(const char *name, int index) const
{
    for (cModule *m : submodules_)
        if (std::string(m->getName()) == name && (index < 0 ? !m->isVector() : m->isVector() && m->getIndex() == index))
            return m;
    return nullptr;
}

cModule *cModule::getModuleByPath(const char *path) const
{
    // relative path: "sub.sub2[3]"; "^" means the parent, as in OMNeT++
    const cModule *m = this;
    std::string p = path;
    std::size_t pos = 0;
    while (m && pos <= p.size()) {
        std::size_t dot = p.find('.', pos);
        std::string part = p.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
        if (part == "^")
            m = m->parent_;
        else if (!part.empty()) {
            int index = -1;
            std::size_t br = part.find('[');
            if (br != std::string::npos) {
                index = std::atoi(part.c_str() + br + 1);
                part = part.substr(0, br);
            }
            m = m->getSubmodule(part.c_str(), index);
        }
        if (dot == std::string::npos)
            break;
        pos = dot + 1;
    }
    return const_cast<cModule *>(m);
}

cModule::GateDesc *cModule::findGateDesc(const char *name)
{
    for (auto &d : gateDescs_)
        if (d.name == name)
            return &d;
    return nullptr;
}

const cModule::GateDesc *cModule::findGateDesc(const char *name) const { return const_cast<cModule *>(this)->findGateDesc(name); }

void cModule::addGate(const std::string &name, cGate::Type type, bool isVector, int size)
{
    if (findGateDesc(name.c_str()))
        throw cRuntimeError("%s: gate '%s' declared twice", getFullPath().c_str(), name.c_str());
    gateDescs_.push_back({name, type, isVector, {}});
    setGateSize(name, isVector ? size : 1);
}

void cModule::setGateSize(const std::string &name, int size)
{
    GateDesc *d = findGateDesc(name.c_str());
    if (!d)
        throw cRuntimeError("%s has no gate '%s'", getFullPath().c_str(), name.c_str());
    if (!d->isVector && size != 1)
        throw cRuntimeError("%s: gate '%s' is not a vector", getFullPath().c_str(), name.c_str());
    if (size < (int)d->gates.size())
        throw cRuntimeError("%s: gate vector '%s' cannot shrink", getFullPath().c_str(), name.c_str());
    for (int i = (int)d->gates.size(); i < size; i++) {
        d->gates.push_back(std::make_unique<cGate>(this, d->name, d->isVector ? i : -1, size, d->type));
        sim_->registerGate(d->gates.back().get());
    }
    for (auto &g : d->gates)
        g->vectorSize_ = size;
}

cGate *cModule::gate(const char *name, int index)
{
    GateDesc *d = findGateDesc(name);
    if (!d) {
        // an inout gate named without $i/$o is ambiguous, as in OMNeT++
        std::string n = name;
        if (findGateDesc((n + "$i").c_str()))
            throw cRuntimeError("%s: gate '%s' is inout; name the half: '%s$i' or '%s$o'", getFullPath().c_str(), name, name, name);
        throw cRuntimeError("%s has no gate named '%s'", getFullPath().c_str(), name);
    }
    if (d->isVector) {
        if (index < 0 || index >= (int)d->gates.size())
            throw cRuntimeError("%s: gate index %d out of range for '%s[%d]'", getFullPath().c_str(), index, name, (int)d->gates.size());
        return d->gates[index].get();
    }
    if (index > 0)
        throw cRuntimeError("%s: gate '%s' is not a vector, cannot take index %d", getFullPath().c_str(), name, index);
    return d->gates[0].get();
}

cGate *cModule::gate(int id) const
{
    cGate *g = sim_->getGate(id);
    if (!g || g->getOwnerModule() != this)
        throw cRuntimeError("%s: no gate with id %d", getFullPath().c_str(), id);
    return g;
}

cGate *cModule::gateHalf(const char *name, cGate::Type type, int index)
{
    std::string half = std::string(name) + (type == cGate::INPUT ? "$i" : "$o");
    return gate(half.c_str(), index);
}

bool cModule::hasGate(const char *name, int index) const
{
    const GateDesc *d = findGateDesc(name);
    return d && (index < 0 || index < (int)d->gates.size());
}

int cModule::gateSize(const char *name) const
{
    const GateDesc *d = findGateDesc(name);
    if (!d) {
        d = findGateDesc((std::string(name) + "$i").c_str());
        if (!d)
            throw cRuntimeError("%s has no gate named '%s'", getFullPath().c_str(), name);
    }
    return static_cast<int>(d->gates.size());
}

int cModule::findGate(const char *name, int index) const
{
    const GateDesc *d = findGateDesc(name);
    if (!d)
        return -1;
    int i = d->isVector ? index : 0;
    return i >= 0 && i < (int)d->gates.size() ? d->gates[i]->getId() : -1;
}

// ---- simple modules -------------------------------------------------------------

void cSimpleModule::handleMessage(cMessage *msg)
{
    throw cRuntimeError("%s: handleMessage() not redefined (message %s)", getClassName(), msg->getName());
}

void cSimpleModule::checkNotScheduled(cMessage *msg, const char *what) const
{
    if (!msg)
        throw cRuntimeError("%s(): message is nullptr", what);
    if (msg->isScheduled())
        throw cRuntimeError("%s(): message (%s)%s is currently scheduled; cancel it first", what, msg->getClassName(), msg->getName());
}

void cSimpleModule::scheduleAt(simtime_t t, cMessage *msg)
{
    checkNotScheduled(msg, "scheduleAt");
    if (t < sim_->getSimTime())
        throw cRuntimeError("scheduleAt(): cannot schedule (%s)%s in the past: t=%ss < now=%ss", msg->getClassName(), msg->getName(),
                            t.str().c_str(), sim_->getSimTime().str().c_str());
    msg->isSelf_ = true;
    msg->senderModuleId_ = msg->arrivalModuleId_ = id_;
    msg->senderGateId_ = msg->arrivalGateId_ = -1;
    msg->sendingTime_ = sim_->getSimTime();
    msg->arrivalTime_ = t;
    sim_->insertEvent(msg);
}

void cSimpleModule::scheduleAfter(simtime_t delay, cMessage *msg) { scheduleAt(sim_->getSimTime() + delay, msg); }

void cSimpleModule::rescheduleAt(simtime_t t, cMessage *msg)
{
    if (msg->isScheduled())
        cancelEvent(msg);
    scheduleAt(t, msg);
}

cMessage *cSimpleModule::cancelEvent(cMessage *msg)
{
    if (!msg)
        throw cRuntimeError("cancelEvent(): message is nullptr");
    if (msg->isScheduled()) {
        if (!msg->isSelf_)
            throw cRuntimeError("cancelEvent(): (%s)%s is not a self-message", msg->getClassName(), msg->getName());
        sim_->removeEvent(msg);
    }
    return msg;
}

void cSimpleModule::cancelAndDelete(cMessage *msg)
{
    if (msg)
        delete cancelEvent(msg);
}

void cSimpleModule::send(cMessage *msg, const char *gateName, int index) { send(msg, gate(gateName, index)); }
void cSimpleModule::send(cMessage *msg, int gateId) { send(msg, gate(gateId)); }
void cSimpleModule::send(cMessage *msg, cGate *outGate) { sendMessage(msg, outGate, SIMTIME_ZERO); }
void cSimpleModule::sendDelayed(cMessage *msg, simtime_t delay, const char *gateName, int index)
{
    sendMessage(msg, gate(gateName, index), delay);
}
void cSimpleModule::sendDelayed(cMessage *msg, simtime_t delay, cGate *outGate) { sendMessage(msg, outGate, delay); }

void cSimpleModule::sendMessage(cMessage *msg, cGate *outGate, simtime_t delay)
{
    checkNotScheduled(msg, "send");
    if (!outGate || outGate->getOwnerModule() != this)
        throw cRuntimeError("send(): gate does not belong to module %s", getFullPath().c_str());
    if (outGate->getType() != cGate::OUTPUT)
        throw cRuntimeError("send(): cannot send via input gate %s", outGate->getFullPath().c_str());
    if (delay < SIMTIME_ZERO)
        throw cRuntimeError("send(): negative delay %ss", delay.str().c_str());
    simtime_t t = sim_->getSimTime() + delay;
    msg->isSelf_ = false;
    msg->senderModuleId_ = id_;
    msg->senderGateId_ = outGate->getId();
    msg->sendingTime_ = t;
    cGate *g = outGate;
    while (g->next_) {
        if (cChannel *c = g->channel_) {
            cChannel::Result r;
            c->processMessage(msg, t, r);
            if (r.discard) {
                delete msg;
                return;
            }
            t += r.delay;
            if (r.duration != SIMTIME_ZERO) {
                static_cast<cPacket *>(msg)->setDuration(r.duration);
                t += r.duration;  // delivered when the last bit arrives, as OMNeT++'s default
            }
        }
        g = g->next_;
    }
    if (g == outGate)
        throw cRuntimeError("send(): gate %s is not connected", outGate->getFullPath().c_str());
    if (!g->getOwnerModule()->isSimple())
        throw cRuntimeError("send(): the path from %s ends at %s, which is not connected to a simple module", outGate->getFullPath().c_str(),
                            g->getFullPath().c_str());
    msg->arrivalModuleId_ = g->getOwnerModule()->getId();
    msg->arrivalGateId_ = g->getId();
    msg->arrivalTime_ = t;
    sim_->insertEvent(msg);
}

void cSimpleModule::sendDirect(cMessage *msg, cModule *target, const char *gateName, int index)
{
    sendDirect(msg, SIMTIME_ZERO, SIMTIME_ZERO, target->gate(gateName, index));
}

void cSimpleModule::sendDirect(cMessage *msg, simtime_t delay, simtime_t duration, cModule *target, const char *gateName, int index)
{
    sendDirect(msg, delay, duration, target->gate(gateName, index));
}

void cSimpleModule::sendDirect(cMessage *msg, simtime_t delay, simtime_t duration, cGate *inputGate)
{
    checkNotScheduled(msg, "sendDirect");
    if (!inputGate || inputGate->getType() != cGate::INPUT)
        throw cRuntimeError("sendDirect(): target must be an input gate");
    cGate *end = inputGate->getPathEndGate();
    if (!end->getOwnerModule()->isSimple())
        throw cRuntimeError("sendDirect(): gate %s does not lead to a simple module", inputGate->getFullPath().c_str());
    if (delay < SIMTIME_ZERO || duration < SIMTIME_ZERO)
        throw cRuntimeError("sendDirect(): negative delay or duration");
    msg->isSelf_ = false;
    msg->senderModuleId_ = id_;
    msg->senderGateId_ = -1;
    msg->sendingTime_ = sim_->getSimTime();
    if (msg->isPacket())
        static_cast<cPacket *>(msg)->setDuration(duration);
    msg->arrivalModuleId_ = end->getOwnerModule()->getId();
    msg->arrivalGateId_ = end->getId();
    msg->arrivalTime_ = sim_->getSimTime() + delay + duration;
    sim_->insertEvent(msg);
}

void cSimpleModule::endSimulation() { sim_->requestStop(); }

// ---- factories ----------------------------------------------------------------

namespace {
std::map<std::string, ModuleFactory> &factories()
{
    static std::map<std::string, ModuleFactory> f;
    return f;
}
}  // namespace

std::string demangledTypeName(const char *mangled)
{
    int status = 0;
    char *d = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
    std::string s = status == 0 && d ? d : mangled;
    std::free(d);
    return s;
}

void registerModuleType(const std::string &className, ModuleFactory factory) { factories()[className] = std::move(factory); }

cModule *createModuleOfType(const std::string &className)
{
    auto it = factories().find(className);
    if (it == factories().end()) {
        std::string known;
        for (auto &[k, v] : factories())
            known += (known.empty() ? "" : ", ") + k;
        throw cRuntimeError("Class \"%s\" not found -- perhaps its code was not linked in, or the class was not registered with "
                            "Define_Module() (registered: %s)",
                            className.c_str(), known.c_str());
    }
    return it->second();
}

std::vector<std::string> registeredModuleTypes()
{
    std::vector<std::string> v;
    for (auto &[k, f] : factories())
        v.push_back(k);
    return v;
}

}  // namespace qcity::sim
