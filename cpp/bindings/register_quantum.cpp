// Quantum post-processing kernels: Cascade (cpp/quantum/cascade.h).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>

#include "cascade.h"

namespace py = pybind11;

void register_quantum(py::module_ &m)
{
    m.def("cascade", [](py::array_t<uint8_t, py::array::c_style | py::array::forcecast> alice,
                        py::array_t<uint8_t, py::array::c_style | py::array::forcecast> bob, std::vector<int64_t> blockSizes,
                        uint64_t seed) {
        if (alice.ndim() != 1 || bob.ndim() != 1)
            throw py::value_error("cascade: keys must be 1-D arrays of 0/1");
        std::vector<uint8_t> a(alice.data(), alice.data() + alice.size());
        std::vector<uint8_t> b(bob.data(), bob.data() + bob.size());
        qcity::quantum::CascadeResult r;
        {
            py::gil_scoped_release release;  // pure C++ on copies: no Python object is touched
            try {
                r = qcity::quantum::cascadeReconcile(a, b, blockSizes, seed);
            }
            catch (const std::invalid_argument &e) {
                py::gil_scoped_acquire acquire;
                throw py::value_error(e.what());
            }
        }
        py::array_t<uint8_t> corrected(static_cast<py::ssize_t>(r.corrected.size()));
        std::copy(r.corrected.begin(), r.corrected.end(), corrected.mutable_data());
        py::dict d;
        d["corrected"] = corrected;
        d["leaked_bits"] = r.leakedBits;
        d["bits_flipped"] = r.bitsFlipped;
        d["parity_queries"] = r.parityQueries;
        return d;
    }, py::arg("alice"), py::arg("bob"), py::arg("block_sizes"), py::arg("seed"),
       "Cascade reconciliation of Bob's key against Alice's; returns the corrected key and leak counts.");
}
