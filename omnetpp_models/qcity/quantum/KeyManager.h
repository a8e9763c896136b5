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
    struct BlockRecord
    {
        omnetpp::simtime_t time;
        double qber;
        int64_t bits;    // key the block delivered (0: aborted or discarded at the link)
        int64_t stored;  // of it, what entered the pool
    };
    // every block report of the last max(60 s, rateWindow): the key rate and the monitors' window statistics
    std::deque<BlockRecord> history;
    omnetpp::simtime_t rateWindow;

    // statistics
    omnetpp::simsignal_t poolLevelSignal = 0, droppedSignal = 0, consumedSignal = 0, discardedSignal = 0;

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
    struct WindowStats
    {
        double meanQber = 0;
        int attempted = 0;  // blocks the link finished in the window
        int dropped = 0;    // of those, blocks that delivered no key
    };
    WindowStats windowStats(omnetpp::simtime_t window) const;
    // Throws away every key held (an intrusion alert): returns the bits discarded.
    int64_t discardAll();
};

}  // namespace qcity
