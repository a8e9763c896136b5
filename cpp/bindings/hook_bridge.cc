#include "hook_bridge.h"

#include "qcity/sim.h"

namespace py = pybind11;

namespace qcity {

py::object toPython(const Value &v)
{
    switch (v.kind()) {
        case Value::NONE: return py::none();
        case Value::BOOL: return py::bool_(v.asBool());
        case Value::INT: return py::int_(v.asInt());
        case Value::DOUBLE: return py::float_(v.asDouble());
        case Value::STRING: return py::str(v.asString());
        case Value::LIST: {
            py::list l(v.items().size());
            for (std::size_t i = 0; i < v.items().size(); i++)
                l[i] = toPython(v.items()[i]);
            return std::move(l);
        }
        case Value::DICT: {
            py::dict d;
            for (std::size_t i = 0; i < v.keys().size(); i++)
                d[py::str(v.keys()[i])] = toPython(v.items()[i]);
            return std::move(d);
        }
    }
    return py::none();
}

Value fromPython(const py::handle &obj)
{
    if (obj.is_none())
        return Value();
    if (py::isinstance<py::bool_>(obj))
        return Value(obj.cast<bool>());
    if (py::isinstance<py::int_>(obj))
        return Value(obj.cast<long long>());
    if (py::isinstance<py::float_>(obj))
        return Value(obj.cast<double>());
    if (py::isinstance<py::str>(obj))
        return Value(obj.cast<std::string>());
    if (py::isinstance<py::dict>(obj)) {
        Value d = Value::dict();
        for (auto item : obj.cast<py::dict>()) {
            if (!py::isinstance<py::str>(item.first))
                throw HookError("hook returned a dict with a non-string key: " + py::repr(item.first).cast<std::string>());
            d.set(item.first.cast<std::string>(), fromPython(item.second));
        }
        return d;
    }
    if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) {
        Value l = Value::list();
        for (auto item : obj)
            l.append(fromPython(item));
        return l;
    }
    if (py::hasattr(obj, "tolist"))  // numpy arrays and scalars
        return fromPython(obj.attr("tolist")());
    throw HookError("hook returned a value of type " + py::str(py::type::handle_of(obj).attr("__name__")).cast<std::string>() +
                    ", which cannot cross into C++ (use None, bool, int, float, str, list or dict)");
}

std::string describePythonError(py::error_already_set &e)
{
    try {
        py::module_ tb = py::module_::import("traceback");
        py::list lines = tb.attr("format_exception")(e.type(), e.value(), e.trace());
        std::string s;
        for (auto l : lines)
            s += l.cast<std::string>();
        return s;
    }
    catch (...) {
        return e.what();
    }
}

std::shared_ptr<void> PythonHookBackend::resolve(const std::string &spec)
{
    py::gil_scoped_acquire gil;
    try {
        py::object fn = py::module_::import("qcity.sim.hooks").attr("resolve")(spec);
        auto *held = new py::object(std::move(fn));
        return std::shared_ptr<void>(held, [](void *p) {
            py::gil_scoped_acquire g;
            delete static_cast<py::object *>(p);
        });
    }
    catch (py::error_already_set &e) {
        throw HookError(describePythonError(e));
    }
}

Value PythonHookBackend::call(const std::shared_ptr<void> &function, const Value &args)
{
    py::gil_scoped_acquire gil;  // the event loop runs without the GIL; take it for this call only
    try {
        const py::object &fn = *static_cast<py::object *>(function.get());
        return fromPython(fn(toPython(args)));
    }
    catch (py::error_already_set &e) {
        throw HookError(describePythonError(e));
    }
}

}  // namespace qcity
