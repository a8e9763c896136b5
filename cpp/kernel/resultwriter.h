// Writes OMNeT++ result format version 3: `.vec` streamed while the simulation
// runs (so memory stays flat in the number of recorded values) and `.sca` at the
// end. Both go to temporary names and are renamed only when the run completes,
// so a file with the final name is always a complete file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "simtime.h"

namespace qcity::sim {

using Attributes = std::vector<std::pair<std::string, std::string>>;

struct StatisticFields
{
    double count = 0, mean = 0, stddev = 0, min = 0, max = 0, sum = 0, sqrsum = 0;
};

struct HistogramBins
{
    std::vector<double> edges;   // n+1 edges for n bins
    std::vector<double> counts;  // n counts
    double underflow = 0, overflow = 0;
};

class ResultWriter
{
    struct Vector
    {
        std::string module, name;
        Attributes attrs;
        bool declared = false;
    };
    struct ScalarLine  // scalars, statistics and params, in recording order
    {
        enum Kind { SCALAR, STATISTIC, PARAM } kind;
        std::string module, name, value;
        Attributes attrs;
        StatisticFields fields;
        bool hasBins = false;
        HistogramBins bins;
    };

    std::string scaPath_, vecPath_;
    std::vector<std::string> header_;
    bool enabled_ = false;
    std::FILE *vec_ = nullptr;
    std::vector<char> vecBuffer_;
    std::vector<Vector> vectors_;
    std::vector<ScalarLine> scalars_;
    std::function<bool(const std::string &, const std::string &)> scalarFilter_;

    void writeHeader(std::FILE *f) const;
    void declare(int handle);

  public:
    ~ResultWriter();
    // headerLines are complete lines after `version 3`: "run ...", "attr ...", "itervar ...", "config ...".
    void open(const std::string &scaPath, const std::string &vecPath, std::vector<std::string> headerLines);
    bool isOpen() const { return enabled_; }
    int registerVector(const std::string &module, const std::string &name, Attributes attrs);
    void recordVectorValue(int handle, int64_t eventNumber, const SimTime &t, double value);
    void recordScalar(const std::string &module, const std::string &name, double value, Attributes attrs);
    // Whether a scalar a module records itself (recordScalar in finish) is wanted: the ini's
    // <module>.<name>.scalar-recording, asked of the filter the run installs (none: all are).
    void setScalarFilter(std::function<bool(const std::string &, const std::string &)> filter) { scalarFilter_ = std::move(filter); }
    bool wantsScalar(const std::string &module, const std::string &name) const { return !scalarFilter_ || scalarFilter_(module, name); }
    void recordStatistic(const std::string &module, const std::string &name, const StatisticFields &f, Attributes attrs,
                         const HistogramBins *bins);
    void recordParameter(const std::string &module, const std::string &name, const std::string &valueText);
    void commit();  // writes the .sca, closes the .vec, renames both into place
    void abort();   // removes the temporary files

    static std::string quote(const std::string &s);  // quotes only where the format needs it
    static std::string number(double v);
};

}  // namespace qcity::sim
