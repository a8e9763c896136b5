// Products of polynomials over GF(2) and the Toeplitz hash built on them.
//
// Privacy amplification hashes a key x (n bits) with a Toeplitz matrix given by a seed s
// (n + m - 1 bits): y_i = sum_j s[i - j + n - 1] x_j mod 2. That is coefficient i + n - 1 of
// the polynomial product S(z) X(z) over GF(2). Computing the product with carry-less
// multiplication (Karatsuba over 64-bit words) is exact for any length and avoids the
// three float FFTs a convolution over the integers needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace qcity::quantum {

// Bit k of word w is the coefficient of z^(64 w + k). The product has na + nb words.
// `portable` skips the carry-less multiply instruction (tests compare the two paths).
std::vector<uint64_t> gf2Multiply(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, bool portable = false);

// y = T x mod 2 with T[i][j] = seed[i - j + n - 1]: `bits` has n entries, `seed` n + m - 1,
// `out` m; entries are 0/1 bytes. Throws std::invalid_argument for other values.
void toeplitzHash(const uint8_t *bits, size_t n, const uint8_t *seed, size_t m, uint8_t *out, bool portable = false);

// True when the carry-less multiply instruction is used (x86-64 with PCLMULQDQ); otherwise
// a portable word multiply gives the same products more slowly.
bool gf2HardwareMultiply();

}  // namespace qcity::quantum
