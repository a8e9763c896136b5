#pragma once

#include <map>
#include <string>
#include <vector>

#include "qcity/sim.h"

namespace qcity {

// ETSI GS QKD 014 as the models use it: a key with its ID, what a request returns, the Status
// document, and the interface of anything that hands keys out by key ID (a link's KeyManager, or a
// KeyRelay over several links).

struct EtsiKey
{
    std::string id;            // a UUID (version-4 layout), unique in the run, drawn without touching any RNG
    std::vector<uint8_t> key;  // size / 8 bytes
};
struct KeyReply
{
    int status = 200;  // 200, or 400 (bad request), 401 (SAE not at these ends), 503 (not enough key)
    std::string message;
    std::vector<EtsiKey> keys;
    bool ok() const { return status == 200; }
};
struct KeyStatus  // the Status document of ETSI 014 for one master -> slave pair
{
    std::string masterSae, slaveSae;
    int keySize = 0, minKeySize = 0, maxKeySize = 0, maxKeyPerRequest = 0;
    int64_t storedKeyCount = 0, maxKeyCount = 0;
};

// A key supplier between two SAEs: what SessionManager needs to pick a session mode and agree a key.
class KeySupplier
{
  public:
    virtual ~KeySupplier() = default;
    virtual const std::string &getSaeId() const = 0;
    virtual const std::string &getPeerSaeId() const = 0;
    virtual int64_t getPoolBits() const = 0;  // key that can be handed out now, in bits
    virtual double getLastQber() const = 0;
    virtual double getKeyRate() const = 0;    // key bits per second lately
    virtual KeyStatus status(const std::string &master, const std::string &slave) const = 0;
    // get_key at the master's end: `number` keys of `sizeBits` (0: the default size)
    virtual KeyReply getKey(const std::string &master, const std::string &slave, int number, int sizeBits) = 0;
    // get_key_with_key_IDs at the slave's end: the same keys, each once, all or nothing
    virtual KeyReply getKeyWithKeyIds(const std::string &master, const std::string &slave,
                                      const std::vector<std::string> &ids) = 0;
};

// Keys handed to their master and waiting for their slave's get_key_with_key_IDs.
class PendingKeys
{
  public:
    struct Entry
    {
        std::string master, slave;
        std::vector<uint8_t> key;
        omnetpp::simtime_t since;
    };

    void add(const std::string &id, Entry entry) { pending[id] = std::move(entry); }
    size_t size() const { return pending.size(); }
    // Empty when every ID is waiting for this master and slave (and none is named twice), else why not.
    std::string refusal(const std::string &master, const std::string &slave, const std::vector<std::string> &ids) const;
    // Removes a waiting key (refusal() said it is there).
    Entry take(const std::string &id);

  private:
    std::map<std::string, Entry> pending;
};

// The ETSI 014 side every key supplier shares: its limits (NED parameters keySize, minKeySize,
// maxKeySize, maxKeyPerRequest), key IDs, the keys waiting for their slave, and the request
// statistics (signals keyRequest, keysServed, refusedNoKey, refusedBadRequest,
// refusedUnauthorised, keyAgreementDelay), emitted by the owning module.
class Etsi014Service
{
  public:
    int keySize = 256, minKeySize = 64, maxKeySize = 8192, maxKeyPerRequest = 128;
    omnetpp::simsignal_t requestSignal = 0, servedSignal = 0, noKeySignal = 0, badRequestSignal = 0;
    omnetpp::simsignal_t unauthorisedSignal = 0, agreementDelaySignal = 0;

    // Reads and checks the limits, registers the signals; key IDs are seeded by the owner's path.
    void initialize(omnetpp::cComponent *owner);
    // Counts the refusal by cause and returns it.
    KeyReply refuse(int status, const std::string &message) const;
    // A get_key's refusal for its SAEs (401 unless atEnds), number or size (400), or status 200 if
    // none; sizeBits 0 becomes keySize. Counts the request.
    KeyReply checkGetKey(bool atEnds, const std::string &master, const std::string &slave, int number,
                         int &sizeBits) const;
    // A new key ID (also for ETSI 004 key stream IDs): a version-4-layout UUID from the owner's path
    // and a counter, so IDs never depend on an RNG.
    std::string newKeyId();
    // Hands `key` to its master under a new key ID and keeps `slaveKey` for the slave.
    EtsiKey issue(const std::string &master, const std::string &slave, std::vector<uint8_t> key,
                  std::vector<uint8_t> slaveKey);
    // get_key_with_key_IDs, whole: refusals, delivery, statistics.
    KeyReply deliver(bool atEnds, const std::string &master, const std::string &slave,
                     const std::vector<std::string> &ids);
    // The Status document, with the stored and largest key counts the supplier gives.
    KeyStatus statusDocument(const std::string &master, const std::string &slave, int64_t storedKeys,
                             int64_t maxKeys) const;
    size_t pendingKeys() const { return pending.size(); }

  private:
    omnetpp::cComponent *owner = nullptr;
    PendingKeys pending;
    uint64_t idSeed = 0, nextKeyId = 0;
};

}  // namespace qcity
