#include "cmessage.h"

#include <array>
#include <cstdlib>
#include <new>
#include <vector>

#include "csimplemodule.h"
#include "csimulation.h"
#include "errors.h"

namespace qcity::sim {

cObject *cObject::dup() const
{
    throw cRuntimeError("%s does not implement dup()", getClassName());
}

// ---- pool -------------------------------------------------------------------

namespace {
constexpr std::size_t kGranule = 16;
constexpr std::size_t kClasses = 64;  // pooled up to 1 KiB; larger objects use malloc

struct FreeLists
{
    std::array<std::vector<void *>, kClasses> lists;
    ~FreeLists()
    {
        for (auto &l : lists)
            for (void *p : l)
                std::free(p);
    }
};
thread_local FreeLists freeLists;

std::size_t sizeClass(std::size_t size) { return (size + kGranule - 1) / kGranule; }
}  // namespace

void *MessagePool::allocate(std::size_t size)
{
    std::size_t c = sizeClass(size);
    if (c < kClasses) {
        auto &l = freeLists.lists[c];
        if (!l.empty()) {
            void *p = l.back();
            l.pop_back();
            return p;
        }
        size = c * kGranule;
    }
    void *p = std::malloc(size);
    if (!p)
        throw std::bad_alloc();
    return p;
}

void MessagePool::release(void *p, std::size_t size)
{
    std::size_t c = sizeClass(size);
    if (c < kClasses)
        freeLists.lists[c].push_back(p);
    else
        std::free(p);
}

// ---- cMessage ---------------------------------------------------------------

static thread_local int64_t nextMessageId = 0;

cMessage::cMessage(const char *name, short kind) : cNamedObject(name), kind_(kind)
{
    id_ = treeId_ = nextMessageId++;
    if (cSimulation *sim = cSimulation::getActiveSimulation())
        creationTime_ = sim->getSimTime();
}

cMessage::cMessage(const cMessage &other) : cNamedObject(other)
{
    id_ = nextMessageId++;
    copyFrom(other);
}

cMessage &cMessage::operator=(const cMessage &other)
{
    if (this != &other) {
        cNamedObject::operator=(other);
        copyFrom(other);
    }
    return *this;
}

void cMessage::copyFrom(const cMessage &other)
{
    kind_ = other.kind_;
    priority_ = other.priority_;
    creationTime_ = other.creationTime_;
    sendingTime_ = other.sendingTime_;
    arrivalTime_ = other.arrivalTime_;
    timestamp_ = other.timestamp_;
    senderModuleId_ = other.senderModuleId_;
    senderGateId_ = other.senderGateId_;
    arrivalModuleId_ = other.arrivalModuleId_;
    arrivalGateId_ = other.arrivalGateId_;
    contextPointer_ = other.contextPointer_;
    treeId_ = other.treeId_;
    isSelf_ = other.isSelf_;
    delete controlInfo_;
    controlInfo_ = other.controlInfo_ ? other.controlInfo_->dup() : nullptr;
    // fesSlot_ and insertOrder_ stay: a copy is never scheduled.
}

cMessage::~cMessage()
{
    if (fesSlot_ != 0)
        if (cSimulation *sim = cSimulation::getActiveSimulation())
            sim->removeDeletedEvent(this);
    delete controlInfo_;
}

void cMessage::setTimestamp() { timestamp_ = simTime(); }

void cMessage::setControlInfo(cObject *info)
{
    if (controlInfo_ && controlInfo_ != info)
        delete controlInfo_;
    controlInfo_ = info;
}

cObject *cMessage::removeControlInfo()
{
    cObject *c = controlInfo_;
    controlInfo_ = nullptr;
    return c;
}

cModule *cMessage::getArrivalModule() const { return getSimulation()->getModule(arrivalModuleId_); }
cModule *cMessage::getSenderModule() const { return getSimulation()->getModule(senderModuleId_); }
cGate *cMessage::getArrivalGate() const { return getSimulation()->getGate(arrivalGateId_); }
cGate *cMessage::getSenderGate() const { return getSimulation()->getGate(senderGateId_); }

bool cMessage::arrivedOn(const char *gateName) const
{
    cGate *g = getArrivalGate();
    return g && std::string(g->getName()) == gateName;
}

bool cMessage::arrivedOn(const char *gateName, int index) const
{
    cGate *g = getArrivalGate();
    return g && std::string(g->getName()) == gateName && g->getIndex() == index;
}

// ---- cPacket ----------------------------------------------------------------

cPacket::cPacket(const char *name, short kind, int64_t bitLength) : cMessage(name, kind) { setBitLength(bitLength); }

cPacket::cPacket(const cPacket &other) : cMessage(other) { copyFrom(other); }

cPacket &cPacket::operator=(const cPacket &other)
{
    if (this != &other) {
        cMessage::operator=(other);
        copyFrom(other);
    }
    return *this;
}

void cPacket::copyFrom(const cPacket &other)
{
    bitLength_ = other.bitLength_;
    bitError_ = other.bitError_;
    duration_ = other.duration_;
    delete encapsulated_;
    encapsulated_ = other.encapsulated_ ? other.encapsulated_->dup() : nullptr;
}

cPacket::~cPacket() { delete encapsulated_; }

void cPacket::setBitLength(int64_t bits)
{
    if (bits < 0)
        throw cRuntimeError("(%s)%s: negative length %lld bits", getClassName(), getName(), (long long)bits);
    bitLength_ = bits;
}

void cPacket::encapsulate(cPacket *packet)
{
    if (encapsulated_)
        throw cRuntimeError("(%s)%s: already holds an encapsulated packet", getClassName(), getName());
    if (packet) {
        addBitLength(packet->getBitLength());
        if (packet->hasBitError())
            bitError_ = true;
    }
    encapsulated_ = packet;
}

cPacket *cPacket::decapsulate()
{
    cPacket *p = encapsulated_;
    if (p) {
        if (bitLength_ > 0)
            setBitLength(bitLength_ - p->getBitLength() < 0 ? 0 : bitLength_ - p->getBitLength());
        encapsulated_ = nullptr;
    }
    return p;
}

}  // namespace qcity::sim
