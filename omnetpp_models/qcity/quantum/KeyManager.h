#pragma once

#include <deque>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "Etsi014.h"
#include "KeyBlock.h"
#include "qcity/sim.h"

namespace qcity {

// ETSI GS QKD 004: a key stream's QoS and the status codes of its calls.
struct StreamQos
{
    int64_t keyChunkBits = 256;
    double maxBps = 0;           // 0: no limit
    omnetpp::simtime_t timeout;  // how long a GET_KEY waits for the peer to connect
};
enum StreamStatus {
    STREAM_OK = 0,
    STREAM_PEER_NOT_CONNECTED = 1,      // OPEN_CONNECT done, the other end not yet
    STREAM_INSUFFICIENT_KEY = 2,
    STREAM_GET_KEY_PEER_NOT_CONNECTED = 3,
    STREAM_NO_QKD_CONNECTION = 4,       // an SAE not at this link's ends
    STREAM_KSID_IN_USE = 5,
    STREAM_TIMEOUT = 6,
    STREAM_QOS_NOT_MET = 7,
};
// What each status means, for error messages.
inline const char *streamStatusText(StreamStatus s)
{
    static const char *text[] = {"successful", "peer not connected", "insufficient key", "peer not connected",
                                 "no QKD connection", "key stream ID in use", "timeout", "QoS not met"};
    return s >= 0 && s <= STREAM_QOS_NOT_MET ? text[s] : "unknown status";
}
struct StreamReply
{
    StreamStatus status = STREAM_OK;
    std::string ksid;
    std::vector<uint8_t> key;
};

// Holds the key blocks a QkdLink delivers, in arrival order, and hands keys out by ETSI 014 and 004;
// see KeyManager.ned.
class KeyManager : public omnetpp::cSimpleModule, public KeySupplier
{
  protected:
    // parameters
    int64_t capacityBits = 0;
    std::string saeId, peerSaeId;

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
    Etsi014Service etsi;  // limits, key IDs, keys waiting for their slave, request statistics
    struct KeyStream  // ETSI 004
    {
        std::string source, destination;
        StreamQos qos;
        bool open[2] = {false, false};  // source end, destination end
        omnetpp::simtime_t openedAt;
        int64_t drawn = 0;              // chunks taken from the pool
        struct Chunk
        {
            std::vector<uint8_t> key;
            bool delivered[2] = {false, false};
            omnetpp::simtime_t since;
        };
        std::map<int64_t, Chunk> chunks;  // drawn and not yet delivered at both ends
    };
    std::map<std::string, KeyStream> streams;
    omnetpp::simtime_t emptySince;  // start of the current period with less than keySize bits; negative: not empty
    std::ofstream keyFile;

    // statistics
    omnetpp::simsignal_t poolLevelSignal = 0, droppedSignal = 0, consumedSignal = 0, discardedSignal = 0;
    omnetpp::simsignal_t emptyTimeSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void finish() override;
    // Removes the next `bits` of key (poolBits >= bits); returns them when `copy`, else nothing (consume).
    std::vector<uint8_t> takeBits(int64_t bits, bool copy = true);
    bool atEnds(const std::string &a, const std::string &b) const;
    void poolChanged();
    void exportBlock(const KeyBlock *block);

  public:
    ~KeyManager() override;
    int64_t getPoolBits() const override { return poolBits; }
    double getLastQber() const override { return lastQber; }
    double getKeyRate() const override;  // key bits delivered per second over the last `rateWindow`
    const std::string &getSaeId() const override { return saeId; }
    const std::string &getPeerSaeId() const override { return peerSaeId; }
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

    // ETSI GS QKD 014
    KeyStatus status(const std::string &master, const std::string &slave) const override;
    KeyReply getKey(const std::string &master, const std::string &slave, int number, int sizeBits) override;
    KeyReply getKeyWithKeyIds(const std::string &master, const std::string &slave,
                              const std::vector<std::string> &ids) override;
    int64_t pendingKeys() const { return etsi.pendingKeys(); }

    // ETSI GS QKD 004. The source's OPEN_CONNECT gets a new key stream ID (ksid empty) or names one; the
    // destination's names the same one. GET_KEY returns chunk `index` of the stream (the same bits at both ends).
    StreamReply openConnect(const std::string &source, const std::string &destination, const StreamQos &qos,
                            const std::string &caller, const std::string &ksid = "");
    StreamReply getStreamKey(const std::string &ksid, const std::string &caller, int64_t index);
    StreamStatus closeStream(const std::string &ksid, const std::string &caller);
};

}  // namespace qcity
