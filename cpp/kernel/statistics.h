// Statistic recording: one StatisticRecorder per @statistic per component, fed by
// the component's signal, producing the recorders OMNeT++ names
// `count sum mean min max last vector histogram timeavg stats`.
#pragma once

#include <limits>

#include <cstdint>
#include <string>
#include <vector>

#include "csimplemodule.h"
#include "resultwriter.h"

namespace qcity::sim {

enum RecordingMode : unsigned {
    REC_COUNT = 1u << 0,
    REC_SUM = 1u << 1,
    REC_MEAN = 1u << 2,
    REC_MIN = 1u << 3,
    REC_MAX = 1u << 4,
    REC_LAST = 1u << 5,
    REC_VECTOR = 1u << 6,
    REC_HISTOGRAM = 1u << 7,
    REC_TIMEAVG = 1u << 8,
    REC_STATS = 1u << 9,
};

// Parses "count", "vector", ...; throws for an unknown recorder name.
unsigned recordingModeFromName(const std::string &name);

// Histogram with automatic range: the first `precollect` values fix the bin width
// (integer-aligned bins for integer data), then the range grows by adding bins and,
// past `maxBins`, by merging neighbouring bins.
class AutoHistogram
{
    static constexpr std::size_t kPrecollect = 100;
    static constexpr std::size_t kDesiredBins = 60;
    static constexpr std::size_t kMaxBins = 1000;

    std::vector<double> precollected_;
    bool allIntegers_ = true;
    bool ready_ = false;
    double lo_ = 0, width_ = 1;
    std::vector<double> counts_;
    double underflow_ = 0, overflow_ = 0;

    void setUp();
    void insert(double v);
    void mergePairs();

  public:
    void collect(double v);
    HistogramBins bins();
};

// One step of a @statistic source expression, applied to each value in order:
// source=timeavg(packetBits(rxPk)) is [PACKET_BITS, TIMEAVG].
struct SourceOp
{
    enum Kind {
        COUNT, SUM, MEAN, MIN, MAX, TIMEAVG, SUM_PER_DURATION,  // OMNeT++ result filters (running values)
        PACKET_BYTES, PACKET_BITS,                              // object -> number
        ADD, SUB, MUL, DIV, RSUB, RDIV, NEG,                    // arithmetic with a constant c (RSUB: c - x)
    };
    Kind kind;
    double c = 0;
    // state of the running filters
    double n = 0, acc = 0, extreme = 0, lastValue = 0;
    bool started = false;
    simtime_t startTime, lastTime;
};

SourceOp::Kind sourceOpFromName(const std::string &name);

class StatisticRecorder : public cIListener
{
    cSimulation *sim_;
    std::string name_, source_, title_, unit_, interpolation_;
    unsigned modes_;
    int64_t count_ = 0;
    double sum_ = 0, sqrsum_ = 0, min_ = 0, max_ = 0, last_ = 0;
    // time average, as OMNeT++'s TimeAverageRecorder: each value holds until the next; the
    // interval after a NaN counts neither time nor weight
    double timeavgLast_ = std::numeric_limits<double>::quiet_NaN();
    simtime_t timeavgTime_, lastTime_;
    double weightedSum_ = 0;
    AutoHistogram histogram_;
    cComponent *component_;
    int vectorHandle_ = -1;
    std::vector<SourceOp> ops_;

    // Runs the value through the source's filters from ops_[first] on; false if a filter swallows it.
    bool filter(double &value, std::size_t first, simtime_t now);
    void collect(double value, simtime_t now);
    Attributes attrs(const char *mode) const;

  public:
    StatisticRecorder(cSimulation *sim, cComponent *component, std::string name, std::string source, unsigned modes, std::string title, std::string unit,
                      std::string interpolation, std::vector<SourceOp> ops = {});
    void receiveSignal(cComponent *source, simsignal_t signal, double value, cObject *details) override;
    void receiveSignal(cComponent *source, simsignal_t signal, cObject *obj, cObject *details) override;
    void finish(cComponent *component, simsignal_t signal) override;
    // Declares the output vector (if recording one); called when the run starts.
    void attachVector();
    // OMNeT++'s initial values: a count or sum filter passes on its 0 when the component is
    // initialized, timestamped with the end of the warm-up, so `last` of a sum that never
    // received a value is 0 and a count's vector starts with 0.
    void emitInitialValues();
};

}  // namespace qcity::sim
