// Binds the embedded kernel for the network builder (qcity.sim.engine): create
// modules, parameters, gates, channels and statistics, then run.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <unordered_map>

#include "hook_bridge.h"
#include "omnetpp_api.h"

namespace py = pybind11;
using namespace qcity::sim;

namespace {

// Expression trees arrive as nested tuples: ("num", 1.5), ("add", a, b), ("call", "uniform", a, b).
Expr exprFromPython(const py::handle &obj)
{
    auto t = obj.cast<py::tuple>();
    if (t.empty())
        throw cRuntimeError("empty expression node");
    std::string op = t[0].cast<std::string>();
    static const std::pair<const char *, Expr::Op> ops[] = {
        {"num", Expr::NUM}, {"neg", Expr::NEG}, {"add", Expr::ADD}, {"sub", Expr::SUB}, {"mul", Expr::MUL}, {"div", Expr::DIV},
        {"mod", Expr::MOD}, {"pow", Expr::POW}, {"lt", Expr::LT}, {"le", Expr::LE}, {"gt", Expr::GT}, {"ge", Expr::GE},
        {"eq", Expr::EQ}, {"ne", Expr::NE}, {"and", Expr::AND}, {"or", Expr::OR}, {"not", Expr::NOT}, {"cond", Expr::COND},
        {"call", Expr::CALL}, {"param", Expr::PARAM},
    };
    Expr e;
    bool found = false;
    for (const auto &[name, code] : ops)
        if (op == name) {
            e.op = code;
            found = true;
        }
    if (!found)
        throw cRuntimeError("unknown expression node '%s'", op.c_str());
    std::size_t first = 1;
    if (e.op == Expr::NUM) {
        e.num = t[1].cast<double>();
        return e;
    }
    if (e.op == Expr::PARAM) {  // ("param", component id, name)
        e.num = t[1].cast<double>();
        e.function = t[2].cast<std::string>();
        return e;
    }
    if (e.op == Expr::CALL) {
        e.function = t[1].cast<std::string>();
        first = 2;
    }
    for (std::size_t i = first; i < t.size(); i++)
        e.args.push_back(exprFromPython(t[i]));
    return e;
}

cPar::Type parType(const std::string &t)
{
    if (t == "bool") return cPar::BOOL;
    if (t == "int") return cPar::INT;
    if (t == "double") return cPar::DOUBLE;
    if (t == "string") return cPar::STRING;
    throw cRuntimeError("unsupported parameter type '%s' (bool, int, double, string)", t.c_str());
}

// A message placed at a given time and priority; its kind is its insertion index.
struct TestEvent : cMessage
{
    TestEvent(double t, int priority, int index) : cMessage("e", static_cast<short>(index))
    {
        setSchedulingPriority(static_cast<short>(priority));
        setArrivalTimeForTest(t);
    }
};

class PySimulation
{
  public:
    cSimulation sim;

    cComponent *component(int id)
    {
        cComponent *c = sim.getComponent(id);
        if (!c)
            throw py::value_error("no component with id " + std::to_string(id));
        return c;
    }
    cModule *module(int id)
    {
        cModule *m = sim.getModule(id);
        if (!m)
            throw py::value_error("no module with id " + std::to_string(id));
        return m;
    }

    int createModule(const std::string &cls, const std::string &name, int parentId, int index, int vectorSize)
    {
        cModule *parent = parentId > 0 ? module(parentId) : nullptr;
        return sim.createModule(cls, name, parent, index, vectorSize)->getId();
    }

    void addParam(int id, const std::string &name, const std::string &type, const std::string &unit, bool isVolatile, py::object value,
                  py::object expr, const std::string &text)
    {
        cPar &p = component(id)->addPar(name, parType(type), unit, isVolatile);
        if (!expr.is_none()) {
            p.setExpression(std::make_shared<Expr>(exprFromPython(expr)), text);
            return;
        }
        switch (p.getType()) {
            case cPar::BOOL: p.setBool(value.cast<bool>()); break;
            case cPar::INT: p.setInt(value.cast<intval_t>()); break;
            case cPar::DOUBLE: p.setDouble(value.cast<double>()); break;
            case cPar::STRING: p.setString(value.cast<std::string>()); break;
        }
    }

