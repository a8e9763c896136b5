// Python for the hooks when the models run under opp_run (QCITY_WITH_OMNETPP builds only).
//
// On loading the model library (opp_run -l .../qcity) this starts the interpreter unless the
// process already has one (OMNeT++ 7 may embed Python itself), makes the virtual environment
// in $VIRTUAL_ENV importable (so `source venv/bin/activate` before opp_run is enough; PYTHONPATH
// works as usual), and installs the hook backend qcity/hook.h calls. The event loop runs without
// the GIL; each hook call takes it (PythonHookBackend). Python errors reach the run as
// cRuntimeError, with the traceback (qcity::Hook).
#include <pybind11/embed.h>

#include <cstdlib>
#include <mutex>
#include <thread>

#include "hook_bridge.h"
#include "qcity/sim.h"

namespace py = pybind11;

namespace qcity {
namespace {

// The hooks' state lives in one interpreter and is not meant to be shared between threads
// running simulations at once: say so (once) if calls come from more than one thread.
class OppPythonHookBackend : public PythonHookBackend
{
    std::once_flag warned_;
    std::thread::id firstCaller_;
    bool haveCaller_ = false;

  public:
    Value call(const std::shared_ptr<void> &function, const Value &args) override
    {
        std::thread::id me = std::this_thread::get_id();
        if (!haveCaller_) {
            firstCaller_ = me;
            haveCaller_ = true;
        }
        else if (me != firstCaller_)
            std::call_once(warned_, [] {
                using namespace omnetpp;
                EV_STATICCONTEXT;
                EV_WARN << "qcity: Python hooks are being called from several threads; they share one interpreter "
                           "and their module-level state, so results may depend on thread timing\n";
            });
        return PythonHookBackend::call(function, args);
    }
};

OppPythonHookBackend backend;

void addVirtualEnvironment()
{
    const char *venv = std::getenv("VIRTUAL_ENV");
    if (!venv || !*venv)
        return;
    py::module_ sys = py::module_::import("sys");
    py::module_ site = py::module_::import("site");
    py::module_ os = py::module_::import("os");
    py::object version = py::str("python{}.{}").attr("format")(sys.attr("version_info").attr("major"), sys.attr("version_info").attr("minor"));
    py::object sitePackages = os.attr("path").attr("join")(venv, "lib", version, "site-packages");
    if (os.attr("path").attr("isdir")(sitePackages).cast<bool>())
        site.attr("addsitedir")(sitePackages);
}

void startPython()
{
    if (!Py_IsInitialized()) {
        py::initialize_interpreter(false);  // keep OMNeT++'s signal handlers
        addVirtualEnvironment();
        PyEval_SaveThread();  // release the GIL: hook calls take it when they need it
    }
    else {
        py::gil_scoped_acquire gil;
        addVirtualEnvironment();
    }
    setHookBackend(&backend);
}

}  // namespace
}  // namespace qcity

EXECUTE_ON_STARTUP(qcity::startPython());
