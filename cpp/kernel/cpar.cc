#include "cpar.h"

#include <cmath>
#include <unordered_map>

#include "csimplemodule.h"
#include "csimulation.h"
#include "resultwriter.h"

namespace qcity::sim {

// ---- units ----------------------------------------------------------------------

double unitToBase(const std::string &unit, std::string *baseUnit)
{
    // The NED units the models use; the Python NED reader knows the same table.
    static const std::unordered_map<std::string, std::pair<double, const char *>> table = {
        {"s", {1, "s"}}, {"d", {86400, "s"}}, {"h", {3600, "s"}}, {"min", {60, "s"}}, {"ms", {1e-3, "s"}},
        {"us", {1e-6, "s"}}, {"ns", {1e-9, "s"}}, {"ps", {1e-12, "s"}},
        {"bps", {1, "bps"}}, {"kbps", {1e3, "bps"}}, {"Mbps", {1e6, "bps"}}, {"Gbps", {1e9, "bps"}}, {"Tbps", {1e12, "bps"}},
        {"b", {1, "b"}}, {"B", {8, "b"}}, {"KiB", {8192, "b"}}, {"kB", {8000, "b"}}, {"MiB", {8388608, "b"}}, {"MB", {8e6, "b"}},
        {"m", {1, "m"}}, {"km", {1e3, "m"}}, {"cm", {1e-2, "m"}}, {"mm", {1e-3, "m"}},
        {"W", {1, "W"}}, {"mW", {1e-3, "W"}}, {"uW", {1e-6, "W"}}, {"kW", {1e3, "W"}},
        {"J", {1, "J"}}, {"mJ", {1e-3, "J"}}, {"uJ", {1e-6, "J"}}, {"kJ", {1e3, "J"}}, {"Wh", {3600, "J"}}, {"mWh", {3.6, "J"}},
        {"V", {1, "V"}}, {"mV", {1e-3, "V"}}, {"A", {1, "A"}}, {"mA", {1e-3, "A"}}, {"uA", {1e-6, "A"}},
        {"Hz", {1, "Hz"}}, {"kHz", {1e3, "Hz"}}, {"MHz", {1e6, "Hz"}}, {"GHz", {1e9, "Hz"}},
        {"dB", {1, "dB"}}, {"dBm", {1, "dBm"}}, {"mps", {1, "mps"}}, {"kmph", {1 / 3.6, "mps"}},
    };
    auto it = table.find(unit);
    if (it == table.end())
        throw cRuntimeError("Unknown unit '%s'", unit.c_str());
    if (baseUnit)
        *baseUnit = it->second.second;
    return it->second.first;
}

// ---- expressions ----------------------------------------------------------------

double Expr::evaluate(cComponent *ctx) const
{
    auto arg = [&](std::size_t i) { return args.at(i).evaluate(ctx); };
    switch (op) {
        case NUM: return num;
        case NEG: return -arg(0);
        case ADD: return arg(0) + arg(1);
        case SUB: return arg(0) - arg(1);
        case MUL: return arg(0) * arg(1);
        case DIV: return arg(0) / arg(1);
        case MOD: return std::fmod(arg(0), arg(1));
        case POW: return std::pow(arg(0), arg(1));
        case LT: return arg(0) < arg(1);
        case LE: return arg(0) <= arg(1);
        case GT: return arg(0) > arg(1);
        case GE: return arg(0) >= arg(1);
        case EQ: return arg(0) == arg(1);
        case NE: return arg(0) != arg(1);
        case AND: return arg(0) != 0 && arg(1) != 0;
        case OR: return arg(0) != 0 || arg(1) != 0;
        case NOT: return arg(0) == 0;
        case COND: return arg(0) != 0 ? arg(1) : arg(2);
        case CALL: break;
        case PARAM: {
            // another (non-volatile) parameter: read its value, so a random draw is shared, not repeated
            cComponent *owner = ctx->getSimulation()->getComponent(static_cast<int>(num));
            if (!owner)
                throw cRuntimeError("parameter reference to unknown component %d", static_cast<int>(num));
            return owner->par(function.c_str()).doubleValue();
        }
    }
    const std::string &f = function;
    std::size_t n = args.size();
    // Distribution functions take an optional trailing RNG index, as in NED.
    auto rngArg = [&](std::size_t k) { return n > k ? static_cast<int>(arg(k)) : 0; };
    if (f == "uniform") return ctx->uniform(arg(0), arg(1), rngArg(2));
    if (f == "exponential") return ctx->exponential(arg(0), rngArg(1));
    if (f == "normal") return ctx->normal(arg(0), arg(1), rngArg(2));
    if (f == "truncnormal") return ctx->truncnormal(arg(0), arg(1), rngArg(2));
    if (f == "intuniform") return static_cast<double>(ctx->intuniform(static_cast<int64_t>(arg(0)), static_cast<int64_t>(arg(1)), rngArg(2)));
    if (f == "bernoulli") return ctx->bernoulli(arg(0), rngArg(1));
    auto count = [&](std::size_t k) {
        double v = arg(k);
        if (!(v > 0))
            throw cRuntimeError("%s(): k must be positive, got %g", f.c_str(), v);
        return static_cast<unsigned>(v);
    };
    auto integer = [&](std::size_t k) { return static_cast<int64_t>(arg(k)); };
    if (f == "lognormal") return dist::lognormal(ctx->getRNG(rngArg(2)), arg(0), arg(1));
    if (f == "gamma_d") return dist::gamma_d(ctx->getRNG(rngArg(2)), arg(0), arg(1));
    if (f == "beta") return dist::beta(ctx->getRNG(rngArg(2)), arg(0), arg(1));
    if (f == "erlang_k") return dist::erlang_k(ctx->getRNG(rngArg(2)), count(0), arg(1));
    if (f == "chi_square") return dist::chi_square(ctx->getRNG(rngArg(1)), count(0));
    if (f == "student_t") return dist::student_t(ctx->getRNG(rngArg(1)), count(0));
    if (f == "cauchy") return dist::cauchy(ctx->getRNG(rngArg(2)), arg(0), arg(1));
    if (f == "triang") return dist::triang(ctx->getRNG(rngArg(3)), arg(0), arg(1), arg(2));
    if (f == "weibull") return dist::weibull(ctx->getRNG(rngArg(2)), arg(0), arg(1));
    if (f == "pareto_shifted") return dist::pareto_shifted(ctx->getRNG(rngArg(3)), arg(0), arg(1), arg(2));
    if (f == "intuniformexcl") return static_cast<double>(dist::intuniformexcl(ctx->getRNG(rngArg(2)), integer(0), integer(1)));
    if (f == "binomial") return static_cast<double>(dist::binomial(ctx->getRNG(rngArg(2)), integer(0), arg(1)));
    if (f == "geometric") return static_cast<double>(dist::geometric(ctx->getRNG(rngArg(1)), arg(0)));
    if (f == "negbinomial") return static_cast<double>(dist::negbinomial(ctx->getRNG(rngArg(2)), integer(0), arg(1)));
    if (f == "poisson") return static_cast<double>(dist::poisson(ctx->getRNG(rngArg(1)), arg(0)));
    if (f == "min") return std::fmin(arg(0), arg(1));
    if (f == "max") return std::fmax(arg(0), arg(1));
    if (f == "sqrt") return std::sqrt(arg(0));
    if (f == "floor") return std::floor(arg(0));
    if (f == "ceil") return std::ceil(arg(0));
    if (f == "fabs") return std::fabs(arg(0));
    if (f == "exp") return std::exp(arg(0));
    if (f == "log") return std::log(arg(0));
    if (f == "log10") return std::log10(arg(0));
    if (f == "pow") return std::pow(arg(0), arg(1));
    throw cRuntimeError("Unknown function '%s' in a run-time parameter expression", f.c_str());
}

// ---- cPar -----------------------------------------------------------------------

cPar::cPar(cComponent *owner, std::string name, Type type, std::string unit, bool isVolatile)
    : name_(std::move(name)), type_(type), unit_(std::move(unit)), volatile_(isVolatile), owner_(owner)
{
}

void cPar::typeError(const char *wanted) const
{
    static const char *names[] = {"bool", "int", "double", "string"};
    int k = type_ == BOOL ? 0 : type_ == INT ? 1 : type_ == DOUBLE ? 2 : 3;
    throw cRuntimeError("%s.%s: cannot read a %s parameter as %s", owner_ ? owner_->getFullPath().c_str() : "", name_.c_str(), names[k], wanted);
}

double cPar::numeric() const
{
    if (!expr_)
        return type_ == INT ? static_cast<double>(i_) : d_;
    if (volatile_ || !cached_) {
        double v = expr_->evaluate(owner_);
        if (type_ == INT) {
            // NED converts a double to an int parameter only when it is integral
            if (v != std::floor(v))
                throw cRuntimeError("%s.%s: int parameter got non-integer value %g", owner_->getFullPath().c_str(), name_.c_str(), v);
            const_cast<cPar *>(this)->i_ = static_cast<intval_t>(v);
        }
        const_cast<cPar *>(this)->d_ = v;
        cached_ = true;
    }
    return type_ == INT ? static_cast<double>(i_) : d_;
}

bool cPar::boolValue() const
{
    if (type_ != BOOL)
        typeError("bool");
    return expr_ ? numeric() != 0 : b_;
}

intval_t cPar::intValue() const
{
    if (type_ != INT)
        typeError("int");
    numeric();
    return i_;
}

double cPar::doubleValue() const
{
    if (!isNumeric())
        typeError("double");
    return numeric();
}

double cPar::doubleValueInUnit(const char *unit) const
{
    double v = doubleValue();
    std::string want = unit ? unit : "";
    if (want == unit_)
        return v;
    if (unit_.empty() || want.empty())
        throw cRuntimeError("%s.%s: cannot convert between '%s' and '%s'", owner_->getFullPath().c_str(), name_.c_str(), unit_.c_str(), want.c_str());
    std::string b1, b2;
    double f1 = unitToBase(unit_, &b1), f2 = unitToBase(want, &b2);
    if (b1 != b2)
        throw cRuntimeError("%s.%s: cannot convert '%s' to '%s'", owner_->getFullPath().c_str(), name_.c_str(), unit_.c_str(), want.c_str());
    return v * f1 / f2;
}

const char *cPar::stringValue() const
{
    if (type_ != STRING)
        typeError("string");
    return s_.c_str();
}

std::string cPar::stdstringValue() const { return stringValue(); }

std::string cPar::str() const
{
    switch (type_) {
        case BOOL: return boolValue() ? "true" : "false";
        case STRING: {  // the NED literal: "text" with \" and \\ escaped
            std::string lit = "\"";
            for (char c : s_)
                lit += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
            return lit + "\"";
        }
        case INT: return std::to_string(intValue()) + unit_;
        case DOUBLE: return ResultWriter::number(doubleValue()) + unit_;
    }
    return "";
}

}  // namespace qcity::sim
