#include "statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "csimulation.h"

namespace qcity::sim {

unsigned recordingModeFromName(const std::string &name)
{
    static const std::pair<const char *, unsigned> table[] = {
        {"count", REC_COUNT}, {"sum", REC_SUM}, {"mean", REC_MEAN}, {"min", REC_MIN}, {"max", REC_MAX},
        {"last", REC_LAST}, {"vector", REC_VECTOR}, {"histogram", REC_HISTOGRAM}, {"timeavg", REC_TIMEAVG}, {"stats", REC_STATS},
    };
    for (const auto &[n, m] : table)
        if (name == n)
            return m;
    throw cRuntimeError("Unknown result recorder '%s' (known: count sum mean min max last vector histogram timeavg stats)", name.c_str());
}

SourceOp::Kind sourceOpFromName(const std::string &name)
{
    static const std::pair<const char *, SourceOp::Kind> table[] = {
        {"count", SourceOp::COUNT}, {"sum", SourceOp::SUM}, {"mean", SourceOp::MEAN}, {"min", SourceOp::MIN},
        {"max", SourceOp::MAX}, {"timeavg", SourceOp::TIMEAVG}, {"sumPerDuration", SourceOp::SUM_PER_DURATION},
        {"packetBytes", SourceOp::PACKET_BYTES}, {"packetBits", SourceOp::PACKET_BITS}, {"add", SourceOp::ADD},
        {"sub", SourceOp::SUB}, {"mul", SourceOp::MUL}, {"div", SourceOp::DIV}, {"rsub", SourceOp::RSUB},
        {"rdiv", SourceOp::RDIV}, {"neg", SourceOp::NEG},
    };
    for (const auto &[n, k] : table)
        if (name == n)
            return k;
    throw cRuntimeError("Unknown result filter '%s' in a @statistic source", name.c_str());
}

// ---- histogram ----------------------------------------------------------------

static double niceWidth(double raw)
{
    double exp10 = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * exp10 >= raw)
            return m * exp10;
    return 10 * exp10;
}

void AutoHistogram::collect(double v)
{
    if (ready_) {
        insert(v);
        return;
    }
    precollected_.push_back(v);
    if (v != std::floor(v))
        allIntegers_ = false;
    if (precollected_.size() >= kPrecollect)
        setUp();
}

void AutoHistogram::setUp()
{
    double mn = *std::min_element(precollected_.begin(), precollected_.end());
    double mx = *std::max_element(precollected_.begin(), precollected_.end());
    if (allIntegers_) {
        width_ = std::max(1.0, std::ceil((mx - mn + 1) / kDesiredBins));
        lo_ = mn - 0.5;
    }
    else {
        double range = mx > mn ? mx - mn : std::max(std::fabs(mn), 1.0);
        width_ = niceWidth(range / kDesiredBins);
        lo_ = std::floor(mn / width_) * width_;
    }
    std::size_t n = static_cast<std::size_t>(std::floor((mx - lo_) / width_)) + 1;
    counts_.assign(std::max<std::size_t>(n, 1), 0.0);
    ready_ = true;
    std::vector<double> values;
    values.swap(precollected_);
    for (double v : values)
        insert(v);
}

void AutoHistogram::mergePairs()
{
    if (counts_.size() % 2)
        counts_.push_back(0);
    std::vector<double> merged(counts_.size() / 2);
    for (std::size_t i = 0; i < merged.size(); i++)
        merged[i] = counts_[2 * i] + counts_[2 * i + 1];
    counts_.swap(merged);
    width_ *= 2;
}

void AutoHistogram::insert(double v)
{
    if (std::isnan(v))
        return;
    if (std::isinf(v)) {
        (v < 0 ? underflow_ : overflow_) += 1;
        return;
    }
    for (;;) {
        double pos = std::floor((v - lo_) / width_);
        if (pos >= 0 && pos < static_cast<double>(counts_.size())) {
            counts_[static_cast<std::size_t>(pos)] += 1;
            return;
        }
        // grow towards the value; merge bins when the range would get too many
        std::size_t needed = pos < 0 ? static_cast<std::size_t>(-pos) : static_cast<std::size_t>(pos) - counts_.size() + 1;
        if (counts_.size() + needed > kMaxBins) {
            mergePairs();
            continue;
        }
        if (pos < 0) {
            counts_.insert(counts_.begin(), needed, 0.0);
            lo_ -= needed * width_;
        }
        else
            counts_.resize(counts_.size() + needed, 0.0);
    }
}

HistogramBins AutoHistogram::bins()
{
    if (!ready_ && !precollected_.empty())
        setUp();
    HistogramBins b;
    b.counts = counts_;
    for (std::size_t i = 0; i <= counts_.size(); i++)
        b.edges.push_back(lo_ + i * width_);
    b.underflow = underflow_;
    b.overflow = overflow_;
    return b;
}

