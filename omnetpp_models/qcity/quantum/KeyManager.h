#pragma once

#include <deque>

#include "KeyBlock.h"
#include "qcity/sim.h"

namespace qcity {

// Holds the key blocks a QkdLink delivers, in arrival order; see KeyManager.ned.
class KeyManager : public omnetpp::cSimpleModule
{
  protected:
    // parameters
    int64_t capacityBits = 0;

    // state
    std::deque<KeyBlock *> blocks;
    int64_t poolBits = 0;

    // statistics
    omnetpp::simsignal_t poolLevelSignal = 0, droppedSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;

  public:
    ~KeyManager() override;
    int64_t getPoolBits() const { return poolBits; }
};

}  // namespace qcity
