#include "gf2poly.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define QCITY_GF2_CLMUL 1
#endif

namespace qcity::quantum {

namespace {

using Word = uint64_t;

// At or below this many words a schoolbook product beats another Karatsuba level: on the
// development machine 16 to 32 words gave the same time to within 2 %, 8 and 48 were 7-12 %
// slower and 64 was 40 % slower (10^6 -> 5 10^5 bit Toeplitz hash).
constexpr size_t kSchoolbookWords = 24;

// r[0 .. 2n) = a[0 .. n) * b[0 .. n), without the instruction: shift-and-xor per word pair.
void schoolbookPortable(Word *r, const Word *a, const Word *b, size_t n)
{
    std::fill(r, r + 2 * n, Word{0});
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < n; ++j) {
            Word lo = 0, hi = 0, x = a[i], y = b[j];
            for (int k = 0; k < 64; ++k) {
                if ((y >> k) & 1) {
                    lo ^= x << k;
                    hi ^= k ? x >> (64 - k) : 0;
                }
            }
            r[i + j] ^= lo;
            r[i + j + 1] ^= hi;
        }
    }
}

#ifdef QCITY_GF2_CLMUL
__attribute__((target("pclmul,sse2"))) void schoolbookClmul(Word *r, const Word *a, const Word *b, size_t n)
{
    std::fill(r, r + 2 * n, Word{0});
    for (size_t i = 0; i < n; ++i) {
        const __m128i x = _mm_cvtsi64_si128(static_cast<long long>(a[i]));
        // Carry the high word of one product into the next column instead of storing it twice.
        Word carry = 0;
        for (size_t j = 0; j < n; ++j) {
            const __m128i p = _mm_clmulepi64_si128(x, _mm_cvtsi64_si128(static_cast<long long>(b[j])), 0x00);
            r[i + j] ^= static_cast<Word>(_mm_cvtsi128_si64(p)) ^ carry;
            carry = static_cast<Word>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(p, p)));
        }
        r[i + n] ^= carry;
    }
}

bool cpuHasClmul()
{
    static const bool has = __builtin_cpu_supports("pclmul");
    return has;
}
#endif

using Schoolbook = void (*)(Word *, const Word *, const Word *, size_t);

Schoolbook pickSchoolbook(bool portable)
{
#ifdef QCITY_GF2_CLMUL
    if (!portable && cpuHasClmul())
        return schoolbookClmul;
#endif
    (void)portable;
    return schoolbookPortable;
}

// r[0 .. 2n) = a * b for n-word operands; scratch holds at least 8n words.
void karatsuba(Word *r, const Word *a, const Word *b, size_t n, Word *scratch, Schoolbook base)
{
    if (n <= kSchoolbookWords) {
        base(r, a, b, n);
        return;
    }
    const size_t h = (n + 1) / 2, l = n - h;  // low halves h words, high halves l <= h
    karatsuba(r, a, b, h, scratch, base);                  // a0 b0 -> r[0, 2h)
    karatsuba(r + 2 * h, a + h, b + h, l, scratch, base);  // a1 b1 -> r[2h, 2n)
    Word *sa = scratch, *sb = scratch + h, *mid = scratch + 2 * h;
    for (size_t i = 0; i < h; ++i) {
        sa[i] = a[i] ^ (i < l ? a[h + i] : 0);
        sb[i] = b[i] ^ (i < l ? b[h + i] : 0);
    }
    karatsuba(mid, sa, sb, h, scratch + 4 * h, base);  // (a0 + a1)(b0 + b1)
    // Over GF(2) subtraction is xor: the middle term is mid - a0 b0 - a1 b1.
    for (size_t i = 0; i < 2 * h; ++i)
        mid[i] ^= r[i];
    for (size_t i = 0; i < 2 * l; ++i)
        mid[i] ^= r[2 * h + i];
    for (size_t i = 0; i < 2 * h; ++i)
        r[h + i] ^= mid[i];
}

// r[0 .. na + nb) ^= a * b with na <= nb: b is cut into na-word pieces, each a balanced product.
void multiplyInto(Word *r, const Word *a, size_t na, const Word *b, size_t nb, Schoolbook base)
{
    if (na > nb) {
        std::swap(a, b);
        std::swap(na, nb);
    }
    if (na == 0)
        return;
    std::vector<Word> piece(2 * na), scratch(8 * na + 64);
    size_t offset = 0;
    for (; offset + na <= nb; offset += na) {
        karatsuba(piece.data(), a, b + offset, na, scratch.data(), base);
        for (size_t i = 0; i < 2 * na; ++i)
            r[offset + i] ^= piece[i];
    }
    if (offset < nb)
        multiplyInto(r + offset, b + offset, nb - offset, a, na, base);
}

std::vector<Word> packBits(const uint8_t *bits, size_t count, const char *what)
{
    std::vector<Word> words((count + 63) / 64, 0);
    for (size_t i = 0; i < count; ++i) {
        if (bits[i] > 1)
            throw std::invalid_argument(std::string(what) + " must hold 0/1 values, found " + std::to_string(bits[i]) +
                                        " at index " + std::to_string(i));
        words[i >> 6] |= static_cast<Word>(bits[i]) << (i & 63);
    }
    return words;
}

}  // namespace

std::vector<uint64_t> gf2Multiply(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, bool portable)
{
    std::vector<Word> r(na + nb, 0);
    multiplyInto(r.data(), a, na, b, nb, pickSchoolbook(portable));
    return r;
}

void toeplitzHash(const uint8_t *bits, size_t n, const uint8_t *seed, size_t m, uint8_t *out, bool portable)
{
    if (n == 0 || m == 0) {
        std::fill(out, out + m, uint8_t{0});
        return;
    }
    const std::vector<Word> x = packBits(bits, n, "bits");
    const std::vector<Word> s = packBits(seed, n + m - 1, "seed");
    const std::vector<Word> product = gf2Multiply(x.data(), x.size(), s.data(), s.size(), portable);
    for (size_t i = 0; i < m; ++i) {
        const size_t k = i + n - 1;
        out[i] = static_cast<uint8_t>((product[k >> 6] >> (k & 63)) & 1);
    }
}

bool gf2HardwareMultiply()
{
#ifdef QCITY_GF2_CLMUL
    return cpuHasClmul();
#else
    return false;
#endif
}

}  // namespace qcity::quantum
