#include "crng.h"

#include <cmath>

#include "errors.h"

namespace qcity::sim {

void cRNG::seed(uint64_t seedSet, int index)
{
    std::seed_seq seq{static_cast<uint32_t>(seedSet), static_cast<uint32_t>(seedSet >> 32), static_cast<uint32_t>(index), 0x71c17u};
    mt_.seed(seq);
    numDrawn_ = 0;
}

uint32_t cRNG::intRand(uint32_t n)
{
    if (n == 0)
        throw cRuntimeError("cRNG::intRand(n): n must be positive");
    // Rejection sampling removes the modulo bias.
    uint32_t limit = UINT32_MAX - UINT32_MAX % n;
    uint32_t r;
    do
        r = intRand();
    while (r >= limit);
    return r % n;
}

double cRNG::doubleRand() { return intRand() * (1.0 / 4294967296.0); }
double cRNG::doubleRandNonz() { return (intRand() + 0.5) * (1.0 / 4294967296.0); }
double cRNG::doubleRandIncl1() { return intRand() * (1.0 / 4294967295.0); }

namespace dist {

double uniform(cRNG *rng, double a, double b) { return a + (b - a) * rng->doubleRand(); }

double exponential(cRNG *rng, double mean)
{
    if (mean < 0)
        throw cRuntimeError("exponential(): negative mean %g", mean);
    return -mean * std::log(rng->doubleRandNonz());
}

double normal(cRNG *rng, double mean, double stddev)
{
    if (stddev < 0)
        throw cRuntimeError("normal(): negative stddev %g", stddev);
    // Box-Muller, one value per call so the stream consumption is predictable.
    double u1 = rng->doubleRandNonz(), u2 = rng->doubleRand();
    return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

double truncnormal(cRNG *rng, double mean, double stddev)
{
    for (int i = 0; i < 1000000; i++) {
        double x = normal(rng, mean, stddev);
        if (x >= 0)
            return x;
    }
    throw cRuntimeError("truncnormal(%g, %g): no nonnegative value after 10^6 draws", mean, stddev);
}

double lognormal(cRNG *rng, double m, double w) { return std::exp(normal(rng, m, w)); }

double gamma_d(cRNG *rng, double alpha, double theta)
{
    if (alpha <= 0 || theta <= 0)
        throw cRuntimeError("gamma_d(): alpha and theta must be positive, got %g, %g", alpha, theta);
    if (alpha < 1)  // boost to alpha+1 and scale back (Marsaglia-Tsang)
        return gamma_d(rng, alpha + 1, theta) * std::pow(rng->doubleRandNonz(), 1.0 / alpha);
    double d = alpha - 1.0 / 3, c = 1.0 / std::sqrt(9 * d);
    for (;;) {
        double x, v;
        do {
            x = normal(rng, 0, 1);
            v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        double u = rng->doubleRandNonz();
        if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v))
            return d * v * theta;
    }
}

double weibull(cRNG *rng, double a, double b)
{
    if (a <= 0 || b <= 0)
        throw cRuntimeError("weibull(): a and b must be positive, got %g, %g", a, b);
    return a * std::pow(-std::log(rng->doubleRandNonz()), 1.0 / b);
}

int64_t intuniform(cRNG *rng, int64_t a, int64_t b)
{
    if (b < a)
        throw cRuntimeError("intuniform(%lld, %lld): empty range", (long long)a, (long long)b);
    uint64_t span = static_cast<uint64_t>(b - a) + 1;
    if (span > UINT32_MAX)
        throw cRuntimeError("intuniform(%lld, %lld): range too wide", (long long)a, (long long)b);
    return a + rng->intRand(static_cast<uint32_t>(span));
}

int bernoulli(cRNG *rng, double p)
{
    if (p < 0 || p > 1)
        throw cRuntimeError("bernoulli(): p=%g is outside [0,1]", p);
    return rng->doubleRand() < p ? 1 : 0;
}

int64_t geometric(cRNG *rng, double p)
{
    if (p <= 0 || p > 1)
        throw cRuntimeError("geometric(): p=%g is outside (0,1]", p);
    if (p == 1)
        return 0;
    return static_cast<int64_t>(std::floor(std::log(rng->doubleRandNonz()) / std::log(1 - p)));
}

int64_t poisson(cRNG *rng, double lambda)
{
    if (lambda < 0)
        throw cRuntimeError("poisson(): negative lambda %g", lambda);
    if (lambda > 30) {  // normal approximation keeps large means O(1)
        double x = std::floor(normal(rng, lambda, std::sqrt(lambda)) + 0.5);
        return x < 0 ? 0 : static_cast<int64_t>(x);
    }
    double limit = std::exp(-lambda), prod = rng->doubleRand();
    int64_t n = 0;
    while (prod >= limit) {
        prod *= rng->doubleRand();
        n++;
    }
    return n;
}

}  // namespace dist
}  // namespace qcity::sim
