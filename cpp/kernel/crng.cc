#include "crng.h"

#include <cfloat>
#include <cmath>

#include "errors.h"

namespace qcity::sim {

void cRNG::seed(uint32_t seed)
{
    mt_.seed(seed);
    numDrawn_ = 0;
}

uint32_t cRNG::defaultSeed(int64_t seedSet, int index, int numRngs)
{
    return static_cast<uint32_t>(static_cast<uint64_t>(seedSet) * static_cast<uint64_t>(numRngs) + static_cast<uint64_t>(index));
}

uint32_t cRNG::intRand(uint32_t n)
{
    // MTRand::randInt(n-1): mask to the bits n-1 uses and redraw above it. Counted as one
    // number drawn however many redraws, as cMersenneTwister counts it.
    numDrawn_++;
    uint32_t max = n - 1, used = max;
    used |= used >> 1;
    used |= used >> 2;
    used |= used >> 4;
    used |= used >> 8;
    used |= used >> 16;
    uint32_t r;
    do
        r = mt_() & used;
    while (r > max);
    return r;
}

namespace dist {

// The formulas and the order of the draws follow OMNeT++ 6's src/sim/distrib.cc: a draw
// made in another order, or 1-u where OMNeT++ uses u, would give another stream.

double uniform(cRNG *rng, double a, double b)
{
    if (a > b)
        throw cRuntimeError("uniform(): wrong parameters a=%g and b=%g: a <= b required", a, b);
    return a + rng->doubleRand() * (b - a);
}

double exponential(cRNG *rng, double mean)
{
    if (mean < 0)
        throw cRuntimeError("exponential(): negative mean %g", mean);
    return -mean * std::log(1.0 - rng->doubleRand());
}

static double unitNormal(cRNG *rng)
{
    double u = 1.0 - rng->doubleRand();
    double v = 1.0 - rng->doubleRand();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(M_PI * 2 * v);
}

double normal(cRNG *rng, double mean, double stddev)
{
    if (stddev < 0)
        throw cRuntimeError("normal(): negative stddev %g", stddev);
    double u = 1.0 - rng->doubleRand();
    double v = 1.0 - rng->doubleRand();
    return mean + stddev * std::sqrt(-2.0 * std::log(u)) * std::cos(M_PI * 2 * v);
}

double truncnormal(cRNG *rng, double mean, double stddev)
{
    // OMNeT++ redraws without end; a bound turns a hopeless mean into an error
    for (int i = 0; i < 1000000; i++) {
        double x = normal(rng, mean, stddev);
        if (x >= 0)
            return x;
    }
    throw cRuntimeError("truncnormal(%g, %g): no nonnegative value after 10^6 draws", mean, stddev);
}

double lognormal(cRNG *rng, double m, double w) { return std::exp(normal(rng, m, w)); }

static double gammaMarsaglia2000(cRNG *rng, double a)
{
    double d = a - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = unitNormal(rng);
            v = 1.0 + c * x;
        } while (v <= 0);
        v = v * v * v;
        double u = rng->doubleRand();
        if (u < 1.0 - 0.0331 * (x * x) * (x * x))
            return d * v;
        if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v)))
            return d * v;
    }
}

double gamma_d(cRNG *rng, double alpha, double theta)
{
    if (alpha <= 0 || theta <= 0)
        throw cRuntimeError("gamma_d(): alpha and theta must be positive, got %g, %g", alpha, theta);
    if (std::fabs(alpha - 1.0) <= DBL_EPSILON)
        return exponential(rng, theta);
    if (alpha < 1.0)  // boosted to alpha+1 and scaled back
        return theta * (gammaMarsaglia2000(rng, 1 + alpha) * std::pow(rng->doubleRand(), 1 / alpha));
    return theta * gammaMarsaglia2000(rng, alpha);
}

double beta(cRNG *rng, double alpha1, double alpha2)
{
    if (alpha1 <= 0 || alpha2 <= 0)
        throw cRuntimeError("beta(): alpha1 and alpha2 must be positive, got %g, %g", alpha1, alpha2);
    double y1 = gamma_d(rng, alpha1, 1.0);
    double y2 = gamma_d(rng, alpha2, 1.0);
    return y1 / (y1 + y2);
}

double erlang_k(cRNG *rng, unsigned k, double mean)
{
    double u = 1.0;
    for (unsigned i = 0; i < k; i++)
        u *= (1.0 - rng->doubleRand());
    return -(mean / (double)k) * std::log(u);
}

double chi_square(cRNG *rng, unsigned k)
{
    if (!(k % 2))
        return erlang_k(rng, k >> 1, k);
    return gamma_d(rng, (double)k / 2.0, 2.0);
}

