#include "KeyManager.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "../common/Hash.h"

namespace qcity {

Define_Module(KeyManager);

namespace {

// Key file lines are JSON: names and paths need their quotes and backslashes escaped.
std::string jsonString(const std::string &s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

}  // namespace

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
    saeId = par("saeId").stdstringValue();
    if (saeId.empty())
        saeId = std::string(getParentModule()->getFullName());
    peerSaeId = par("peerSaeId").stdstringValue();
    if (peerSaeId.empty() || peerSaeId == saeId)
        throw omnetpp::cRuntimeError("peerSaeId must name the SAE at the link's other end, not \"%s\"", peerSaeId.c_str());
    etsi.initialize(this);
    std::string dir = par("keyExportDir").stdstringValue();
    if (!dir.empty()) {
        std::string name = getFullPath();
        std::replace_if(name.begin(), name.end(), [](char c) { return c == '/' || c == '\\'; }, '_');
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        std::string path = dir + "/" + name + ".keys";
        keyFile.open(path, std::ios::out | std::ios::trunc);
        if (!keyFile)
            throw omnetpp::cRuntimeError("keyExportDir: cannot write key file %s", path.c_str());
        keyFile << "{\"qcity_keys\": 1, \"link\": " << jsonString(getFullPath()) << ", \"sae_ids\": ["
                << jsonString(saeId) << ", " << jsonString(peerSaeId) << "]}\n" << std::flush;
    }
    poolLevelSignal = registerSignal("poolLevel");
    consumedSignal = registerSignal("consumedBits");
    discardedSignal = registerSignal("discardedBits");
    droppedSignal = registerSignal("droppedBits");
    emptyTimeSignal = registerSignal("poolEmptyTime");
    emptySince = omnetpp::simTime();
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
    if (static_cast<int64_t>(block->key.size()) * 8 < block->keyBits)
        throw omnetpp::cRuntimeError("key block %lld declares %lld key bits but carries %zu bytes",
                                     (long long)block->blockNumber, (long long)block->keyBits, block->key.size());
    if (poolBits + block->keyBits > capacityBits) {
        emit(droppedSignal, (long long)block->keyBits);
        delete block;
        return;
    }
    poolBits += block->keyBits;
    history.back().stored = block->keyBits;
    exportBlock(block);
    blocks.push_back(block);
    emit(poolLevelSignal, (long long)poolBits);
    poolChanged();
}

void KeyManager::exportBlock(const KeyBlock *block)
{
    if (!keyFile.is_open())
        return;
    static const char *digits = "0123456789abcdef";
    std::string hex;
    int64_t bytes = block->keyBits / 8;  // the key file carries whole bytes
    hex.reserve(2 * bytes);
    for (int64_t i = 0; i < bytes; i++) {
        hex += digits[block->key[i] >> 4];
        hex += digits[block->key[i] & 15];
    }
    char head[128];
    std::snprintf(head, sizeof head, "{\"block\": %lld, \"time\": %.12g, \"bits\": %lld, \"key\": \"",
                  (long long)block->blockNumber, omnetpp::simTime().dbl(), (long long)(8 * bytes));
    keyFile << head << hex << "\"}\n" << std::flush;  // whole lines, so a KME following the file reads complete blocks
}

void KeyManager::finish()
{
    if (emptySince >= omnetpp::SimTime())
        emit(emptyTimeSignal, omnetpp::simTime() - emptySince);
    if (keyFile.is_open())
        keyFile.close();
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

void KeyManager::poolChanged()
{
    bool empty = poolBits < etsi.keySize;
    if (empty && emptySince < omnetpp::SimTime())
        emptySince = omnetpp::simTime();
    else if (!empty && emptySince >= omnetpp::SimTime()) {
        emit(emptyTimeSignal, omnetpp::simTime() - emptySince);
        emptySince = -1;
    }
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
    poolChanged();
    return bits;
}

std::vector<uint8_t> KeyManager::takeBits(int64_t bits, bool copy)
{
    std::vector<uint8_t> out(copy ? (bits + 7) / 8 : 0, 0);
    int64_t done = 0;
    while (done < bits) {  // key is used front to back; a used bit is never handed out again
        KeyBlock *b = blocks.front();
        int64_t here = std::min(bits - done, b->keyBits - frontUsed);
        for (int64_t i = 0; copy && i < here; i++) {
            int64_t src = frontUsed + i, dst = done + i;
            if ((b->key[src >> 3] >> (7 - (src & 7))) & 1)
                out[dst >> 3] |= static_cast<uint8_t>(0x80 >> (dst & 7));
        }
        frontUsed += here;
        done += here;
        if (frontUsed == b->keyBits) {
            delete b;
            blocks.pop_front();
            frontUsed = 0;
        }
    }
    poolBits -= bits;
    emit(consumedSignal, (long long)bits);
    emit(poolLevelSignal, (long long)poolBits);
    poolChanged();
    return out;
}

bool KeyManager::consume(int64_t bits)
{
    Enter_Method_Silent();
    if (bits < 0)
        throw omnetpp::cRuntimeError("cannot consume a negative amount of key");
    if (bits > poolBits)
        return false;
    takeBits(bits, false);
    return true;
}

// ---- ETSI GS QKD 014 ----------------------------------------------------------------------

bool KeyManager::atEnds(const std::string &a, const std::string &b) const
{
    return (a == saeId && b == peerSaeId) || (a == peerSaeId && b == saeId);
}

KeyStatus KeyManager::status(const std::string &master, const std::string &slave) const
{
    return etsi.statusDocument(master, slave, atEnds(master, slave) ? poolBits / etsi.keySize : 0,
                               capacityBits / etsi.keySize);
}

KeyReply KeyManager::getKey(const std::string &master, const std::string &slave, int number, int sizeBits)
{
    Enter_Method_Silent();
    KeyReply r = etsi.checkGetKey(atEnds(master, slave), master, slave, number, sizeBits);
    if (!r.ok())
        return r;
    if (static_cast<int64_t>(number) * sizeBits > poolBits)
        return etsi.refuse(503, "not enough key");
    for (int i = 0; i < number; i++) {
        std::vector<uint8_t> key = takeBits(sizeBits);
        r.keys.push_back(etsi.issue(master, slave, key, key));
    }
    emit(etsi.servedSignal, (long)number);
    return r;
}

KeyReply KeyManager::getKeyWithKeyIds(const std::string &master, const std::string &slave,
                                      const std::vector<std::string> &ids)
{
    Enter_Method_Silent();
    return etsi.deliver(atEnds(master, slave), master, slave, ids);
}

// ---- ETSI GS QKD 004 ----------------------------------------------------------------------

StreamReply KeyManager::openConnect(const std::string &source, const std::string &destination, const StreamQos &qos,
                                    const std::string &caller, const std::string &ksid)
{
    Enter_Method_Silent();
    emit(etsi.requestSignal, 0L);
    StreamReply r;
    int end = caller == source ? 0 : caller == destination ? 1 : -1;
    if (!atEnds(source, destination) || end < 0) {
        emit(etsi.unauthorisedSignal, 1L);
        r.status = STREAM_NO_QKD_CONNECTION;
        return r;
    }
    if (qos.keyChunkBits <= 0 || qos.keyChunkBits % 8 || qos.keyChunkBits > etsi.maxKeySize || qos.maxBps < 0) {
        emit(etsi.badRequestSignal, 1L);
        r.status = STREAM_QOS_NOT_MET;
        return r;
    }
    r.ksid = ksid.empty() ? etsi.newKeyId() : ksid;
    auto it = streams.find(r.ksid);
    if (it == streams.end()) {
        KeyStream &s = streams[r.ksid];
        s.source = source;
        s.destination = destination;
        s.qos = qos;
        s.openedAt = omnetpp::simTime();
        s.open[end] = true;
        r.status = STREAM_PEER_NOT_CONNECTED;
        return r;
    }
    KeyStream &s = it->second;
    if (s.open[end] || s.source != source || s.destination != destination) {
        emit(etsi.badRequestSignal, 1L);
        r.status = STREAM_KSID_IN_USE;
        return r;
    }
    if (s.qos.keyChunkBits != qos.keyChunkBits) {  // both ends must agree on the chunk size
        emit(etsi.badRequestSignal, 1L);
        r.status = STREAM_QOS_NOT_MET;
        return r;
    }
    s.open[end] = true;
    r.status = STREAM_OK;
    return r;
}

StreamReply KeyManager::getStreamKey(const std::string &ksid, const std::string &caller, int64_t index)
{
    Enter_Method_Silent();
    emit(etsi.requestSignal, 1L);
    StreamReply r;
    r.ksid = ksid;
    auto it = streams.find(ksid);
    int end = it == streams.end() ? -1 : caller == it->second.source ? 0 : caller == it->second.destination ? 1 : -1;
    if (end < 0 || !it->second.open[end]) {
        emit(etsi.unauthorisedSignal, 1L);
        r.status = STREAM_NO_QKD_CONNECTION;
        return r;
    }
    KeyStream &s = it->second;
    if (!s.open[1 - end]) {
        bool late = omnetpp::simTime() - s.openedAt > s.qos.timeout;
        emit(etsi.badRequestSignal, 1L);
        r.status = late ? STREAM_TIMEOUT : STREAM_GET_KEY_PEER_NOT_CONNECTED;
        return r;
    }
    auto chunk = s.chunks.find(index);
    if (chunk == s.chunks.end()) {
        if (index < s.drawn) {  // delivered at both ends already, or skipped
            emit(etsi.badRequestSignal, 1L);
            r.status = STREAM_NO_QKD_CONNECTION;
            return r;
        }
        double elapsed = (omnetpp::simTime() - s.openedAt).dbl();
        bool overRate = s.qos.maxBps > 0 && (index + 1) * s.qos.keyChunkBits > s.qos.maxBps * elapsed + s.qos.keyChunkBits;
        int64_t need = (index - s.drawn + 1) * s.qos.keyChunkBits;  // chunks up to index are drawn in order
        if (overRate || need > poolBits) {
            emit(etsi.noKeySignal, 1L);
            r.status = STREAM_INSUFFICIENT_KEY;
            return r;
        }
        for (; s.drawn <= index; s.drawn++)
            s.chunks[s.drawn] = {takeBits(s.qos.keyChunkBits), {false, false}, omnetpp::simTime()};
        chunk = s.chunks.find(index);
    }
    if (chunk->second.delivered[end]) {
        emit(etsi.badRequestSignal, 1L);
        r.status = STREAM_NO_QKD_CONNECTION;
        return r;
    }
    chunk->second.delivered[end] = true;
    r.key = chunk->second.key;
    emit(etsi.servedSignal, 1L);
    if (chunk->second.delivered[1 - end]) {
        emit(etsi.agreementDelaySignal, omnetpp::simTime() - chunk->second.since);
        s.chunks.erase(chunk);
    }
    r.status = STREAM_OK;
    return r;
}

StreamStatus KeyManager::closeStream(const std::string &ksid, const std::string &caller)
{
    Enter_Method_Silent();
    auto it = streams.find(ksid);
    int end = it == streams.end() ? -1 : caller == it->second.source ? 0 : caller == it->second.destination ? 1 : -1;
    if (end < 0 || !it->second.open[end])
        return STREAM_NO_QKD_CONNECTION;
    it->second.open[end] = false;
    if (!it->second.open[1 - end])
        streams.erase(it);  // chunks one end never fetched go with it
    return STREAM_OK;
}

}  // namespace qcity
