// Random number generation: Mersenne Twister streams (as OMNeT++'s cMersenneTwister)
// and OMNeT++'s distributions, computed as its distrib.cc computes them, so that the
// same seed gives the same numbers on both engines.
#pragma once

#include <cstdint>
#include <random>

namespace qcity::sim {

class cRNG
{
    std::mt19937 mt_;
    uint64_t numDrawn_ = 0;

  public:
    // Seeds the twister with one 32-bit word, as OMNeT++'s cMersenneTwister does
    // (MTRand::seed(uint32) and std::mt19937 share Matsumoto's init_genrand).
    void seed(uint32_t seed);
    // OMNeT++'s default seed of global RNG `index`: seed-set * num-rngs + index, truncated
    // to 32 bits as its uint32_t arithmetic does.
    static uint32_t defaultSeed(int64_t seedSet, int index, int numRngs);
    uint32_t intRand() { numDrawn_++; return mt_(); }
    uint32_t intRand(uint32_t n);  // uniform on [0, n), OMNeT++'s masked rejection
    double doubleRand() { numDrawn_++; return mt_() * (1.0 / 4294967296.0); }  // [0, 1)
    double doubleRandNonz() { numDrawn_++; return (mt_() + 0.5) * (1.0 / 4294967296.0); }  // (0, 1)
    double doubleRandIncl1() { numDrawn_++; return mt_() * (1.0 / 4294967295.0); }  // [0, 1]
    uint64_t getNumbersDrawn() const { return numDrawn_; }
};

namespace dist {
double uniform(cRNG *rng, double a, double b);
double exponential(cRNG *rng, double mean);
double normal(cRNG *rng, double mean, double stddev);
double truncnormal(cRNG *rng, double mean, double stddev);
double lognormal(cRNG *rng, double m, double w);
double gamma_d(cRNG *rng, double alpha, double theta);
double weibull(cRNG *rng, double a, double b);
double beta(cRNG *rng, double alpha1, double alpha2);
double erlang_k(cRNG *rng, unsigned k, double mean);
double chi_square(cRNG *rng, unsigned k);
double student_t(cRNG *rng, unsigned i);
double cauchy(cRNG *rng, double a, double b);
double triang(cRNG *rng, double a, double b, double c);
double pareto_shifted(cRNG *rng, double a, double b, double c);
int64_t intuniform(cRNG *rng, int64_t a, int64_t b);
int64_t intuniformexcl(cRNG *rng, int64_t a, int64_t b);
int bernoulli(cRNG *rng, double p);
int64_t binomial(cRNG *rng, int64_t n, double p);
int64_t geometric(cRNG *rng, double p);
int64_t negbinomial(cRNG *rng, int64_t n, double p);
int64_t poisson(cRNG *rng, double lambda);
}  // namespace dist

}  // namespace qcity::sim
