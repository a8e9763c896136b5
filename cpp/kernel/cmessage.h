// cObject, cMessage and cPacket: the OMNeT++ message API subset qcity models use.
// Messages are allocated from a per-thread pool (see MessagePool) because the
// event loop creates and destroys them at the highest rate of any object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "simtime.h"

namespace qcity::sim {

class cModule;
class cGate;
class cSimulation;
class EventHeap;

class cObject
{
  public:
    virtual ~cObject() = default;
    virtual const char *getName() const { return ""; }
    virtual std::string getFullName() const { return getName(); }
    virtual const char *getClassName() const { return "cObject"; }
    virtual cObject *dup() const;
};

class cNamedObject : public cObject
{
    std::string name_;

  public:
    explicit cNamedObject(const char *name = nullptr) : name_(name ? name : "") {}
    const char *getName() const override { return name_.c_str(); }
    void setName(const char *name) { name_ = name ? name : ""; }
    bool isName(const char *s) const { return name_ == (s ? s : ""); }
};

// Size-bucketed free lists: freed messages are reused for the next allocation of the
// same size class instead of going back to malloc.
struct MessagePool
{
    static void *allocate(std::size_t size);
    static void release(void *p, std::size_t size);
};

class cMessage : public cNamedObject
{
    friend class cSimulation;
    friend class EventHeap;
    friend class cSimpleModule;

    short kind_ = 0;
    short priority_ = 0;
    simtime_t creationTime_;
    simtime_t sendingTime_;
    simtime_t arrivalTime_;
    simtime_t timestamp_;
    int senderModuleId_ = -1;
    int senderGateId_ = -1;
    int arrivalModuleId_ = -1;
    int arrivalGateId_ = -1;
    void *contextPointer_ = nullptr;
    cObject *controlInfo_ = nullptr;
    int64_t fesSlot_ = 0;  // where the future event set keeps it (EventHeap); 0: not scheduled
    uint64_t insertOrder_ = 0;
    int64_t id_;
    int64_t treeId_;
    bool isSelf_ = false;

    void copyFrom(const cMessage &other);

  public:
    explicit cMessage(const char *name = nullptr, short kind = 0);
    cMessage(const cMessage &other);
    cMessage &operator=(const cMessage &other);
    ~cMessage() override;

    const char *getClassName() const override { return "cMessage"; }
    cMessage *dup() const override { return new cMessage(*this); }
    virtual bool isPacket() const { return false; }

    short getKind() const { return kind_; }
    void setKind(short k) { kind_ = k; }
    short getSchedulingPriority() const { return priority_; }
    void setSchedulingPriority(short p) { priority_ = p; }
    simtime_t getCreationTime() const { return creationTime_; }
    simtime_t getSendingTime() const { return sendingTime_; }
    simtime_t getArrivalTime() const { return arrivalTime_; }
    simtime_t getTimestamp() const { return timestamp_; }
    void setTimestamp(simtime_t t) { timestamp_ = t; }
    void setTimestamp();
    void *getContextPointer() const { return contextPointer_; }
    void setContextPointer(void *p) { contextPointer_ = p; }

    // Control info is owned by the message: set replaces (and deletes) the old one.
    void setControlInfo(cObject *info);
    cObject *getControlInfo() const { return controlInfo_; }
    cObject *removeControlInfo();

    bool isSelfMessage() const { return isSelf_; }
    bool isScheduled() const { return fesSlot_ != 0; }
    int getArrivalModuleId() const { return arrivalModuleId_; }
    int getArrivalGateId() const { return arrivalGateId_; }
    int getSenderModuleId() const { return senderModuleId_; }
    int getSenderGateId() const { return senderGateId_; }
    cModule *getArrivalModule() const;
    cGate *getArrivalGate() const;
    cModule *getSenderModule() const;
    cGate *getSenderGate() const;
    bool arrivedOn(const char *gateName) const;
    bool arrivedOn(const char *gateName, int index) const;
    int64_t getId() const { return id_; }
    void setArrivalTimeForTest(simtime_t t) { arrivalTime_ = t; }  // FES tests only; the kernel sets arrival times
    int64_t getTreeId() const { return treeId_; }

    static void *operator new(std::size_t size) { return MessagePool::allocate(size); }
    static void operator delete(void *p, std::size_t size) { MessagePool::release(p, size); }
};

class cPacket : public cMessage
{
    int64_t bitLength_ = 0;
    bool bitError_ = false;
    simtime_t duration_;
    cPacket *encapsulated_ = nullptr;

    void copyFrom(const cPacket &other);

  public:
    explicit cPacket(const char *name = nullptr, short kind = 0, int64_t bitLength = 0);
    cPacket(const cPacket &other);
    cPacket &operator=(const cPacket &other);
    ~cPacket() override;

    const char *getClassName() const override { return "cPacket"; }
    cPacket *dup() const override { return new cPacket(*this); }
    bool isPacket() const override { return true; }

    int64_t getBitLength() const { return bitLength_; }
    int64_t getByteLength() const { return (bitLength_ + 7) / 8; }
    void setBitLength(int64_t bits);
    void setByteLength(int64_t bytes) { setBitLength(bytes * 8); }
    void addBitLength(int64_t delta) { setBitLength(bitLength_ + delta); }
    void addByteLength(int64_t delta) { setBitLength(bitLength_ + delta * 8); }
    bool hasBitError() const { return bitError_; }
    void setBitError(bool e) { bitError_ = e; }
    simtime_t getDuration() const { return duration_; }
    void setDuration(simtime_t d) { duration_ = d; }

    // Encapsulation adds the inner packet's length, as in OMNeT++.
    void encapsulate(cPacket *packet);
    cPacket *decapsulate();
    cPacket *getEncapsulatedPacket() const { return encapsulated_; }
};

}  // namespace qcity::sim
