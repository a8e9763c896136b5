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
    int64_t frontUsed = 0;  // bits of blocks.front() already handed out
    double lastQber = 0;
    std::deque<std::pair<omnetpp::simtime_t, int64_t>> recent;  // (arrival, bits) within rateWindow
    omnetpp::simtime_t rateWindow;

    // statistics
    omnetpp::simsignal_t poolLevelSignal = 0, droppedSignal = 0, consumedSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;

  public:
    ~KeyManager() override;
    int64_t getPoolBits() const { return poolBits; }
    double getLastQber() const { return lastQber; }
    double getKeyRate() const;  // key bits delivered per second over the last `rateWindow`
    // Takes `bits` of key (whole blocks' worth, oldest first), never handing a bit out twice;
    // false (and nothing taken) if the pool holds fewer.
    bool consume(int64_t bits);
};

}  // namespace qcity
