// OMNeT++'s simulation fingerprint: cHasher's rotate-and-xor hash over chosen ingredients
// of every event (by default "tplx": simulation time, module full path, packet bit length,
// extra data added by models). Computed exactly as OMNeT++ 6 computes it, so a run gives
// the fingerprint opp_run gives when both engines execute the same events.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "simtime.h"

namespace qcity::sim {

class cMessage;
class cModule;
class cSimulation;

class cHasher
{
    uint32_t value_ = 0;

    void merge(uint32_t x) { value_ = ((value_ << 1) | (value_ >> 31)) ^ x; }
    void merge2(uint64_t x)
    {
        merge(static_cast<uint32_t>(x));
        merge(static_cast<uint32_t>(x >> 32));
    }

  public:
    void reset() { value_ = 0; }
    // OMNeT++ merges 32-bit and smaller integers as one word, 64-bit ones as two
    void add(int32_t d) { merge(static_cast<uint32_t>(d)); }
    void add(uint32_t d) { merge(d); }
    void add(int64_t d) { merge2(static_cast<uint64_t>(d)); }
    void add(uint64_t d) { merge2(d); }
    void add(double d);
    void add(const SimTime &t) { merge2(static_cast<uint64_t>(t.raw())); }
    void add(const std::string &s) { add(s.c_str(), s.size() + 1); }  // the terminating NUL included
    void add(const void *p, std::size_t length);
    // Words hashed beforehand from 0 (FingerprintCalculator::fold): the same as adding their
    // bytes, because the hash is linear in the words it merges.
    void add(uint32_t folded, unsigned words)
    {
        unsigned r = words % 32;
        value_ = (r ? ((value_ << r) | (value_ >> (32 - r))) : value_) ^ folded;
    }
    uint32_t getHash() const { return value_; }
    std::string str() const;  // "1a2b-3c4d"
};

class FingerprintCalculator
{
    std::string ingredients_ = "tplx";
    cHasher hasher_;
    bool addEvents_ = true;
    bool tplx_ = true;  // the default ingredients: a straight-line path for the common case
    // Per module id: its full name hashed once, folded so that adding it again costs one
    // rotation (the full path is folded the same way and kept in the module).
    struct Folded
    {
        uint32_t value = 0;
        unsigned words = 0;
        bool ready = false;
    };
    std::vector<Folded> names_;

    static Folded fold(const std::string &s);
    const Folded &foldedName(const cModule *m);

  public:
    // The characters OMNeT++ defines; the ones the embedded engine cannot compute are refused.
    void setIngredients(const std::string &ingredients);
    void addEvent(const cMessage *msg, const cModule *module, const cSimulation &sim);
    void addExtraData(int64_t d) { if (hasExtraData()) hasher_.add(d); }
    void addExtraData(double d) { if (hasExtraData()) hasher_.add(d); }
    void addExtraData(const std::string &s) { if (hasExtraData()) hasher_.add(s); }
    bool hasExtraData() const { return ingredients_.find('x') != std::string::npos; }
    std::string str() const { return hasher_.str() + "/" + ingredients_; }
    uint32_t getHash() const { return hasher_.getHash(); }
};

}  // namespace qcity::sim
