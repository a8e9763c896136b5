// The Python side of qcity/hook.h: resolves "pkg.mod:func" through
// qcity.sim.hooks.resolve() and calls it with the GIL held only for the call.
#pragma once

#include <pybind11/pybind11.h>

#include "qcity/sim.h"

namespace qcity {

pybind11::object toPython(const Value &v);
Value fromPython(const pybind11::handle &obj);

class PythonHookBackend : public HookBackend
{
  public:
    std::shared_ptr<void> resolve(const std::string &spec) override;
    Value call(const std::shared_ptr<void> &function, const Value &args) override;
};

// "Type: message" plus the formatted traceback of the Python error being handled.
std::string describePythonError(pybind11::error_already_set &e);

}  // namespace qcity
