#include "KeyManager.h"

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
    poolLevelSignal = registerSignal("poolLevel");
    droppedSignal = registerSignal("droppedBits");
    emit(poolLevelSignal, 0LL);
}

void KeyManager::handleMessage(omnetpp::cMessage *msg)
{
    auto *block = omnetpp::check_and_cast<KeyBlock *>(msg);
    if (poolBits + block->keyBits > capacityBits) {
        emit(droppedSignal, (long long)block->keyBits);
        delete block;
        return;
    }
    poolBits += block->keyBits;
    blocks.push_back(block);
    emit(poolLevelSignal, (long long)poolBits);
}

}  // namespace qcity