double student_t(cRNG *rng, unsigned i)
{
    double z = normal(rng, 0, 1);
    double w = std::sqrt(chi_square(rng, i) / (double)i);
    return z / w;
}

double cauchy(cRNG *rng, double a, double b)
{
    if (b <= 0)
        throw cRuntimeError("cauchy(): b must be positive, got %g", b);
    return a + b * std::tan(M_PI * rng->doubleRand());
}

double triang(cRNG *rng, double a, double b, double c)
{
    if (b < a || c < b || a == c)
        throw cRuntimeError("triang(): a <= b <= c and a < c required, got %g, %g, %g", a, b, c);
    double u = rng->doubleRand();
    double beta = (b - a) / (c - a);
    double t = u < beta ? std::sqrt(beta * u) : 1.0 - std::sqrt((1.0 - beta) * (1.0 - u));
    return a + (c - a) * t;
}

double weibull(cRNG *rng, double a, double b)
{
    if (a <= 0 || b <= 0)
        throw cRuntimeError("weibull(): a and b must be positive, got %g, %g", a, b);
    return a * std::pow(-std::log(1.0 - rng->doubleRand()), 1.0 / b);
}

double pareto_shifted(cRNG *rng, double a, double b, double c)
{
    if (a == 0)
        throw cRuntimeError("pareto_shifted(): a must not be zero");
    double uPow = std::pow(1.0 - rng->doubleRand(), 1.0 / a);
    return b / uPow - c;
}

static int64_t intRange(cRNG *rng, int64_t a, uint64_t span, const char *what, int64_t b)
{
    if (span > (uint64_t(1) << 32))
        throw cRuntimeError("%s(%lld, %lld): interval wider than the RNG's range", what, (long long)a, (long long)b);
    return a + static_cast<int64_t>(rng->intRand(static_cast<uint32_t>(span)));  // 2^32 wraps to 0: the full range
}

int64_t intuniform(cRNG *rng, int64_t a, int64_t b)
{
    if (b < a)
        throw cRuntimeError("intuniform(%lld, %lld): a <= b required", (long long)a, (long long)b);
    return intRange(rng, a, static_cast<uint64_t>(b - a) + 1, "intuniform", b);
}

int64_t intuniformexcl(cRNG *rng, int64_t a, int64_t b)
{
    if (b <= a)
        throw cRuntimeError("intuniformexcl(%lld, %lld): a < b required", (long long)a, (long long)b);
    return intRange(rng, a, static_cast<uint64_t>(b - a), "intuniformexcl", b);
}

int bernoulli(cRNG *rng, double p)
{
    if (p < 0 || p > 1)
        throw cRuntimeError("bernoulli(): p=%g is outside [0,1]", p);
    return p > rng->doubleRand() ? 1 : 0;
}

int64_t binomial(cRNG *rng, int64_t n, double p)
{
    int64_t x = 0;
    for (int64_t i = 0; i < n; i++)
        if (p > rng->doubleRand())
            x++;
    return x;
}

int64_t geometric(cRNG *rng, double p)
{
    // OMNeT++ accepts p=0 and then floors infinity; here it is an error
    if (p <= 0 || p >= 1)
        throw cRuntimeError("geometric(): p=%g is outside (0,1)", p);
    double a = 1.0 / std::log(1.0 - p);
    return static_cast<int64_t>(std::floor(a * std::log(1.0 - rng->doubleRand())));
}

int64_t negbinomial(cRNG *rng, int64_t n, double p)
{
    int64_t x = 0;
    for (int64_t i = 0; i < n; i++)
        x += geometric(rng, p);
    return x;
}

int64_t poisson(cRNG *rng, double lambda)
{
    if (lambda < 0)
        throw cRuntimeError("poisson(): negative lambda %g", lambda);
    int64_t x;
    if (lambda > 30.0) {  // OMNeT++'s rejection method, its acceptance test included
        double a = M_PI * std::sqrt(lambda / 3.0);
        double b = a / lambda;
        double c = 0.767 - 3.36 / lambda;
        double d = std::log(c) - std::log(b) - lambda;
        double u, v, y;
        do {
            do {
                u = rng->doubleRand();
                y = (a - std::log((1.0 - u) / u)) / b;
            } while (y <= -0.5);
            x = static_cast<int64_t>(std::floor(y + 0.5));
            v = rng->doubleRand();
        } while (a - b * y + std::log(v / 1.0 + std::pow(std::exp(a - b * y), 2.0)) > d + x * std::log(lambda) - std::log(double(x)));
    }
    else {
        double a = std::exp(-lambda), p = 1.0;
        x = -1;
        while (p > a) {
            p *= rng->doubleRand();
            x++;
        }
    }
    return x;
}

}  // namespace dist
}  // namespace qcity::sim