    void addGate(int id, const std::string &name, const std::string &type, bool isVector, int size)
    {
        cModule *m = module(id);
        if (type == "input" || type == "output")
            m->addGate(name, type == "input" ? cGate::INPUT : cGate::OUTPUT, isVector, size);
        else if (type == "inout") {
            m->addGate(name + "$i", cGate::INPUT, isVector, size);
            m->addGate(name + "$o", cGate::OUTPUT, isVector, size);
        }
        else
            throw py::value_error("gate type must be input, output or inout, not '" + type + "'");
    }

    void setGateSize(int id, const std::string &name, const std::string &type, int size)
    {
        cModule *m = module(id);
        if (type == "inout") {
            m->setGateSize(name + "$i", size);
            m->setGateSize(name + "$o", size);
        }
        else
            m->setGateSize(name, size);
    }

    int createChannel(const std::string &nedType) { return sim.createChannel(nedType)->getId(); }

    void connect(int srcId, const std::string &srcGate, int srcIndex, int dstId, const std::string &dstGate, int dstIndex, int channelId)
    {
        cGate *src = module(srcId)->gate(srcGate.c_str(), srcIndex);
        cGate *dst = module(dstId)->gate(dstGate.c_str(), dstIndex);
        cChannel *ch = nullptr;
        if (channelId > 0) {
            ch = dynamic_cast<cChannel *>(component(channelId));
            if (!ch)
                throw py::value_error("component " + std::to_string(channelId) + " is not a channel");
        }
        sim.connect(src, dst, ch);
    }

    void addStatistic(int id, const std::string &name, const std::string &source, const std::vector<std::string> &modes,
                      const std::string &title, const std::string &unit, const std::string &interpolation,
                      const std::vector<std::pair<std::string, double>> &filters, const std::string &sourceText)
    {
        unsigned mask = 0;
        for (const auto &m : modes)
            mask |= recordingModeFromName(m);
        std::vector<SourceOp> ops;
        for (const auto &[kind, c] : filters) {
            SourceOp op{sourceOpFromName(kind)};
            op.c = c;
            ops.push_back(op);
        }
        sim.addStatistic(component(id), name, source, mask, title, unit, interpolation, std::move(ops), sourceText);
    }

    py::dict run(std::optional<double> simTimeLimit, std::optional<double> cpuTimeLimit, std::optional<int64_t> eventLimit,
                 py::object progress, double progressInterval, py::object scalarFilter)
    {
        RunLimits limits;
        limits.simTimeLimit = simTimeLimit.value_or(-1);
        limits.cpuTimeLimit = cpuTimeLimit.value_or(-1);
        limits.eventLimit = eventLimit.value_or(-1);
        std::optional<py::error_already_set> pyError;  // e.g. KeyboardInterrupt raised in the progress callback
        // Always installed: besides reporting progress it lets Ctrl-C stop a long run.
        std::function<void(const ProgressInfo &)> cb = [&](const ProgressInfo &info) {
                py::gil_scoped_acquire gil;
                try {
                    if (PyErr_CheckSignals() != 0)
                        throw py::error_already_set();
                    if (!progress.is_none())
                        progress(info.events, info.simTime, info.elapsedSeconds);
                }
                catch (py::error_already_set &e) {
                    pyError.emplace(std::move(e));
                    throw cRuntimeError("interrupted from Python");
                }
        };
        ResultWriter &writer = sim.getResultWriter();
        if (!scalarFilter.is_none())
            writer.setScalarFilter([&](const std::string &module, const std::string &name) {
                py::gil_scoped_acquire gil;
                try {
                    return scalarFilter(module, name).cast<bool>();
                }
                catch (py::error_already_set &e) {
                    pyError.emplace(std::move(e));
                    throw cRuntimeError("scalar-recording lookup failed in Python");
                }
            });
        struct ClearFilter  // the filter refers to this frame's objects: never let it outlive run()
        {
            ResultWriter &w;
            ~ClearFilter() { w.setScalarFilter(nullptr); }
        } clearFilter{writer};
        RunReport r;
        try {
            py::gil_scoped_release release;  // the event loop touches no Python object; hooks take the GIL themselves
            r = sim.run(limits, cb, progressInterval);
        }
        catch (const SimulationError &) {
            if (pyError)
                throw std::move(*pyError);
            throw;
        }
        py::dict d;
        d["events"] = r.events;
        d["sim_time"] = r.simTime;
        d["sim_time_seconds"] = r.simTimeSeconds;
        d["elapsed_seconds"] = r.elapsedSeconds;
        d["reason"] = r.reason;
        d["fingerprint"] = r.fingerprint;
        return d;
    }
};

}  // namespace

