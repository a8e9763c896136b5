// Hook bridge registration, plus the measurements behind BENCHMARKS.md's hook figures.
#include <pybind11/pybind11.h>

#include <chrono>

#include "hook_bridge.h"
#include "qcity/sim.h"

namespace py = pybind11;

namespace {

qcity::PythonHookBackend theBackend;

struct VirtualBase
{
    virtual ~VirtualBase() = default;
    virtual double f(double x) = 0;
};
struct VirtualImpl : VirtualBase
{
    double f(double x) override { return x * 0.5 + 1; }
};

// ns per call of a hook from C++, with the GIL released around the loop exactly as in
// the event loop, so each call pays the real acquire/convert/call/convert/release cost.
double benchHookCall(const std::string &spec, long n)
{
    qcity::Hook hook;
    hook.resolve(spec);
    double sink = 0;
    auto t0 = std::chrono::steady_clock::now();
    {
        py::gil_scoped_release release;  // no Python object is touched outside hook()
        for (long i = 0; i < n; i++)
            sink += hook(qcity::Value(static_cast<double>(i))).asDouble();
    }
    auto t1 = std::chrono::steady_clock::now();
    if (sink == -1)
        py::print("");  // keep the loop observable
    return std::chrono::duration<double, std::nano>(t1 - t0).count() / n;
}

double benchVirtualCall(long n)
{
    VirtualImpl impl;
    VirtualBase *volatile base = &impl;  // volatile: the call cannot be devirtualised
    double sink = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < n; i++)
        sink += base->f(static_cast<double>(i));
    auto t1 = std::chrono::steady_clock::now();
    if (sink == -1)
        py::print("");
    return std::chrono::duration<double, std::nano>(t1 - t0).count() / n;
}

}  // namespace

void register_hooks(py::module_ &m)
{
    qcity::setHookBackend(&theBackend);
    m.def("call_hook", [](const std::string &spec, py::object args) {
        qcity::Hook hook;
        hook.resolve(spec);
        qcity::Value a = qcity::fromPython(args);
        qcity::Value r;
        {
            py::gil_scoped_release release;
            r = hook(a);
        }
        return qcity::toPython(r);
    }, py::arg("spec"), py::arg("args"), "Call a hook the way a C++ module does (round trip through qcity::Value).");
    m.def("bench_hook_call", &benchHookCall, py::arg("spec"), py::arg("n"), "Mean ns per C++ -> Python hook call (float in, float out).");
    m.def("bench_virtual_call", &benchVirtualCall, py::arg("n"), "Mean ns per C++ virtual call, for comparison.");
}
