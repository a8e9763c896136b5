#pragma once

#include "../quantum/KeyManager.h"
#include "qcity/sim.h"

namespace qcity {

// See KeyStreamApp.ned.
class KeyStreamApp : public omnetpp::cSimpleModule
{
  protected:
    // parameters
    KeyManager *keys = nullptr;
    bool isSource = true;
    std::string sae, source, destination, ksid;  // SAE IDs: known from the KeyManager at OPEN_CONNECT
    StreamQos qos;
    omnetpp::simtime_t interval;

    // state
    omnetpp::cMessage *timer = nullptr;
    bool connected = false;
    int64_t nextIndex = 0;

    // statistics
    omnetpp::simsignal_t keySignal = 0, digestSignal = 0, failureSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void finish() override;

  public:
    ~KeyStreamApp() override;
};

}  // namespace qcity
