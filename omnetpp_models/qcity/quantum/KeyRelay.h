#pragma once

#include <string>
#include <vector>

#include "KeyManager.h"
#include "qcity/sim.h"

namespace qcity {

// Hands out keys between two SAEs over a chain of trusted nodes; see KeyRelay.ned.
class KeyRelay : public omnetpp::cSimpleModule, public KeySupplier
{
  protected:
    struct Hop
    {
        KeyManager *link;
        std::string from, to;  // its ends, in the chain's direction from saeId
    };

    // parameters
    std::string saeId, peerSaeId;
    std::vector<Hop> hops;
    Etsi014Service etsi;  // limits, key IDs, keys waiting for their slave, request statistics

    // statistics
    omnetpp::simsignal_t relayedSignal = 0;

    int numInitStages() const override { return 2; }  // the links name their SAEs in stage 0
    void initialize(int stage) override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void finish() override;
    void resolvePath(const std::string &path);
    bool atEnds(const std::string &a, const std::string &b) const;
    // One key over the whole chain, from `master`'s end: the master's copy, and the slave's as the
    // last node decrypted it.
    std::pair<std::vector<uint8_t>, std::vector<uint8_t>> relayOne(bool forward, int sizeBits);

  public:
    const std::string &getSaeId() const override { return saeId; }
    const std::string &getPeerSaeId() const override { return peerSaeId; }
    int64_t getPoolBits() const override;
    double getLastQber() const override;
    double getKeyRate() const override;
    int getHopCount() const { return static_cast<int>(hops.size()); }
    KeyStatus status(const std::string &master, const std::string &slave) const override;
    KeyReply getKey(const std::string &master, const std::string &slave, int number, int sizeBits) override;
    KeyReply getKeyWithKeyIds(const std::string &master, const std::string &slave,
                              const std::vector<std::string> &ids) override;
};

}  // namespace qcity
