#include "cchannel.h"

#include <cmath>

#include "csimulation.h"

namespace qcity::sim {

// ---- channels -----------------------------------------------------------------

std::string cChannel::getFullPath() const { return srcGate_ ? srcGate_->getFullPath() + ".channel" : "channel"; }

cModule *cChannel::getParentModule() const
{
    if (!srcGate_)
        return nullptr;
    cModule *owner = srcGate_->getOwnerModule();
    // a connection leaving an output gate lives in the owner's parent
    return srcGate_->getType() == cGate::OUTPUT ? owner->getParentModule() : owner;
}

void cDelayChannel::initialize()
{
    delay_ = hasPar("delay") ? simtime_t(par("delay").doubleValue()) : SIMTIME_ZERO;
    if (delay_ < SIMTIME_ZERO)
        throw cRuntimeError("%s: negative delay %ss", getFullPath().c_str(), delay_.str().c_str());
    disabled_ = hasPar("disabled") && par("disabled").boolValue();
}

void cDelayChannel::processMessage(cMessage *, simtime_t, Result &result)
{
    if (disabled_) {
        result.discard = true;
        return;
    }
    result.delay = delay_;
}

void cDatarateChannel::initialize()
{
    cDelayChannel::initialize();
    datarate_ = hasPar("datarate") ? par("datarate").doubleValue() : 0;
    ber_ = hasPar("ber") ? par("ber").doubleValue() : 0;
    per_ = hasPar("per") ? par("per").doubleValue() : 0;
    if (datarate_ < 0)
        throw cRuntimeError("%s: negative datarate %g", getFullPath().c_str(), datarate_);
    if (ber_ < 0 || ber_ > 1)
        throw cRuntimeError("%s: ber=%g is outside [0,1]", getFullPath().c_str(), ber_);
    if (per_ < 0 || per_ > 1)
        throw cRuntimeError("%s: per=%g is outside [0,1]", getFullPath().c_str(), per_);
}

bool cDatarateChannel::isBusy() const { return txFinishTime_ > simTime(); }

simtime_t cDatarateChannel::calculateDuration(cMessage *msg) const
{
    if (datarate_ == 0 || !msg->isPacket())
        return SIMTIME_ZERO;
    return static_cast<double>(static_cast<cPacket *>(msg)->getBitLength()) / datarate_;
}

void cDatarateChannel::processMessage(cMessage *msg, simtime_t t, Result &result)
{
    if (datarate_ != 0 && msg->isPacket()) {
        if (txFinishTime_ > t)
            throw cRuntimeError("Cannot send (%s)%s: channel %s is busy with a transmission until t=%ss -- send only when "
                                "getTransmissionChannel()->isBusy() is false, or queue the packet",
                                msg->getClassName(), msg->getName(), getFullPath().c_str(), txFinishTime_.str().c_str());
        result.duration = calculateDuration(msg);
        txFinishTime_ = t + result.duration;
    }
    if (disabled_) {
        result.discard = true;
        return;
    }
    result.delay = delay_;
    if (msg->isPacket() && (ber_ > 0 || per_ > 0)) {
        auto *pkt = static_cast<cPacket *>(msg);
        cRNG *r = rng(0);
        if (per_ > 0 && r->doubleRand() < per_)
            pkt->setBitError(true);
        if (ber_ > 0 && r->doubleRand() < 1.0 - std::pow(1.0 - ber_, static_cast<double>(pkt->getBitLength())))
            pkt->setBitError(true);
    }
}

}  // namespace qcity::sim
