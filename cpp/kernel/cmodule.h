// Compound modules: submodules, gates and paths. Simple modules are csimplemodule.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ccomponent.h"
#include "cgate.h"
#include "cchannel.h"

namespace qcity::sim {

class cModule : public cComponent
{
    friend class cSimulation;

    struct GateDesc
    {
        std::string name;
        cGate::Type type;
        bool isVector;
        std::vector<std::unique_ptr<cGate>> gates;
    };

    cModule *parent_ = nullptr;
    int index_ = -1;  // -1: not part of a vector
    int vectorSize_ = 1;
    std::vector<cModule *> submodules_;  // owned by the simulation
    std::vector<GateDesc> gateDescs_;
    std::string fullPath_;
    // the full path folded for the fingerprint's 'p' ingredient (FingerprintCalculator)
    mutable uint32_t fingerprintPath_ = 0, fingerprintPathWords_ = 0;
    mutable bool fingerprintPathReady_ = false;
    friend class FingerprintCalculator;

    GateDesc *findGateDesc(const char *name);
    const GateDesc *findGateDesc(const char *name) const;

  public:
    ~cModule() override;
    const char *getClassName() const override { return "cModule"; }
    std::string getFullName() const override;
    std::string getFullPath() const override { return fullPath_; }
    cModule *getParentModule() const override { return parent_; }
    cModule *getSystemModule() const;
    int getIndex() const { return index_ < 0 ? 0 : index_; }
    int getVectorSize() const { return index_ < 0 ? 1 : vectorSize_; }
    bool isVector() const { return index_ >= 0; }
    virtual bool isSimple() const { return false; }

    cModule *getSubmodule(const char *name, int index = -1) const;
    cModule *getModuleByPath(const char *path) const;
    cModule *findModuleByPath(const char *path) const { return getModuleByPath(path); }  // nullptr if none
    int getNumSubmodules() const { return static_cast<int>(submodules_.size()); }
    const std::vector<cModule *> &getSubmodules() const { return submodules_; }

    // gates
    void addGate(const std::string &name, cGate::Type type, bool isVector, int size);
    void setGateSize(const std::string &name, int size);
    cGate *gate(const char *name, int index = -1);
    const cGate *gate(const char *name, int index = -1) const { return const_cast<cModule *>(this)->gate(name, index); }
    cGate *gate(int id) const;
    cGate *gateHalf(const char *name, cGate::Type type, int index = -1);
    bool hasGate(const char *name, int index = -1) const;
    int gateSize(const char *name) const;
    int findGate(const char *name, int index = -1) const;
};

}  // namespace qcity::sim
