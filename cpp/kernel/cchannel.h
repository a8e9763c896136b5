// Channels: what a connection does to a message (delay, transmission time, errors).
#pragma once

#include <string>

#include "ccomponent.h"
#include "cgate.h"

namespace qcity::sim {

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

}  // namespace qcity::sim
