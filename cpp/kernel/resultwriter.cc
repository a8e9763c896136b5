#include "resultwriter.h"

#include <cerrno>
#include <cmath>
#include <cstring>

#include "errors.h"

namespace qcity::sim {

static std::string tempName(const std::string &path) { return path + ".tmp"; }

ResultWriter::~ResultWriter() { abort(); }

std::string ResultWriter::quote(const std::string &s)
{
    bool needs = s.empty();
    for (char c : s)
        if (c == ' ' || c == '\t' || c == '"' || c == '\\' || c == '\n' || c == '\r')
            needs = true;
    if (!needs)
        return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            q += '\\';
        if (c == '\n')
            q += "\\n";
        else if (c == '\r')
            q += "\\r";
        else
            q += c;
    }
    return q + "\"";
}

std::string ResultWriter::number(double v)
{
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.14g", v);  // OMNeT++'s default output precision
    return buf;
}

void ResultWriter::open(const std::string &scaPath, const std::string &vecPath, std::vector<std::string> headerLines)
{
    abort();
    scaPath_ = scaPath;
    vecPath_ = vecPath;
    header_ = std::move(headerLines);
    enabled_ = true;
    vectors_.clear();
    scalars_.clear();
}

void ResultWriter::writeHeader(std::FILE *f) const
{
    std::fputs("version 3\n", f);
    for (const auto &line : header_) {
        std::fputs(line.c_str(), f);
        std::fputc('\n', f);
    }
    std::fputc('\n', f);
}

int ResultWriter::registerVector(const std::string &module, const std::string &name, Attributes attrs)
{
    vectors_.push_back({module, name, std::move(attrs), false});
    return static_cast<int>(vectors_.size() - 1);
}

void ResultWriter::declare(int handle)
{
    if (!vec_) {
        std::string tmp = tempName(vecPath_);
        vec_ = std::fopen(tmp.c_str(), "w");
        if (!vec_)
            throw cRuntimeError("Cannot open output vector file '%s': %s", tmp.c_str(), std::strerror(errno));
        vecBuffer_.resize(1 << 16);
        std::setvbuf(vec_, vecBuffer_.data(), _IOFBF, vecBuffer_.size());
        writeHeader(vec_);
    }
    Vector &v = vectors_[handle];
    std::fprintf(vec_, "vector %d %s %s ETV\n", handle, quote(v.module).c_str(), quote(v.name).c_str());
    for (const auto &[k, val] : v.attrs)
        std::fprintf(vec_, "attr %s %s\n", quote(k).c_str(), quote(val).c_str());
    v.declared = true;
}

void ResultWriter::recordVectorValue(int handle, int64_t eventNumber, const SimTime &t, double value)
{
    if (!enabled_)
        return;
    if (!vectors_[handle].declared)
        declare(handle);
    std::fprintf(vec_, "%d\t%lld\t%s\t%s\n", handle, (long long)eventNumber, t.str().c_str(), number(value).c_str());
}

void ResultWriter::recordScalar(const std::string &module, const std::string &name, double value, Attributes attrs)
{
    if (!enabled_)
        return;
    ScalarLine l{ScalarLine::SCALAR, module, name, number(value), std::move(attrs), {}, false, {}};
    scalars_.push_back(std::move(l));
}

void ResultWriter::recordStatistic(const std::string &module, const std::string &name, const StatisticFields &f, Attributes attrs,
                                   const HistogramBins *bins)
{
    if (!enabled_)
        return;
    ScalarLine l{ScalarLine::STATISTIC, module, name, "", std::move(attrs), f, bins != nullptr, bins ? *bins : HistogramBins{}};
    scalars_.push_back(std::move(l));
}

void ResultWriter::recordParameter(const std::string &module, const std::string &name, const std::string &valueText)
{
    if (!enabled_)
        return;
    scalars_.push_back({ScalarLine::PARAM, module, name, valueText, {}, {}, false, {}});
}

static void renameInto(const std::string &from, const std::string &to)
{
    if (std::rename(from.c_str(), to.c_str()) != 0)
        throw cRuntimeError("Cannot rename '%s' to '%s': %s", from.c_str(), to.c_str(), std::strerror(errno));
}

void ResultWriter::commit()
{
    if (!enabled_)
        return;
    std::string scaTmp = tempName(scaPath_);
    std::FILE *f = std::fopen(scaTmp.c_str(), "w");
    if (!f)
        throw cRuntimeError("Cannot open output scalar file '%s': %s", scaTmp.c_str(), std::strerror(errno));
    writeHeader(f);
    for (const auto &l : scalars_) {
        std::string mod = quote(l.module), nm = quote(l.name);
        switch (l.kind) {
            case ScalarLine::PARAM:
                std::fprintf(f, "par %s %s %s\n", mod.c_str(), nm.c_str(), quote(l.value).c_str());
                break;
            case ScalarLine::SCALAR:
                std::fprintf(f, "scalar %s %s %s\n", mod.c_str(), nm.c_str(), l.value.c_str());
                break;
            case ScalarLine::STATISTIC: {
                const StatisticFields &s = l.fields;
                std::fprintf(f, "statistic %s %s\n", mod.c_str(), nm.c_str());
                std::fprintf(f, "field count %s\n", number(s.count).c_str());
                std::fprintf(f, "field mean %s\n", number(s.mean).c_str());
                std::fprintf(f, "field stddev %s\n", number(s.stddev).c_str());
                std::fprintf(f, "field min %s\n", number(s.min).c_str());
                std::fprintf(f, "field max %s\n", number(s.max).c_str());
                std::fprintf(f, "field sum %s\n", number(s.sum).c_str());
                std::fprintf(f, "field sqrsum %s\n", number(s.sqrsum).c_str());
                break;
            }
        }
        for (const auto &[k, v] : l.attrs)
            std::fprintf(f, "attr %s %s\n", quote(k).c_str(), quote(v).c_str());
        if (l.hasBins && !l.bins.counts.empty()) {
            // underflow cell, one line per bin (lower edge), overflow cell at the upper edge
            std::fprintf(f, "bin\t-inf\t%s\n", number(l.bins.underflow).c_str());
            for (std::size_t i = 0; i < l.bins.counts.size(); i++)
                std::fprintf(f, "bin\t%s\t%s\n", number(l.bins.edges[i]).c_str(), number(l.bins.counts[i]).c_str());
            std::fprintf(f, "bin\t%s\t%s\n", number(l.bins.edges.back()).c_str(), number(l.bins.overflow).c_str());
        }
    }
    bool ok = std::fflush(f) == 0;
    ok = (std::fclose(f) == 0) && ok;
    if (!ok)
        throw cRuntimeError("Error writing output scalar file '%s'", scaTmp.c_str());
    // The vector file goes into place first: sweeps take an existing .sca for a finished run, so a run
    // stopped between the two renames must not leave a .sca without its .vec.
    if (vec_) {
        ok = std::fclose(vec_) == 0;
        vec_ = nullptr;
        if (!ok)
            throw cRuntimeError("Error writing output vector file '%s'", tempName(vecPath_).c_str());
        renameInto(tempName(vecPath_), vecPath_);
    }
    else
        std::remove(vecPath_.c_str());  // no vectors recorded: no stale file from an older run
    renameInto(scaTmp, scaPath_);
    enabled_ = false;
}

void ResultWriter::abort()
{
    if (vec_) {
        std::fclose(vec_);
        vec_ = nullptr;
        std::remove(tempName(vecPath_).c_str());
    }
    if (enabled_)
        std::remove(tempName(scaPath_).c_str());
    enabled_ = false;
}

}  // namespace qcity::sim
