#include "RingNode.h"

namespace qcity {

Define_Module(RingNode);

void RingNode::initialize()
{
    holdTime = &par("holdTime");
    hopLimit = par("hopLimit").intValue();
    tokenLength = par("tokenLength").intValue();
    if (tokenLength < 0)
        throw omnetpp::cRuntimeError("tokenLength must not be negative: %lld", (long long)tokenLength);
    int tokens = par("tokens").intValue();
    if (tokens < 0)
        throw omnetpp::cRuntimeError("tokens must not be negative: %d", tokens);
    if (hopLimit < -1)
        throw omnetpp::cRuntimeError("hopLimit must be -1 (unlimited) or non-negative: %lld", (long long)hopLimit);
    hopSignal = registerSignal("hop");
    roundTripSignal = registerSignal("roundTrip");
    arrivalSignal = registerSignal("arrival");
    for (int i = 0; i < tokens; i++) {
        auto *token = new RingToken("token");
        token->setByteLength(tokenLength);
        token->origin = getIndex();
        token->leftOrigin = omnetpp::simTime();
        send(token, "out");
    }
}

void RingNode::handleMessage(omnetpp::cMessage *msg)
{
    auto *token = omnetpp::check_and_cast<RingToken *>(msg);
    token->hops++;
    emit(hopSignal, (long)token->hops);
    emit(arrivalSignal, token);
    if (token->origin == getIndex()) {
        emit(roundTripSignal, omnetpp::simTime() - token->leftOrigin);
        token->leftOrigin = omnetpp::simTime();
    }
    if (hopLimit >= 0 && token->hops >= hopLimit) {
        tokensDestroyed++;
        delete token;
        return;
    }
    omnetpp::simtime_t hold = holdTime->doubleValue();
    if (hold < omnetpp::SimTime())
        throw omnetpp::cRuntimeError("holdTime must not be negative: %s", hold.str().c_str());
    if (hold == omnetpp::SimTime())
        send(token, "out");
    else
        sendDelayed(token, hold, "out");
}

void RingNode::finish() { recordScalar("tokensDestroyed", (double)tokensDestroyed); }

}  // namespace qcity