// ---- recorder -------------------------------------------------------------------

StatisticRecorder::StatisticRecorder(cSimulation *sim, cComponent *component, std::string name, std::string source, unsigned modes, std::string title,
                                     std::string unit, std::string interpolation, std::vector<SourceOp> ops)
    : sim_(sim), name_(std::move(name)), source_(std::move(source)), title_(std::move(title)), unit_(std::move(unit)),
      interpolation_(std::move(interpolation)), modes_(modes), component_(component), ops_(std::move(ops))
{
    for (std::size_t i = 1; i < ops_.size(); i++)
        if (ops_[i].kind == SourceOp::PACKET_BYTES || ops_[i].kind == SourceOp::PACKET_BITS)
            throw cRuntimeError("@statistic %s: packetBytes/packetBits must be applied to the signal itself", name_.c_str());
}

bool StatisticRecorder::filter(double &v, std::size_t first, simtime_t now)
{
    for (std::size_t i = first; i < ops_.size(); i++) {
        SourceOp &op = ops_[i];
        switch (op.kind) {
            case SourceOp::COUNT: v = ++op.n; break;
            case SourceOp::SUM: v = (op.acc += v); break;
            case SourceOp::MEAN: op.n++; op.acc += v; v = op.acc / op.n; break;
            case SourceOp::MIN: op.extreme = op.started ? std::min(op.extreme, v) : v; op.started = true; v = op.extreme; break;
            case SourceOp::MAX: op.extreme = op.started ? std::max(op.extreme, v) : v; op.started = true; v = op.extreme; break;
            case SourceOp::TIMEAVG:
                // running time average from the first value: each value holds until the next
                if (!op.started) {
                    op.started = true;
                    op.startTime = now;
                }
                else
                    op.acc += op.lastValue * (now - op.lastTime).dbl();
                op.lastTime = now;
                op.lastValue = v;
                {
                    double span = (now - op.startTime).dbl();
                    v = span > 0 ? op.acc / span : v;
                }
                break;
            case SourceOp::SUM_PER_DURATION: {
                op.acc += v;
                simtime_t span = now - sim_->getWarmupPeriod();  // since the end of the warm-up, as OMNeT++'s filter
                v = span > SIMTIME_ZERO ? op.acc / span.dbl() : std::numeric_limits<double>::quiet_NaN();
                break;
            }
            case SourceOp::PACKET_BYTES:
            case SourceOp::PACKET_BITS:
                throw cRuntimeError("@statistic %s: %s needs a packet, but signal %s carries a number", name_.c_str(),
                                    op.kind == SourceOp::PACKET_BYTES ? "packetBytes" : "packetBits", source_.c_str());
            case SourceOp::ADD: v += op.c; break;
            case SourceOp::SUB: v -= op.c; break;
            case SourceOp::MUL: v *= op.c; break;
            case SourceOp::DIV: v /= op.c; break;
            case SourceOp::RSUB: v = op.c - v; break;
            case SourceOp::RDIV: v = op.c / v; break;
            case SourceOp::NEG: v = -v; break;
        }
    }
    return true;
}

void StatisticRecorder::attachVector()
{
    if ((modes_ & REC_VECTOR) && vectorHandle_ < 0 && sim_->getResultWriter().isOpen()) {
        Attributes a = attrs("vector");
        a.insert(a.begin(), {"interpolationmode", interpolation_.empty() ? "none" : interpolation_});
        vectorHandle_ = sim_->getResultWriter().registerVector(component_->getFullPath(), name_ + ":vector", std::move(a));
    }
}

Attributes StatisticRecorder::attrs(const char *mode) const
{
    Attributes a{{"recordingmode", mode}, {"source", source_}};
    if (!title_.empty())
        a.push_back({"title", title_ + ", " + mode});
    if (!unit_.empty())
        a.push_back({"unit", unit_});
    return a;
}

void StatisticRecorder::emitInitialValues()
{
    simtime_t t = std::max(sim_->getSimTime(), sim_->getWarmupPeriod());
    for (std::size_t i = 0; i < ops_.size(); i++) {
        double v;
        if (ops_[i].kind == SourceOp::COUNT)
            v = ops_[i].n;
        else if (ops_[i].kind == SourceOp::SUM)
            v = ops_[i].acc;
        else  // sumPerDuration's initial value is NaN at initialization: nothing is passed on
            continue;
        if (filter(v, i + 1, t))
            collect(v, t);
    }
}

