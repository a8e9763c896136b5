#include "cgate.h"

#include "cchannel.h"
#include "cmodule.h"

namespace qcity::sim {

// ---- gates --------------------------------------------------------------------

std::string cGate::getFullName() const
{
    return index_ < 0 ? name_ : name_ + "[" + std::to_string(index_) + "]";
}

std::string cGate::getFullPath() const { return owner_->getFullPath() + "." + getFullName(); }

bool cGate::isConnected() const
{
    bool inside = !owner_->isSimple();
    if (type_ == INPUT)
        return prev_ && (!inside || next_);
    return next_ && (!inside || prev_);
}

bool cGate::isConnectedOutside() const { return type_ == INPUT ? prev_ != nullptr : next_ != nullptr; }

cGate *cGate::getPathEndGate() const
{
    const cGate *g = this;
    while (g->next_)
        g = g->next_;
    return const_cast<cGate *>(g);
}

cGate *cGate::getPathStartGate() const
{
    const cGate *g = this;
    while (g->prev_)
        g = g->prev_;
    return const_cast<cGate *>(g);
}

bool cGate::isPathOK() const
{
    return getPathStartGate()->getOwnerModule()->isSimple() && getPathEndGate()->getOwnerModule()->isSimple();
}

cChannel *cGate::findTransmissionChannel() const
{
    for (const cGate *g = this; g; g = g->next_)
        if (g->channel_ && g->channel_->isTransmissionChannel())
            return g->channel_;
    return nullptr;
}

cChannel *cGate::getTransmissionChannel() const
{
    if (cChannel *channel = findTransmissionChannel())
        return channel;
    throw cRuntimeError("getTransmissionChannel(): no channel with a data rate on the path from gate %s", getFullPath().c_str());
}

void cGate::connectTo(cGate *target, cChannel *channel)
{
    next_ = target;
    target->prev_ = this;
    channel_ = channel;
    if (channel)
        channel->srcGate_ = this;
}

}  // namespace qcity::sim
