#pragma once

#include <map>
#include <string>

#include "qcity/sim.h"
#include "TomographyTap.h"

namespace qcity {

// BBM92 on the pairs QuISP's link tomography measures; see Bbm92KeyLink.ned.
class Bbm92KeyLink : public omnetpp::cSimpleModule, public TomographyObserver
{
  protected:
    struct Outcome { char basis; bool plus; };

    // parameters
    omnetpp::cModule *alice = nullptr, *bob = nullptr;
    qcity::Hook keyRateHook;
    omnetpp::simtime_t blockInterval;
    qcity::Value settings;  // protocol settings passed to the hook with every block

    // state
    TomographyTap *tap = nullptr;
    std::map<int, Outcome> aliceOnly, bobOnly;  // pair number -> the outcome of the end seen so far
    std::string aliceBases, aliceBits, bobBases, bobBits;  // matched pairs of the current block
    omnetpp::cMessage *blockTimer = nullptr;
    int64_t blockNumber = 0, pairsTotal = 0;

    // statistics
    omnetpp::simsignal_t pairsSignal = 0, qberSignal = 0, qberXSignal = 0, siftedSignal = 0, secretSignal = 0;
    omnetpp::simsignal_t keyRateSignal = 0, abortedSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void finish() override;
    void runBlock();
    void match(std::map<int, Outcome> &mine, std::map<int, Outcome> &theirs, int countId, Outcome outcome, bool isAlice);

  public:
    ~Bbm92KeyLink() override;
    void pairMeasured(omnetpp::cModule *node, int partnerAddress, int countId, char basis, bool plus) override;
};

}  // namespace qcity
