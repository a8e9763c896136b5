#include "cmodule.h"

#include <cstdlib>

#include "csimulation.h"

namespace qcity::sim {

// ---- modules ------------------------------------------------------------------

cModule::~cModule() = default;

std::string cModule::getFullName() const
{
    return index_ < 0 ? std::string(getName()) : std::string(getName()) + "[" + std::to_string(index_) + "]";
}

cModule *cModule::getSystemModule() const
{
    const cModule *m = this;
    while (m->parent_)
        m = m->parent_;
    return const_cast<cModule *>(m);
}

cModule *cModule::getSubmodule(const char *name, int index) const
{
    for (cModule *m : submodules_)
        if (std::string(m->getName()) == name && (index < 0 ? !m->isVector() : m->isVector() && m->getIndex() == index))
            return m;
    return nullptr;
}

cModule *cModule::getModuleByPath(const char *path) const
{
    // relative path: "sub.sub2[3]"; "^" means the parent, as in OMNeT++
    const cModule *m = this;
    std::string p = path;
    std::size_t pos = 0;
    while (m && pos <= p.size()) {
        std::size_t dot = p.find('.', pos);
        std::string part = p.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
        if (part == "^")
            m = m->parent_;
        else if (!part.empty()) {
            int index = -1;
            std::size_t br = part.find('[');
            if (br != std::string::npos) {
                index = std::atoi(part.c_str() + br + 1);
                part = part.substr(0, br);
            }
            m = m->getSubmodule(part.c_str(), index);
        }
        if (dot == std::string::npos)
            break;
        pos = dot + 1;
    }
    return const_cast<cModule *>(m);
}

cModule::GateDesc *cModule::findGateDesc(const char *name)
{
    for (auto &d : gateDescs_) {
        // gate names are short: an inline comparison beats a call to strcmp
        const char *a = d.name.c_str(), *b = name;
        while (*a && *a == *b) {
            a++;
            b++;
        }
        if (*a == *b)
            return &d;
    }
    return nullptr;
}

const cModule::GateDesc *cModule::findGateDesc(const char *name) const { return const_cast<cModule *>(this)->findGateDesc(name); }

void cModule::addGate(const std::string &name, cGate::Type type, bool isVector, int size)
{
    if (findGateDesc(name.c_str()))
        throw cRuntimeError("%s: gate '%s' declared twice", getFullPath().c_str(), name.c_str());
    gateDescs_.push_back({name, type, isVector, {}});
    setGateSize(name, isVector ? size : 1);
}

void cModule::setGateSize(const std::string &name, int size)
{
    GateDesc *d = findGateDesc(name.c_str());
    if (!d)
        throw cRuntimeError("%s has no gate '%s'", getFullPath().c_str(), name.c_str());
    if (!d->isVector && size != 1)
        throw cRuntimeError("%s: gate '%s' is not a vector", getFullPath().c_str(), name.c_str());
    if (size < (int)d->gates.size())
        throw cRuntimeError("%s: gate vector '%s' cannot shrink", getFullPath().c_str(), name.c_str());
    for (int i = (int)d->gates.size(); i < size; i++) {
        d->gates.push_back(std::make_unique<cGate>(this, d->name, d->isVector ? i : -1, size, d->type));
        sim_->registerGate(d->gates.back().get());
    }
    for (auto &g : d->gates)
        g->vectorSize_ = size;
}

cGate *cModule::gate(const char *name, int index)
{
    GateDesc *d = findGateDesc(name);
    if (!d) {
        // an inout gate named without $i/$o is ambiguous, as in OMNeT++
        std::string n = name;
        if (findGateDesc((n + "$i").c_str()))
            throw cRuntimeError("%s: gate '%s' is inout; name the half: '%s$i' or '%s$o'", getFullPath().c_str(), name, name, name);
        throw cRuntimeError("%s has no gate named '%s'", getFullPath().c_str(), name);
    }
    if (d->isVector) {
        if (index < 0 || index >= (int)d->gates.size())
            throw cRuntimeError("%s: gate index %d out of range for '%s[%d]'", getFullPath().c_str(), index, name, (int)d->gates.size());
        return d->gates[index].get();
    }
    if (index > 0)
        throw cRuntimeError("%s: gate '%s' is not a vector, cannot take index %d", getFullPath().c_str(), name, index);
    return d->gates[0].get();
}

cGate *cModule::gate(int id) const
{
    cGate *g = sim_->getGate(id);
    if (!g || g->getOwnerModule() != this)
        throw cRuntimeError("%s: no gate with id %d", getFullPath().c_str(), id);
    return g;
}

cGate *cModule::gateHalf(const char *name, cGate::Type type, int index)
{
    std::string half = std::string(name) + (type == cGate::INPUT ? "$i" : "$o");
    return gate(half.c_str(), index);
}

bool cModule::hasGate(const char *name, int index) const
{
    const GateDesc *d = findGateDesc(name);
    return d && (index < 0 || index < (int)d->gates.size());
}

int cModule::gateSize(const char *name) const
{
    const GateDesc *d = findGateDesc(name);
    if (!d) {
        d = findGateDesc((std::string(name) + "$i").c_str());
        if (!d)
            throw cRuntimeError("%s has no gate named '%s'", getFullPath().c_str(), name);
    }
    return static_cast<int>(d->gates.size());
}

int cModule::findGate(const char *name, int index) const
{
    const GateDesc *d = findGateDesc(name);
    if (!d)
        return -1;
    int i = d->isVector ? index : 0;
    return i >= 0 && i < (int)d->gates.size() ? d->gates[i]->getId() : -1;
}

}  // namespace qcity::sim
