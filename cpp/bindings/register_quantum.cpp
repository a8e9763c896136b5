// Quantum post-processing kernels: Cascade (cpp/quantum/cascade.h) and the Toeplitz hash
// of privacy amplification (cpp/quantum/gf2poly.h).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>
#include <string>

#include "cascade.h"
#include "gf2poly.h"

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

    m.def("toeplitz_hash", [](py::array_t<uint8_t, py::array::c_style | py::array::forcecast> bits,
                              py::array_t<uint8_t, py::array::c_style | py::array::forcecast> seed, size_t outputLength,
                              bool portable) {
        if (bits.ndim() != 1 || seed.ndim() != 1)
            throw py::value_error("toeplitz_hash: bits and seed must be 1-D arrays of 0/1");
        const size_t n = static_cast<size_t>(bits.size());
        if (n > 0 && outputLength > 0 && static_cast<size_t>(seed.size()) != n + outputLength - 1)
            throw py::value_error("toeplitz_hash: seed must have n + m - 1 = " + std::to_string(n + outputLength - 1) +
                                  " bits, got " + std::to_string(seed.size()));
        py::array_t<uint8_t> out(static_cast<py::ssize_t>(outputLength));
        const uint8_t *x = bits.data(), *s = seed.data();
        uint8_t *y = out.mutable_data();
        try {
            py::gil_scoped_release release;  // reads and writes only the arrays' buffers
            qcity::quantum::toeplitzHash(x, n, s, outputLength, y, portable);
        }
        catch (const std::invalid_argument &e) {
            throw py::value_error(e.what());
        }
        return out;
    }, py::arg("bits"), py::arg("seed"), py::arg("output_length"), py::arg("portable") = false,
       "Toeplitz hash y = T x mod 2 with T[i, j] = seed[i - j + n - 1], by carry-less Karatsuba products.");
    m.def("gf2_hardware_multiply", &qcity::quantum::gf2HardwareMultiply,
          "Whether the Toeplitz hash uses the CPU's carry-less multiply instruction.");
}
