#include "cfingerprint.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "cmodule.h"
#include "csimulation.h"
#include "errors.h"

namespace qcity::sim {

void cHasher::add(double d)
{
    if (std::isnan(d))
        d = NAN;  // one representation for every NaN
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    merge2(bits);
}

void cHasher::add(const void *ptr, std::size_t length)
{
    const uint8_t *p = static_cast<const uint8_t *>(ptr);
    for (; length >= 4; length -= 4, p += 4)
        merge(static_cast<uint32_t>(p[0] | (p[1] << 8) | (p[2] << 16) | (p[3] << 24)));
    switch (length) {
        case 1: merge(p[0]); break;
        case 2: merge(static_cast<uint32_t>(p[0] | (p[1] << 8))); break;
        case 3: merge(static_cast<uint32_t>(p[0] | (p[1] << 8) | (p[2] << 16))); break;
        default: break;
    }
}

std::string cHasher::str() const
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04x-%04x", value_ >> 16, value_ & 0xffff);
    return buf;
}

void FingerprintCalculator::setIngredients(const std::string &ingredients)
{
    addEvents_ = false;
    for (char c : ingredients) {
        if (!std::strchr("etncklodimparszvyfx0", c))
            throw cRuntimeError("Unknown fingerprint ingredient character '%c'", c);
        if (std::strchr("codaszvyf", c))
            throw cRuntimeError("Fingerprint ingredient '%c' is not computed by the embedded engine "
                                "(it computes e t n k l i m p r x 0; see docs/omnetpp.md)", c);
        if (c != 'x')
            addEvents_ = true;
    }
    ingredients_ = ingredients;
    tplx_ = ingredients == "tplx";
    hasher_.reset();
}

FingerprintCalculator::Folded FingerprintCalculator::fold(const std::string &s)
{
    cHasher h;
    h.add(s);
    Folded f;
    f.value = h.getHash();  // starting from 0, the hash is exactly the folded words
    f.words = static_cast<unsigned>((s.size() + 1 + 3) / 4);
    f.ready = true;
    return f;
}

const FingerprintCalculator::Folded &FingerprintCalculator::foldedName(const cModule *m)
{
    std::size_t id = static_cast<std::size_t>(m->getId());
    if (id >= names_.size())
        names_.resize(id + 1);
    if (!names_[id].ready)
        names_[id] = fold(m->getFullName());
    return names_[id];
}

void FingerprintCalculator::addEvent(const cMessage *msg, const cModule *module, const cSimulation &sim)
{
    if (!module->fingerprintPathReady_) {
        Folded f = fold(module->getFullPath());
        module->fingerprintPath_ = f.value;
        module->fingerprintPathWords_ = f.words;
        module->fingerprintPathReady_ = true;
    }
    if (tplx_) {
        hasher_.add(sim.getSimTime());
        hasher_.add(module->fingerprintPath_, module->fingerprintPathWords_);
        if (msg->isPacket())
            hasher_.add(static_cast<const cPacket *>(msg)->getBitLength());
        return;
    }
    if (!addEvents_)
        return;
    for (char c : ingredients_) {
        switch (c) {
            case 'e': hasher_.add(static_cast<int64_t>(sim.getEventNumber())); break;
            case 't': hasher_.add(sim.getSimTime()); break;
            case 'n': hasher_.add(std::string(msg->getName())); break;
            case 'k': hasher_.add(static_cast<int32_t>(msg->getKind())); break;  // a short, sign-extended
            case 'l':
                if (msg->isPacket())
                    hasher_.add(static_cast<const cPacket *>(msg)->getBitLength());
                break;
            case 'i': hasher_.add(static_cast<int32_t>(module->getId())); break;
            case 'm': { const Folded &f = foldedName(module); hasher_.add(f.value, f.words); break; }
            case 'p': hasher_.add(module->fingerprintPath_, module->fingerprintPathWords_); break;
            case 'r':
                for (int k = 0; k < sim.getNumRngs(); k++)
                    hasher_.add(static_cast<uint64_t>(const_cast<cSimulation &>(sim).getRng(k)->getNumbersDrawn()));
                break;
            case '0': hasher_.reset(); break;
            default: break;  // 'x': added by the models as they run
        }
    }
}

}  // namespace qcity::sim
