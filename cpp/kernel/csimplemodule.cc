#include "csimplemodule.h"

#include <cxxabi.h>

#include <cstdlib>
#include <map>

#include "csimulation.h"

namespace qcity::sim {

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
