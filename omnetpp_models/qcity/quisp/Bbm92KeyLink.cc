#include "Bbm92KeyLink.h"

#include "../quantum/KeyBlock.h"

namespace qcity {

Define_Module(Bbm92KeyLink);

void Bbm92KeyLink::initialize()
{
    alice = getModuleByPath(par("aliceNode").stringValue());
    bob = getModuleByPath(par("bobNode").stringValue());
    if (alice == bob)
        throw omnetpp::cRuntimeError("aliceNode and bobNode name the same module");
    for (omnetpp::cModule *node : {alice, bob})
        if (!node->hasPar("address"))
            throw omnetpp::cRuntimeError("%s is not a QuISP node (it has no `address` parameter)",
                                         node->getFullPath().c_str());
    blockInterval = par("blockInterval");
    if (blockInterval <= omnetpp::SimTime::ZERO)
        throw omnetpp::cRuntimeError("blockInterval must be positive");
    settings = Value::dict({{"sample_fraction", par("sampleFraction").doubleValue()},
                            {"qber_abort", par("qberAbort").doubleValue()},
                            {"cascade", par("cascade").stdstringValue()}});
    keyRateHook.resolve(par("keyRateHook").stdstringValue());

    tap = TomographyTap::of(this);
    tap->observe(alice, this);
    tap->observe(bob, this);

    pairsSignal = registerSignal("pairs");
    qberSignal = registerSignal("qber");
    qberXSignal = registerSignal("qberX");
    siftedSignal = registerSignal("siftedBits");
    secretSignal = registerSignal("secretBits");
    keyRateSignal = registerSignal("keyRate");
    abortedSignal = registerSignal("aborted");
    blockTimer = new omnetpp::cMessage("block");
    scheduleAt(omnetpp::simTime() + blockInterval, blockTimer);
}

Bbm92KeyLink::~Bbm92KeyLink()
{
    if (tap)
        tap->forget(this);
    cancelAndDelete(blockTimer);
}

void Bbm92KeyLink::pairMeasured(omnetpp::cModule *node, int partnerAddress, int countId, char basis, bool plus)
{
    bool isAlice = node == alice;
    omnetpp::cModule *partner = isAlice ? bob : alice;
    if (partnerAddress != partner->par("address").intValue())
        return;  // the node's link to someone else
    if (isAlice)
        match(aliceOnly, bobOnly, countId, {basis, plus}, true);
    else
        match(bobOnly, aliceOnly, countId, {basis, plus}, false);
}

void Bbm92KeyLink::match(std::map<int, Outcome> &mine, std::map<int, Outcome> &theirs, int countId, Outcome outcome,
                         bool isAlice)
{
    // both ends number the pairs they use in the same order, so a pair's two outcomes share countId
    auto other = theirs.find(countId);
    if (other == theirs.end()) {
        mine[countId] = outcome;
        return;
    }
    const Outcome &a = isAlice ? outcome : other->second;
    const Outcome &b = isAlice ? other->second : outcome;
    aliceBases += a.basis;
    aliceBits += a.plus ? '0' : '1';  // +1 eigenstate: bit 0
    bobBases += b.basis;
    bobBits += b.plus ? '0' : '1';
    theirs.erase(other);
}

void Bbm92KeyLink::handleMessage(omnetpp::cMessage *msg)
{
    if (msg != blockTimer)
        throw omnetpp::cRuntimeError("Unexpected message %s", msg->getName());
    runBlock();
    scheduleAt(omnetpp::simTime() + blockInterval, blockTimer);
}

void Bbm92KeyLink::runBlock()
{
    uint64_t seed = (static_cast<uint64_t>(getRNG(0)->intRand()) << 32) | getRNG(0)->intRand();
    Value args = settings;
    args.set("seed", static_cast<long long>(seed >> 1));
    args.set("alice_bases", aliceBases);
    args.set("alice_bits", aliceBits);
    args.set("bob_bases", bobBases);
    args.set("bob_bits", bobBits);
    int64_t pairs = static_cast<int64_t>(aliceBases.size());
    pairsTotal += pairs;
    aliceBases.clear(); aliceBits.clear(); bobBases.clear(); bobBits.clear();
    Value r = keyRateHook(args);
    blockNumber++;

    double qber = r["qber"].asDouble();
    int64_t secret = r["secret_bits"].asInt();
    bool aborted = r["aborted"].asBool();
    emit(pairsSignal, (long long)pairs);
    emit(qberSignal, qber);
    emit(qberXSignal, r["qber_x"].asDouble());
    emit(siftedSignal, (long long)r["sifted_bits"].asInt());
    emit(abortedSignal, aborted);
    emit(secretSignal, aborted ? 0LL : (long long)secret);
    emit(keyRateSignal, aborted ? 0.0 : secret / blockInterval.dbl());
    if (aborted || secret == 0)
        EV << "block " << blockNumber << " (" << pairs << " pairs): no key, " << r["reason"].asString() << "\n";

    const std::string &hex = r["key_hex"].asString();
    for (int i = 0; i < gateSize("keyOut"); i++) {
        auto *block = new KeyBlock(aborted || secret == 0 ? "noKey" : "key");
        if (!aborted && secret > 0)
            block->setKeyFromHex(hex, secret);
        block->blockNumber = blockNumber;
        block->qber = qber;
        send(block, "keyOut", i);
    }
}

void Bbm92KeyLink::finish()
{
    recordScalar("pairsMatched", static_cast<double>(pairsTotal));
    recordScalar("pairsUnmatched", static_cast<double>(aliceOnly.size() + bobOnly.size()));
    recordScalar("blocks", static_cast<double>(blockNumber));
}

}  // namespace qcity
