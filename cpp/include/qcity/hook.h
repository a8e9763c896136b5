// Hooks: research logic written in Python, called from C++ modules at decision
// epochs (a key session, an IDS window, a scheduling round), never per packet.
//
// A module names the hook in a parameter ("package.module:function"), resolves it
// once in initialize() and calls it with a qcity::Value. The backend that talks to
// Python (cpp/bindings/hook_bridge.cc) is installed by whoever embeds the models:
// the qcity._core extension, or the model library loaded by opp_run.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "qcity/hookvalue.h"

namespace qcity {

// What a backend throws: the message carries the Python traceback.
class HookError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

class HookBackend
{
  public:
    virtual ~HookBackend() = default;
    virtual std::shared_ptr<void> resolve(const std::string &spec) = 0;
    virtual Value call(const std::shared_ptr<void> &function, const Value &args) = 0;
};

void setHookBackend(HookBackend *backend);
HookBackend *getHookBackend();

class Hook
{
    std::string spec_;
    std::shared_ptr<void> function_;

  public:
    // Resolves `spec` ("pkg.mod:func"); an empty spec leaves the hook unset.
    void resolve(const std::string &spec)
    {
        spec_ = spec;
        function_.reset();
        if (spec.empty())
            return;
        HookBackend *backend = getHookBackend();
        if (!backend)
            throw omnetpp::cRuntimeError("Cannot resolve hook '%s': no Python hook bridge is loaded", spec.c_str());
        try {
            function_ = backend->resolve(spec);
        }
        catch (const HookError &e) {
            throw omnetpp::cRuntimeError("Cannot resolve hook '%s': %s", spec.c_str(), e.what());
        }
    }
    bool isSet() const { return function_ != nullptr; }
    const std::string &spec() const { return spec_; }

    Value operator()(const Value &args) const
    {
        if (!function_)
            throw omnetpp::cRuntimeError("Hook called before it was resolved (empty hook parameter?)");
        try {
            return getHookBackend()->call(function_, args);
        }
        catch (const HookError &e) {
            throw omnetpp::cRuntimeError("Python hook '%s' raised an exception:\n%s", spec_.c_str(), e.what());
        }
    }
};

}  // namespace qcity
