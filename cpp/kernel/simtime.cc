#include "simtime.h"

#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "errors.h"

namespace qcity::sim {

const SimTime SimTime::ZERO;

void SimTime::rangeError(double d)
{
    throw cRuntimeError("Cannot represent %g s as simtime_t: outside +-%g s (scale exponent -12)", d, kMaxSeconds);
}

int64_t SimTime::rawFromDouble(double ticks)
{
    // OMNeT++ rounds halves up (towards +infinity), not away from zero as llround does
    double r = std::floor(ticks + 0.5);
    if (!(std::fabs(r) <= 9223372036854774784.0))  // the largest double below 2^63
        throw cRuntimeError("Cannot represent %g ps as simtime_t: outside +-%g s (scale exponent -12)", ticks, kMaxSeconds);
    return static_cast<int64_t>(r);
}

int64_t SimTime::fromInt(int64_t i)
{
    int64_t r;
    if (__builtin_mul_overflow(i, SCALE, &r))
        throw cRuntimeError("Cannot represent %lld s as simtime_t: outside +-%g s (scale exponent -12)", (long long)i, kMaxSeconds);
    return r;
}

void SimTime::overflow(const char *op)
{
    throw cRuntimeError("simtime_t overflow in operator%s (range is +-%g s at scale exponent -12)", op, kMaxSeconds);
}

std::string SimTime::str() const
{
    uint64_t mag = t_ < 0 ? -(uint64_t)t_ : (uint64_t)t_;
    uint64_t whole = mag / SCALE, frac = mag % SCALE;
    char buf[48];
    int n = std::snprintf(buf, sizeof buf, "%s%llu", t_ < 0 ? "-" : "", (unsigned long long)whole);
    if (frac != 0) {
        char fbuf[16];
        std::snprintf(fbuf, sizeof fbuf, "%012llu", (unsigned long long)frac);
        int len = 12;
        while (len > 0 && fbuf[len - 1] == '0')
            len--;
        std::snprintf(buf + n, sizeof buf - n, ".%.*s", len, fbuf);
    }
    return buf;
}

static std::string vformat(const char *format, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = std::vsnprintf(nullptr, 0, format, copy);
    va_end(copy);
    std::string s(n > 0 ? n : 0, '\0');
    if (n > 0)
        std::vsnprintf(s.data(), n + 1, format, ap);
    return s;
}

std::string formatString(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    std::string s = vformat(format, ap);
    va_end(ap);
    return s;
}

cRuntimeError::cRuntimeError(const char *format, ...) : std::runtime_error("")
{
    va_list ap;
    va_start(ap, format);
    static_cast<std::runtime_error &>(*this) = std::runtime_error(vformat(format, ap));
    va_end(ap);
}

static std::string contextMessage(const std::string &msg, const std::string &path, int64_t event, const std::string &time)
{
    std::string s = msg;
    if (!path.empty())
        s += " -- in module (" + path + ")";
    if (event >= 0)
        s += ", at t=" + time + "s, event #" + std::to_string(event);
    return s;
}

SimulationError::SimulationError(const std::string &msg, const std::string &path, int64_t event, const std::string &time)
    : std::runtime_error(contextMessage(msg, path, event, time)), modulePath(path), eventNumber(event), simTime(time), bareMessage(msg)
{
}

}  // namespace qcity::sim
