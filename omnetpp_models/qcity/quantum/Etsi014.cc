#include "Etsi014.h"

#include <cstdio>
#include <set>

#include "../common/Hash.h"

namespace qcity {

namespace {

// A key ID: a version-4-layout UUID from a fixed seed (a hash of the issuer's path) and a counter.
std::string keyIdUuid(uint64_t seed, uint64_t counter)
{
    constexpr uint64_t step = 0x9e3779b97f4a7c15ULL;  // SplitMix64's increment, before its finaliser
    uint64_t hi = mix64((seed ^ mix64(counter + step)) + step);
    uint64_t lo = mix64((hi ^ 0x5851f42d4c957f2dULL) + step);
    hi = (hi & ~0xf000ULL) | 0x4000ULL;                          // version 4 layout
    lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
    char buf[37];
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx", (unsigned long long)(hi >> 32),
                  (unsigned long long)((hi >> 16) & 0xffff), (unsigned long long)(hi & 0xffff),
                  (unsigned long long)(lo >> 48), (unsigned long long)(lo & 0xffffffffffffULL));
    return buf;
}

}  // namespace

std::string PendingKeys::refusal(const std::string &master, const std::string &slave,
                                 const std::vector<std::string> &ids) const
{
    std::set<std::string> seen;
    for (const std::string &id : ids) {
        if (!seen.insert(id).second)
            return "key_ID " + id + " named twice";
        auto it = pending.find(id);
        if (it == pending.end() || it->second.master != master || it->second.slave != slave)
            return "key_ID " + id + " unknown, already delivered, or not of this master and slave";
    }
    return "";
}

PendingKeys::Entry PendingKeys::take(const std::string &id)
{
    auto it = pending.find(id);
    Entry e = std::move(it->second);
    pending.erase(it);
    return e;
}

void Etsi014Service::initialize(omnetpp::cComponent *component)
{
    owner = component;
    keySize = owner->par("keySize").intValue();
    minKeySize = owner->par("minKeySize").intValue();
    maxKeySize = owner->par("maxKeySize").intValue();
    maxKeyPerRequest = owner->par("maxKeyPerRequest").intValue();
    if (minKeySize <= 0 || keySize % 8 || minKeySize % 8 || maxKeySize % 8 || keySize < minKeySize || keySize > maxKeySize)
        throw omnetpp::cRuntimeError("key sizes must be positive multiples of 8 b with minKeySize <= keySize <= maxKeySize "
                                     "(got %d, %d, %d)", minKeySize, keySize, maxKeySize);
    if (maxKeyPerRequest <= 0)
        throw omnetpp::cRuntimeError("maxKeyPerRequest must be positive, got %d", maxKeyPerRequest);
    idSeed = fnv1a64(owner->getFullPath());
    requestSignal = owner->registerSignal("keyRequest");
    servedSignal = owner->registerSignal("keysServed");
    noKeySignal = owner->registerSignal("refusedNoKey");
    badRequestSignal = owner->registerSignal("refusedBadRequest");
    unauthorisedSignal = owner->registerSignal("refusedUnauthorised");
    agreementDelaySignal = owner->registerSignal("keyAgreementDelay");
}

KeyReply Etsi014Service::refuse(int status, const std::string &message) const
{
    owner->emit(status == 503 ? noKeySignal : status == 401 ? unauthorisedSignal : badRequestSignal, 1L);
    KeyReply r;
    r.status = status;
    r.message = message;
    return r;
}

KeyReply Etsi014Service::checkGetKey(bool atEnds, const std::string &master, const std::string &slave, int number,
                                     int &sizeBits) const
{
    owner->emit(requestSignal, (long)number);
    if (!atEnds)
        return refuse(401, "SAEs " + master + " and " + slave + " are not the ends of " + owner->getFullPath());
    if (sizeBits == 0)
        sizeBits = keySize;
    if (number < 1 || number > maxKeyPerRequest)
        return refuse(400, "number must be in [1, max_key_per_request]");
    if (sizeBits % 8 || sizeBits < minKeySize || sizeBits > maxKeySize)
        return refuse(400, "size must be a multiple of 8 in [min_key_size, max_key_size]");
    return KeyReply();
}

std::string Etsi014Service::newKeyId() { return keyIdUuid(idSeed, nextKeyId++); }

EtsiKey Etsi014Service::issue(const std::string &master, const std::string &slave, std::vector<uint8_t> key,
                              std::vector<uint8_t> slaveKey)
{
    EtsiKey k{newKeyId(), std::move(key)};
    pending.add(k.id, {master, slave, std::move(slaveKey), omnetpp::simTime()});
    return k;
}

KeyReply Etsi014Service::deliver(bool atEnds, const std::string &master, const std::string &slave,
                                 const std::vector<std::string> &ids)
{
    owner->emit(requestSignal, (long)ids.size());
    if (!atEnds)
        return refuse(401, "SAEs " + master + " and " + slave + " are not the ends of " + owner->getFullPath());
    if (ids.empty() || static_cast<int>(ids.size()) > maxKeyPerRequest)
        return refuse(400, "key_IDs must list 1 to max_key_per_request keys");
    std::string why = pending.refusal(master, slave, ids);  // all or nothing
    if (!why.empty())
        return refuse(400, why);
    KeyReply r;
    for (const std::string &id : ids) {
        PendingKeys::Entry e = pending.take(id);
        owner->emit(agreementDelaySignal, omnetpp::simTime() - e.since);
        r.keys.push_back({id, std::move(e.key)});
    }
    owner->emit(servedSignal, (long)ids.size());
    return r;
}

KeyStatus Etsi014Service::statusDocument(const std::string &master, const std::string &slave, int64_t storedKeys,
                                         int64_t maxKeys) const
{
    KeyStatus s;
    s.masterSae = master;
    s.slaveSae = slave;
    s.keySize = keySize;
    s.minKeySize = minKeySize;
    s.maxKeySize = maxKeySize;
    s.maxKeyPerRequest = maxKeyPerRequest;
    s.storedKeyCount = storedKeys;
    s.maxKeyCount = maxKeys;
    return s;
}

}  // namespace qcity
