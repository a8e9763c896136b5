#include "KeyRelay.h"

#include <algorithm>
#include <limits>

namespace qcity {

Define_Module(KeyRelay);

void KeyRelay::initialize(int stage)
{
    if (stage == 0) {
        saeId = par("saeId").stdstringValue();
        peerSaeId = par("peerSaeId").stdstringValue();
        if (saeId.empty() || peerSaeId.empty() || saeId == peerSaeId)
            throw omnetpp::cRuntimeError("saeId and peerSaeId must name two different SAEs, got \"%s\" and \"%s\"",
                                         saeId.c_str(), peerSaeId.c_str());
        etsi.initialize(this);
        relayedSignal = registerSignal("relayedBits");
    }
    else if (stage == 1)
        resolvePath(par("path").stdstringValue());
}

void KeyRelay::resolvePath(const std::string &path)
{
    std::string node = saeId;  // where the chain has reached
    for (const std::string &name : omnetpp::cStringTokenizer(path.c_str()).asVector()) {
        omnetpp::cModule *m = findModuleByPath(name.c_str());
        auto *link = dynamic_cast<KeyManager *>(m);
        if (!link)
            throw omnetpp::cRuntimeError("path: \"%s\" is %s", name.c_str(), m ? "not a KeyManager" : "no module");
        std::string next;
        if (link->getSaeId() == node)
            next = link->getPeerSaeId();
        else if (link->getPeerSaeId() == node)
            next = link->getSaeId();
        else
            throw omnetpp::cRuntimeError("path: %s links %s and %s, but the chain from %s has reached %s there",
                                         name.c_str(), link->getSaeId().c_str(), link->getPeerSaeId().c_str(),
                                         saeId.c_str(), node.c_str());
        KeyStatus limits = link->status(node, next);
        if (etsi.minKeySize < limits.minKeySize || etsi.maxKeySize > limits.maxKeySize)
            throw omnetpp::cRuntimeError("key sizes %d..%d b are not within %s's %d..%d b", etsi.minKeySize, etsi.maxKeySize,
                                         name.c_str(), limits.minKeySize, limits.maxKeySize);
        hops.push_back({link, node, next});
        node = next;
    }
    if (hops.empty())
        throw omnetpp::cRuntimeError("path names no KeyManager");
    if (node != peerSaeId)
        throw omnetpp::cRuntimeError("path ends at %s, not at peerSaeId %s", node.c_str(), peerSaeId.c_str());
}

void KeyRelay::handleMessage(omnetpp::cMessage *msg)
{
    throw omnetpp::cRuntimeError("KeyRelay takes no messages (got %s)", msg->getName());
}

void KeyRelay::finish()
{
    recordScalar("hops", static_cast<double>(hops.size()));
}

int64_t KeyRelay::getPoolBits() const
{
    int64_t bits = std::numeric_limits<int64_t>::max();
    for (const Hop &h : hops)
        bits = std::min(bits, h.link->getPoolBits());
    return bits;
}

double KeyRelay::getLastQber() const
{
    double qber = 0;
    for (const Hop &h : hops)
        qber = std::max(qber, h.link->getLastQber());
    return qber;
}

double KeyRelay::getKeyRate() const
{
    double rate = std::numeric_limits<double>::infinity();
    for (const Hop &h : hops)
        rate = std::min(rate, h.link->getKeyRate());
    return rate;
}

bool KeyRelay::atEnds(const std::string &a, const std::string &b) const
{
    return (a == saeId && b == peerSaeId) || (a == peerSaeId && b == saeId);
}

KeyStatus KeyRelay::status(const std::string &master, const std::string &slave) const
{
    int64_t maxKeys = std::numeric_limits<int64_t>::max();
    for (const Hop &h : hops) {
        KeyStatus link = h.link->status(h.from, h.to);
        maxKeys = std::min(maxKeys, link.maxKeyCount * link.keySize / etsi.keySize);
    }
    return etsi.statusDocument(master, slave, atEnds(master, slave) ? getPoolBits() / etsi.keySize : 0, maxKeys);
}

std::pair<std::vector<uint8_t>, std::vector<uint8_t>> KeyRelay::relayOne(bool forward, int sizeBits)
{
    std::vector<uint8_t> masterKey, carried;  // carried: the key as the node reached so far holds it
    for (size_t i = 0; i < hops.size(); i++) {
        const Hop &h = hops[forward ? i : hops.size() - 1 - i];
        const std::string &from = forward ? h.from : h.to, &to = forward ? h.to : h.from;
        // the two nodes of this link agree a link key through its KMEs, by key ID
        KeyReply sent = h.link->getKey(from, to, 1, sizeBits);
        if (!sent.ok())
            throw omnetpp::cRuntimeError("%s refused a relay key (%d): %s", h.link->getFullPath().c_str(), sent.status,
                                         sent.message.c_str());
        KeyReply received = h.link->getKeyWithKeyIds(from, to, {sent.keys[0].id});
        if (!received.ok())
            throw omnetpp::cRuntimeError("%s lost relay key %s (%d): %s", h.link->getFullPath().c_str(),
                                         sent.keys[0].id.c_str(), received.status, received.message.c_str());
        const std::vector<uint8_t> &sendKey = sent.keys[0].key, &receiveKey = received.keys[0].key;
        if (i == 0) {  // the first link's key is the end-to-end key
            masterKey = sendKey;
            carried = receiveKey;
            continue;
        }
        // the node sends the key on one-time-pad encrypted with this link's key; the next node decrypts
        for (size_t b = 0; b < carried.size(); b++)
            carried[b] = static_cast<uint8_t>((carried[b] ^ sendKey[b]) ^ receiveKey[b]);
    }
    return {std::move(masterKey), std::move(carried)};
}

KeyReply KeyRelay::getKey(const std::string &master, const std::string &slave, int number, int sizeBits)
{
    Enter_Method_Silent();
    KeyReply r = etsi.checkGetKey(atEnds(master, slave), master, slave, number, sizeBits);
    if (!r.ok())
        return r;
    int64_t need = static_cast<int64_t>(number) * sizeBits;
    for (const Hop &h : hops)  // every link first, so a refusal takes nothing
        if (h.link->getPoolBits() < need)
            return etsi.refuse(503, "not enough key on " + h.link->getFullPath());
    for (int i = 0; i < number; i++) {
        auto [masterKey, slaveKey] = relayOne(master == saeId, sizeBits);
        r.keys.push_back(etsi.issue(master, slave, std::move(masterKey), std::move(slaveKey)));
    }
    emit(relayedSignal, (long long)need);
    emit(etsi.servedSignal, (long)number);
    return r;
}

KeyReply KeyRelay::getKeyWithKeyIds(const std::string &master, const std::string &slave, const std::vector<std::string> &ids)
{
    Enter_Method_Silent();
    return etsi.deliver(atEnds(master, slave), master, slave, ids);
}

}  // namespace qcity
