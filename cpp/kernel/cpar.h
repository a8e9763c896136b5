// Module and channel parameters. Constant values are stored directly; values that
// need the module's RNG (e.g. `exponential(100ms)`) arrive from the NED reader as a
// small expression tree in the parameter's declared unit. A volatile parameter
// re-evaluates on every read; a non-volatile one is evaluated once, on first read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace qcity::sim {

class cComponent;
using intval_t = int64_t;

struct Expr
{
    enum Op : uint8_t { NUM, NEG, ADD, SUB, MUL, DIV, MOD, POW, LT, LE, GT, GE, EQ, NE, AND, OR, NOT, COND, CALL, PARAM };
    Op op = NUM;
    double num = 0;
    std::string function;  // for CALL: the function; for PARAM: the parameter name (num: the component id)
    std::vector<Expr> args;

    double evaluate(cComponent *context) const;
};

class cPar
{
  public:
    enum Type : char { BOOL = 'B', INT = 'L', DOUBLE = 'D', STRING = 'S' };

  private:
    std::string name_;
    Type type_ = DOUBLE;
    std::string unit_;
    bool volatile_ = false;
    bool b_ = false;
    intval_t i_ = 0;
    double d_ = 0;
    std::string s_;
    std::shared_ptr<const Expr> expr_;  // set when the value must be computed at run time
    std::string exprText_;              // its NED source, for the result files
    mutable bool cached_ = false;
    cComponent *owner_ = nullptr;

    double numeric() const;
    [[noreturn]] void typeError(const char *wanted) const;

  public:
    cPar(cComponent *owner, std::string name, Type type, std::string unit, bool isVolatile);
    void setBool(bool b) { b_ = b; expr_.reset(); }
    void setInt(intval_t i) { i_ = i; d_ = static_cast<double>(i); expr_.reset(); }
    void setDouble(double d) { d_ = d; expr_.reset(); }
    void setString(std::string s) { s_ = std::move(s); expr_.reset(); }
    void setExpression(std::shared_ptr<const Expr> e, std::string sourceText)
    {
        expr_ = std::move(e);
        exprText_ = std::move(sourceText);
        cached_ = false;
    }
    bool isExpression() const { return expr_ != nullptr; }
    // Draws a non-volatile expression's value now, as OMNeT++ does when it finalizes a
    // component's parameters during network setup (the draws then come in creation order).
    void finalize() const
    {
        if (expr_ && !volatile_ && !cached_)
            numeric();
    }
    const std::string &getExpressionText() const { return exprText_; }

    const char *getName() const { return name_.c_str(); }
    Type getType() const { return type_; }
    const char *getUnit() const { return unit_.empty() ? nullptr : unit_.c_str(); }
    bool isVolatile() const { return volatile_; }
    bool isNumeric() const { return type_ == INT || type_ == DOUBLE; }

    bool boolValue() const;
    intval_t intValue() const;
    double doubleValue() const;
    double doubleValueInUnit(const char *unit) const;
    const char *stringValue() const;
    std::string stdstringValue() const;
    std::string str() const;  // the value as NED source text, e.g. `"abc"`, `1.5s`

    operator bool() const { return boolValue(); }
    operator int() const { return static_cast<int>(intValue()); }
    operator long() const { return static_cast<long>(intValue()); }
    operator long long() const { return static_cast<long long>(intValue()); }
    operator unsigned() const { return static_cast<unsigned>(intValue()); }
    operator double() const { return doubleValue(); }
    operator std::string() const { return stdstringValue(); }
    operator const char *() const { return stringValue(); }
};

// Factor from `unit` to its base unit (ms -> 0.001 s); throws for unknown units.
double unitToBase(const std::string &unit, std::string *baseUnit = nullptr);

}  // namespace qcity::sim
