#include "KeyManager.h"

#include <algorithm>

namespace qcity {

Define_Module(KeyManager);

KeyManager::~KeyManager()
{
    for (KeyBlock *b : blocks)
        delete b;
}

void KeyManager::initialize()
{
    capacityBits = par("capacity").intValue();
    if (capacityBits <= 0)
        throw omnetpp::cRuntimeError("capacity must be positive, got %lld b", (long long)capacityBits);
    rateWindow = par("rateWindow").doubleValue();
    if (rateWindow <= omnetpp::SimTime())
        throw omnetpp::cRuntimeError("rateWindow must be positive");
    poolLevelSignal = registerSignal("poolLevel");
    consumedSignal = registerSignal("consumedBits");
    discardedSignal = registerSignal("discardedBits");
    droppedSignal = registerSignal("droppedBits");
    emit(poolLevelSignal, 0LL);
}

void KeyManager::handleMessage(omnetpp::cMessage *msg)
{
    auto *block = omnetpp::check_and_cast<KeyBlock *>(msg);
    lastQber = block->qber;
    omnetpp::simtime_t horizon = omnetpp::simTime() - std::max(omnetpp::simtime_t(60), rateWindow);
    while (!history.empty() && history.front().time < horizon)
        history.pop_front();
    history.push_back({omnetpp::simTime(), block->qber, block->keyBits, 0});
    if (block->keyBits == 0) {  // the link measured but produced no key
        delete block;
        return;
    }
    if (poolBits + block->keyBits > capacityBits) {
        emit(droppedSignal, (long long)block->keyBits);
        delete block;
        return;
    }
    poolBits += block->keyBits;
    history.back().stored = block->keyBits;
    blocks.push_back(block);
    emit(poolLevelSignal, (long long)poolBits);
}

double KeyManager::getKeyRate() const
{
    omnetpp::simtime_t from = omnetpp::simTime() - rateWindow;
    int64_t bits = 0;
    for (const BlockRecord &b : history)
        if (b.time >= from)
            bits += b.stored;
    return bits / rateWindow.dbl();
}

KeyManager::WindowStats KeyManager::windowStats(omnetpp::simtime_t window) const
{
    WindowStats s;
    omnetpp::simtime_t from = omnetpp::simTime() - window;
    double sum = 0;
    for (const BlockRecord &b : history)
        if (b.time > from) {
            s.attempted++;
            s.dropped += b.bits == 0;
            sum += b.qber;
        }
    s.meanQber = s.attempted ? sum / s.attempted : lastQber;
    return s;
}

int64_t KeyManager::discardAll()
{
    Enter_Method_Silent();
    int64_t bits = poolBits;
    for (KeyBlock *b : blocks)
        delete b;
    blocks.clear();
    frontUsed = 0;
    poolBits = 0;
    if (bits > 0)
        emit(discardedSignal, (long long)bits);
    emit(poolLevelSignal, 0LL);
    return bits;
}

bool KeyManager::consume(int64_t bits)
{
    Enter_Method_Silent();
    if (bits < 0)
        throw omnetpp::cRuntimeError("cannot consume a negative amount of key");
    if (bits > poolBits)
        return false;
    int64_t left = bits;
    while (left > 0) {  // key is used front to back; a used bit is never handed out again
        KeyBlock *b = blocks.front();
        int64_t here = std::min(left, b->keyBits - frontUsed);
        frontUsed += here;
        left -= here;
        if (frontUsed == b->keyBits) {
            delete b;
            blocks.pop_front();
            frontUsed = 0;
        }
    }
    poolBits -= bits;
    emit(consumedSignal, (long long)bits);
    emit(poolLevelSignal, (long long)poolBits);
    return true;
}

}  // namespace qcity
