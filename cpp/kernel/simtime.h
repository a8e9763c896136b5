// Simulation time: a 64-bit fixed-point number of picoseconds (scale exponent -12),
// the OMNeT++ default. Conversions and arithmetic that would overflow throw
// instead of wrapping, so a model never silently runs backwards in time.
#pragma once

#include <cstdint>
#include <string>

namespace qcity::sim {

class SimTime
{
  public:
    static constexpr int SCALEEXP = -12;
    static constexpr int64_t SCALE = 1000000000000LL;  // 10^-SCALEEXP

  private:
    int64_t t_ = 0;
    static int64_t fromDouble(double d)  // d in seconds
    {
        if (d < 9.0e6 && d > -9.0e6)  // far inside the range (NaN fails this and is checked below)
            return roundTicks(static_cast<double>(SCALE) * d);
        if (!(d < kMaxSeconds && d > -kMaxSeconds))
            rangeError(d);
        return rawFromDouble(static_cast<double>(SCALE) * d);
    }
    // OMNeT++'s toInt64(): floor(ticks + 0.5), range-checked
    static int64_t rawFromDouble(double ticks);
    // floor(ticks + 0.5) for |ticks| below 2^63 without a libm call: truncate, then step down
    // for negative fractions.
    static int64_t roundTicks(double ticks)
    {
        double x = ticks + 0.5;
        int64_t i = static_cast<int64_t>(x);
        return i - (x < static_cast<double>(i));
    }
    [[noreturn]] static void rangeError(double seconds);
    static constexpr double kMaxSeconds = 9223372.036854775807;  // INT64_MAX picoseconds, about 106.75 days
    static int64_t fromInt(int64_t i);
    static constexpr double kInvScale = 1.0 / 1e12;  // OMNeT++'s invfscale: dbl() multiplies by it
    [[noreturn]] static void overflow(const char *op);

  public:
    constexpr SimTime() = default;
    SimTime(double d) : t_(fromDouble(d)) {}  // implicit, as in OMNeT++
    SimTime(int i) : t_(fromInt(i)) {}
    SimTime(long i) : t_(fromInt(i)) {}
    SimTime(long long i) : t_(fromInt(i)) {}

    static SimTime fromRaw(int64_t raw) { SimTime t; t.t_ = raw; return t; }
    static SimTime getMaxTime() { return fromRaw(INT64_MAX); }
    static int getScaleExp() { return SCALEEXP; }
    static const SimTime ZERO;

    int64_t raw() const { return t_; }
    double dbl() const { return static_cast<double>(t_) * kInvScale; }
    bool isZero() const { return t_ == 0; }
    // Exact decimal text, trailing zeros removed: "1.5", "0.000000000001".
    std::string str() const;

    SimTime operator-() const { return fromRaw(-t_); }
    SimTime &operator+=(const SimTime &o) { if (__builtin_add_overflow(t_, o.t_, &t_)) overflow("+"); return *this; }
    SimTime &operator-=(const SimTime &o) { if (__builtin_sub_overflow(t_, o.t_, &t_)) overflow("-"); return *this; }
    // As OMNeT++: scaling by a double rounds the scaled tick count; by an integer it is exact.
    SimTime &operator*=(double d) { t_ = rawFromDouble(static_cast<double>(t_) * d); return *this; }
    SimTime &operator/=(double d) { t_ = rawFromDouble(static_cast<double>(t_) / d); return *this; }
    SimTime &operator*=(long long i) { if (__builtin_mul_overflow(t_, static_cast<int64_t>(i), &t_)) overflow("*"); return *this; }
    SimTime &operator/=(long long i) { t_ /= i; return *this; }

    friend SimTime operator+(SimTime a, const SimTime &b) { return a += b; }
    friend SimTime operator-(SimTime a, const SimTime &b) { return a -= b; }
    friend SimTime operator*(SimTime a, double d) { return a *= d; }
    friend SimTime operator*(double d, SimTime a) { return a *= d; }
    friend SimTime operator/(SimTime a, double d) { return a /= d; }
    friend SimTime operator*(SimTime a, int i) { return a *= static_cast<long long>(i); }
    friend SimTime operator*(int i, SimTime a) { return a *= static_cast<long long>(i); }
    friend SimTime operator*(SimTime a, long i) { return a *= static_cast<long long>(i); }
    friend SimTime operator*(long i, SimTime a) { return a *= static_cast<long long>(i); }
    friend SimTime operator*(SimTime a, long long i) { return a *= i; }
    friend SimTime operator*(long long i, SimTime a) { return a *= i; }
    friend SimTime operator/(SimTime a, int i) { return a /= static_cast<long long>(i); }
    friend SimTime operator/(SimTime a, long i) { return a /= static_cast<long long>(i); }
    friend SimTime operator/(SimTime a, long long i) { return a /= i; }
    friend double operator/(double x, const SimTime &y) { return x / y.dbl(); }
    friend double operator/(const SimTime &a, const SimTime &b) { return static_cast<double>(a.t_) / static_cast<double>(b.t_); }

    friend bool operator==(const SimTime &a, const SimTime &b) { return a.t_ == b.t_; }
    friend bool operator!=(const SimTime &a, const SimTime &b) { return a.t_ != b.t_; }
    friend bool operator<(const SimTime &a, const SimTime &b) { return a.t_ < b.t_; }
    friend bool operator>(const SimTime &a, const SimTime &b) { return a.t_ > b.t_; }
    friend bool operator<=(const SimTime &a, const SimTime &b) { return a.t_ <= b.t_; }
    friend bool operator>=(const SimTime &a, const SimTime &b) { return a.t_ >= b.t_; }
};

using simtime_t = SimTime;
using simtime_t_cref = const SimTime &;

}  // namespace qcity::sim

#define SIMTIME_ZERO (::qcity::sim::SimTime::ZERO)
#define SIMTIME_DBL(t) ((t).dbl())
#define SIMTIME_MAX (::qcity::sim::SimTime::getMaxTime())
