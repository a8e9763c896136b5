#include "QkdLink.h"

#include <cmath>
#include <string>

#include "KeyBlock.h"

namespace qcity {

Define_Module(QkdLink);

QkdLink::~QkdLink() { cancelAndDelete(blockTimer); }

static double probability(omnetpp::cComponent *c, const char *name)
{
    double v = c->par(name).doubleValue();
    if (!(v >= 0 && v <= 1))
        throw omnetpp::cRuntimeError("%s must be in [0, 1], got %g", name, v);
    return v;
}

void QkdLink::initialize()
{
    blockInterval = par("blockInterval").doubleValue();
    if (blockInterval <= omnetpp::SimTime())
        throw omnetpp::cRuntimeError("blockInterval must be positive, got %s", blockInterval.str().c_str());
    double pulses = par("pulseRate").doubleValue() * blockInterval.dbl();
    if (!(pulses >= 1 && pulses < 9e18))
        throw omnetpp::cRuntimeError("pulseRate x blockInterval must give at least one pulse per block, got %g", pulses);
    pulsesPerBlock = static_cast<int64_t>(std::llround(pulses));
    double distance = par("distance").doubleValue();
    if (distance < 0)
        throw omnetpp::cRuntimeError("distance must not be negative, got %g km", distance);
    qberRef = par("qberRef").doubleValue();
    if (!(qberRef > 0 && qberRef <= 0.5))
        throw omnetpp::cRuntimeError("qberRef must be in (0, 0.5], got %g", qberRef);
    lambda = par("lambda").doubleValue();
    psiSecure = par("psiSecure").doubleValue();
    blocksPerSession = par("blocksPerSession").intValue();
    if (blocksPerSession < 1)
        throw omnetpp::cRuntimeError("blocksPerSession must be at least 1, got %d", blocksPerSession);

    // Protocol values are checked once more (with full messages) by the hook's own types.
    linkArgs = Value::dict({
        {"distance_km", distance},
        {"fibre_loss_db_per_km", par("fibreLoss").doubleValue()},
        {"detector_efficiency", probability(this, "detectorEfficiency")},
        {"dark_count_probability", probability(this, "darkCountProbability")},
        {"misalignment", probability(this, "misalignment")},
        {"noise", probability(this, "noise")},
        {"afterpulsing", probability(this, "afterpulsing")},
        {"intercept_resend", 0.0},  // set per block from the attack window
        {"pns_attack", false},
        {"mu", par("mu").doubleValue()},
        {"nu", par("nu").doubleValue()},
        {"p_signal", probability(this, "pSignal")},
        {"p_decoy", probability(this, "pDecoy")},
        {"p_z", probability(this, "pZ")},
        {"sample_fraction", probability(this, "sampleFraction")},
        {"qber_abort", probability(this, "qberAbort")},
        {"cascade", par("cascade").stdstringValue()},
        {"key_length", par("keyLength").stdstringValue()},
        {"pulses", static_cast<long long>(pulsesPerBlock)},
        {"block_interval", blockInterval.dbl()},
        {"link_profile", par("linkProfile").stdstringValue()},
    });
    interceptResend = probability(this, "interceptResend");
    pnsAttack = par("pnsAttack").boolValue();
    attackStart = par("attackStart").doubleValue();
    attackEnd = par("attackEnd").doubleValue();
    keyRateHook.resolve(par("keyRateHook").stdstringValue());

    qberSignal = registerSignal("qber");
    siftedSignal = registerSignal("siftedBits");
    secretSignal = registerSignal("secretBits");
    keyRateSignal = registerSignal("keyRate");
    abortedSignal = registerSignal("aborted");
    scoreSignal = registerSignal("sessionScore");
    discardedSignal = registerSignal("discardedBits");
    utilisationSignal = registerSignal("keyUtilisation");

    blockTimer = new omnetpp::cMessage("block", BLOCK_TIMER);
    scheduleAt(omnetpp::simTime() + blockInterval, blockTimer);
}

void QkdLink::handleMessage(omnetpp::cMessage *msg)
{
    switch (msg->getKind()) {
        case BLOCK_TIMER:
            runBlock();
            scheduleAt(omnetpp::simTime() + blockInterval, blockTimer);
            break;
        default:
            throw omnetpp::cRuntimeError("Unexpected message kind %d", msg->getKind());
    }
}

void QkdLink::runBlock()
{
    // the block's randomness comes from this module's RNG stream, so runs are reproducible
    uint64_t seed = (static_cast<uint64_t>(getRNG(0)->intRand()) << 32) | getRNG(0)->intRand();
    Value args = linkArgs;
    args.set("seed", static_cast<long long>(seed >> 1));
    omnetpp::simtime_t now = omnetpp::simTime();
    // the block's pulses went out over the last blockInterval: it counts as attacked if its midpoint was
    omnetpp::simtime_t mid = now - blockInterval / 2;
    bool attacked = mid >= attackStart && (attackEnd < omnetpp::SimTime() || mid < attackEnd);
    args.set("intercept_resend", attacked ? interceptResend : 0.0);
    args.set("pns_attack", attacked && pnsAttack);
    Value r = keyRateHook(args);

    double qber = r["qber"].asDouble();
    int64_t sifted = r["sifted_bits"].asInt();
    int64_t secret = r["secret_bits"].asInt();
    bool aborted = r["aborted"].asBool();

    if (blockNumber % blocksPerSession == 0)
        sessionScore = 0;  // a new session: Algorithm 1 integrates over [t0, t]
    double delta = std::max(1.0, qber / qberRef);
    sessionScore += r["hq"].asDouble() / delta - lambda * r["leak_fraction"].asDouble();
    blockNumber++;

    emit(qberSignal, qber);
    emit(siftedSignal, (long long)sifted);
    emit(abortedSignal, aborted);
    emit(scoreSignal, sessionScore);
    // U_K = K_generated / K_max (Eq. 6); a discarded or aborted block generated no valid key
    double maxBits = r.has("max_bits") ? r["max_bits"].asDouble() : 0;
    bool delivered = !aborted && secret > 0 && sessionScore >= psiSecure;
    if (maxBits > 0)
        emit(utilisationSignal, delivered ? secret / maxBits : 0.0);
    if (aborted || secret == 0 || sessionScore < psiSecure) {
        if (!aborted && secret > 0) {
            EV << "block " << blockNumber << ": session score " << sessionScore << " below " << psiSecure << ", key discarded\n";
            emit(discardedSignal, (long long)secret);
        }
        emit(secretSignal, 0LL);
        emit(keyRateSignal, 0.0);
        // an empty block still tells the key store what the link measured (its QBER health check needs it)
        auto *status = new KeyBlock("noKey");
        status->blockNumber = blockNumber;
        status->qber = qber;
        send(status, "keyOut");
        return;
    }
    emit(secretSignal, (long long)secret);
    emit(keyRateSignal, secret / blockInterval.dbl());
    auto *block = new KeyBlock("key");
    block->setKeyFromHex(r["key_hex"].asString(), secret);
    block->blockNumber = blockNumber;
    block->qber = qber;
    send(block, "keyOut");
}

void QkdLink::finish()
{
    recordScalar("pulsesSent", static_cast<double>(blockNumber * pulsesPerBlock));
    recordScalar("blocks", static_cast<double>(blockNumber));
}

}  // namespace qcity
