// Random number generation: Mersenne Twister streams (as OMNeT++'s cMersenneTwister)
// and the distributions named in DESIGN.md, implemented on top of one stream.
#pragma once

#include <cstdint>
#include <random>

namespace qcity::sim {

class cRNG
{
    std::mt19937 mt_;
    uint64_t numDrawn_ = 0;

  public:
    // Streams are seeded from (seed-set, global RNG index) through a seed sequence,
    // so every (run, stream) pair gets an independent, reproducible state.
    void seed(uint64_t seedSet, int index);
    uint32_t intRand() { numDrawn_++; return mt_(); }
    uint32_t intRand(uint32_t n);  // uniform on [0, n)
    double doubleRand();            // [0, 1)
    double doubleRandNonz();        // (0, 1)
    double doubleRandIncl1();       // [0, 1]
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
int64_t intuniform(cRNG *rng, int64_t a, int64_t b);
int bernoulli(cRNG *rng, double p);
int64_t geometric(cRNG *rng, double p);
int64_t poisson(cRNG *rng, double lambda);
}  // namespace dist

}  // namespace qcity::sim