void register_kernel(py::module_ &m)
{
    static py::exception<SimulationError> simError(m, "SimulationError", PyExc_RuntimeError);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p)
                std::rethrow_exception(p);
        }
        catch (const SimulationError &e) {
            py::object exc = py::reinterpret_borrow<py::object>(simError.ptr())(py::str(e.what()));
            exc.attr("module_path") = e.modulePath;
            exc.attr("event_number") = e.eventNumber;
            exc.attr("sim_time") = e.simTime;
            exc.attr("message") = e.bareMessage;
            py::set_error(simError, exc);
        }
    });

    py::class_<PySimulation>(m, "Simulation", "One simulation run of the embedded kernel.")
        .def(py::init<>())
        .def("create_module", [](PySimulation &s, const std::string &cls, const std::string &name, int parent, int index, int vsize) {
            ActiveSimulationGuard g(&s.sim);
            return s.createModule(cls, name, parent, index, vsize);
        }, py::arg("class_name"), py::arg("name"), py::arg("parent") = 0, py::arg("index") = -1, py::arg("vector_size") = 1)
        .def("add_param", &PySimulation::addParam, py::arg("component"), py::arg("name"), py::arg("type"), py::arg("unit") = "",
             py::arg("volatile") = false, py::arg("value") = py::none(), py::arg("expr") = py::none(), py::arg("text") = "")
        .def("add_gate", &PySimulation::addGate, py::arg("module"), py::arg("name"), py::arg("type"), py::arg("is_vector") = false,
             py::arg("size") = 1)
        .def("set_gate_size", &PySimulation::setGateSize, py::arg("module"), py::arg("name"), py::arg("type"), py::arg("size"))
        .def("create_channel", &PySimulation::createChannel, py::arg("ned_type"))
        .def("connect", &PySimulation::connect, py::arg("src"), py::arg("src_gate"), py::arg("src_index"), py::arg("dst"),
             py::arg("dst_gate"), py::arg("dst_index"), py::arg("channel") = 0)
        .def("setup_rngs", [](PySimulation &s, int64_t seedSet, int n, std::vector<std::pair<int, uint32_t>> seeds) {
            s.sim.setupRngs(seedSet, n, seeds);
        }, py::arg("seed_set"), py::arg("num_rngs") = 1, py::arg("seeds") = std::vector<std::pair<int, uint32_t>>{})
        .def("set_fingerprint_ingredients", [](PySimulation &s, std::vector<std::string> sets) { s.sim.setFingerprintIngredients(sets); },
             py::arg("ingredient_sets"))
        .def("set_rng_map", [](PySimulation &s, int id, std::vector<int> map) { s.component(id)->setRngMap(std::move(map)); })
        .def("add_statistic", &PySimulation::addStatistic, py::arg("component"), py::arg("name"), py::arg("source"), py::arg("modes"),
             py::arg("title") = "", py::arg("unit") = "", py::arg("interpolation") = "",
             py::arg("filters") = std::vector<std::pair<std::string, double>>{}, py::arg("source_text") = "")
        .def("open_results", [](PySimulation &s, const std::string &sca, const std::string &vec, std::vector<std::string> header) {
            s.sim.getResultWriter().open(sca, vec, std::move(header));
        }, py::arg("sca_path"), py::arg("vec_path"), py::arg("header_lines"))
        .def("module_path", [](PySimulation &s, int id) { return s.component(id)->getFullPath(); })
        .def("set_warmup_period", [](PySimulation &s, double seconds) {
            if (seconds < 0)
                throw py::value_error("warmup-period must not be negative");
            s.sim.setWarmupPeriod(SimTime(seconds));
        }, py::arg("seconds"), "Values emitted before this time do not reach @statistic recorders.")
        .def("run", &PySimulation::run, py::arg("sim_time_limit") = py::none(), py::arg("cpu_time_limit") = py::none(),
             py::arg("event_limit") = py::none(), py::arg("progress") = py::none(), py::arg("progress_interval") = 1.0,
             py::arg("scalar_filter") = py::none(),
             "Runs to a limit. scalar_filter(module, name) -> bool decides the scalars modules record themselves.");

    m.def("registered_module_types", &registeredModuleTypes, "C++ classes registered with Define_Module().");
    m.def("set_ev_enabled", &setEvEnabled, py::arg("on"), "Turn EV log output on or off for this thread.");
    m.def("simtime_str", [](double t) { return SimTime(t).str(); }, py::arg("seconds"),
          "Exact decimal text of t as simtime_t (scale exponent -12); raises on overflow.");
    m.def("simtime_add_raw", [](int64_t a, int64_t b) { return (SimTime::fromRaw(a) + SimTime::fromRaw(b)).raw(); },
          "Adds two raw simtime values, raising on overflow (for tests).");
    m.attr("SIMTIME_SCALE_EXP") = SimTime::SCALEEXP;
    m.def("fes_order", [](const std::vector<double> &times, const std::vector<int> &priorities, const std::vector<int> &cancel) {
        // Inserts one message per (time, priority), cancels the given ones, and returns the
        // insertion indices in the order the future event set hands them out.
        if (times.size() != priorities.size())
            throw py::value_error("times and priorities differ in length");
        std::vector<std::unique_ptr<cMessage>> msgs;
        EventHeap heap;
        for (std::size_t i = 0; i < times.size(); i++) {
            msgs.push_back(std::make_unique<TestEvent>(times[i], priorities[i], static_cast<int>(i)));
            heap.insert(msgs.back().get());
        }
        for (int k : cancel)
            heap.remove(msgs.at(k).get());
        std::vector<int> order;
        while (cMessage *m = heap.removeFirst())
            order.push_back(static_cast<int>(m->getKind()));
        return order;
    }, py::arg("times"), py::arg("priorities"), py::arg("cancel") = std::vector<int>{}, "Event order of the FES (for tests).");
    m.def("fes_replay", [](const std::vector<std::tuple<std::string, double, int>> &ops) {
        // ("insert", time, priority) makes message #n and schedules it; ("schedule", time, n)
        // schedules message n again; ("cancel", 0, n) removes it; ("pop", 0, 0) takes the first
        // event. Returns the popped messages' numbers (-1 when the set was empty).
        std::vector<std::unique_ptr<TestEvent>> msgs;
        std::unordered_map<const cMessage *, int> number;
        EventHeap heap;
        std::vector<int> popped;
        for (const auto &[op, t, arg] : ops) {
            if (op == "insert") {
                msgs.push_back(std::make_unique<TestEvent>(t, arg, 0));
                number[msgs.back().get()] = static_cast<int>(msgs.size()) - 1;
                heap.insert(msgs.back().get());
            }
            else if (op == "schedule") {
                TestEvent *m = msgs.at(arg).get();
                if (m->isScheduled())
                    throw py::value_error("message is already scheduled");
                m->setArrivalTimeForTest(t);
                heap.insert(m);
            }
            else if (op == "cancel")
                heap.remove(msgs.at(arg).get());
            else if (op == "pop") {
                cMessage *m = heap.removeFirst();
                popped.push_back(m ? number.at(m) : -1);
            }
            else
                throw py::value_error("unknown operation " + op);
        }
        heap.drain();
        return popped;
    }, py::arg("ops"), "Replays inserts, reschedules, cancellations and pops on the FES (for tests).");
}
