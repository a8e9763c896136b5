// qcity._core: the embedded kernel, the models linked into it, and the hook bridge.
#include <pybind11/pybind11.h>

namespace py = pybind11;

void register_kernel(py::module_ &m);
void register_hooks(py::module_ &m);
void register_quantum(py::module_ &m);
void register_scheduling(py::module_ &m);

PYBIND11_MODULE(_core, m)
{
    m.doc() = "qcity's embedded OMNeT++-compatible kernel, its models and the Python hook bridge";
    register_kernel(m);
    register_hooks(m);
    register_quantum(m);
    register_scheduling(m);
}