void StatisticRecorder::collect(double v, simtime_t now)
{
    // OMNeT++'s recorders skip NaN (count, sum, mean, min, max, last, stats, histogram); the
    // vector records it, and the time average lets it hold until the next value
    if (!std::isnan(v)) {
        if (count_ == 0)
            min_ = max_ = v;
        count_++;
        sum_ += v;
        sqrsum_ += v * v;
        min_ = std::min(min_, v);
        max_ = std::max(max_, v);
        last_ = v;
        if (modes_ & REC_HISTOGRAM)
            histogram_.collect(v);
    }
    if (modes_ & REC_TIMEAVG) {
        if (!std::isnan(timeavgLast_)) {
            timeavgTime_ += now - lastTime_;
            weightedSum_ += timeavgLast_ * (now - lastTime_).dbl();
        }
        lastTime_ = now;
        timeavgLast_ = v;
    }
    if (vectorHandle_ >= 0)
        sim_->getResultWriter().recordVectorValue(vectorHandle_, sim_->getEventNumber(), now, v);
}

void StatisticRecorder::receiveSignal(cComponent *, simsignal_t, double value, cObject *)
{
    if (sim_->getSimTime() < sim_->getWarmupPeriod())
        return;
    if (filter(value, 0, sim_->getSimTime()))
        collect(value, sim_->getSimTime());
}

void StatisticRecorder::receiveSignal(cComponent *, simsignal_t, cObject *obj, cObject *)
{
    if (sim_->getSimTime() < sim_->getWarmupPeriod())
        return;
    if (!ops_.empty() && (ops_[0].kind == SourceOp::PACKET_BYTES || ops_[0].kind == SourceOp::PACKET_BITS)) {
        auto *pkt = dynamic_cast<cPacket *>(obj);
        if (!pkt)
            throw cRuntimeError("@statistic %s: %s needs a cPacket, signal %s carried a %s", name_.c_str(),
                                ops_[0].kind == SourceOp::PACKET_BYTES ? "packetBytes" : "packetBits", source_.c_str(), obj->getClassName());
        double v = ops_[0].kind == SourceOp::PACKET_BYTES ? static_cast<double>(pkt->getByteLength()) : static_cast<double>(pkt->getBitLength());
        if (filter(v, 1, sim_->getSimTime()))
            collect(v, sim_->getSimTime());
        return;
    }
    if (!ops_.empty() && ops_[0].kind == SourceOp::COUNT) {
        double v = 0;
        if (filter(v, 0, sim_->getSimTime()))
            collect(v, sim_->getSimTime());
        return;
    }
    if (modes_ & ~REC_COUNT)
        throw cRuntimeError("@statistic %s: signal %s carries objects; record it with count, or give a source such as "
                            "packetBytes(%s)", name_.c_str(), source_.c_str(), source_.c_str());
    count_++;
}

void StatisticRecorder::finish(cComponent *component, simsignal_t)
{
    ResultWriter &w = sim_->getResultWriter();
    const std::string path = component->getFullPath();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    double mean = count_ ? sum_ / count_ : nan;
    auto scalar = [&](unsigned mode, const char *modeName, double value) {
        if (modes_ & mode)
            w.recordScalar(path, name_ + ":" + modeName, value, attrs(modeName));
    };
    scalar(REC_COUNT, "count", static_cast<double>(count_));
    scalar(REC_SUM, "sum", sum_);
    scalar(REC_MEAN, "mean", mean);
    scalar(REC_MIN, "min", count_ ? min_ : nan);
    scalar(REC_MAX, "max", count_ ? max_ : nan);
    scalar(REC_LAST, "last", count_ ? last_ : nan);
    if (modes_ & REC_TIMEAVG) {
        simtime_t now = sim_->getSimTime(), total = timeavgTime_;
        double weighted = weightedSum_;
        if (!std::isnan(timeavgLast_)) {
            total += now - lastTime_;
            weighted += timeavgLast_ * (now - lastTime_).dbl();
        }
        // NaN when no time passed after a value (0/0), as OMNeT++'s getTimeAverage()
        w.recordScalar(path, name_ + ":timeavg", weighted / total.dbl(), attrs("timeavg"));
    }
    if (modes_ & (REC_STATS | REC_HISTOGRAM)) {
        StatisticFields f;
        f.count = static_cast<double>(count_);
        f.sum = sum_;
        f.sqrsum = sqrsum_;
        f.mean = mean;
        f.min = count_ ? min_ : nan;
        f.max = count_ ? max_ : nan;
        if (count_ > 1) {
            double var = (sqrsum_ - sum_ * sum_ / count_) / (count_ - 1);
            f.stddev = std::sqrt(std::max(0.0, var));
        }
        else
            f.stddev = nan;
        if (modes_ & REC_STATS)
            w.recordStatistic(path, name_ + ":stats", f, attrs("stats"), nullptr);
        if (modes_ & REC_HISTOGRAM) {
            HistogramBins b = histogram_.bins();
            w.recordStatistic(path, name_ + ":histogram", f, attrs("histogram"), count_ ? &b : nullptr);
        }
    }
}

}  // namespace qcity::sim
