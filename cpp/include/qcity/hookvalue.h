// qcity::Value: the data a C++ module passes to a Python hook and gets back
// (None, bool, int, float, str, list, dict with string keys). Engine-independent.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace qcity {

class Value
{
  public:
    enum Kind { NONE, BOOL, INT, DOUBLE, STRING, LIST, DICT };

  private:
    Kind kind_ = NONE;
    bool b_ = false;
    int64_t i_ = 0;
    double d_ = 0;
    std::string s_;
    std::vector<std::string> keys_;  // DICT: keys_[k] names items_[k]
    std::vector<Value> items_;       // LIST items or DICT values

    [[noreturn]] void wrongKind(const char *wanted) const;

  public:
    Value() = default;
    Value(bool b) : kind_(BOOL), b_(b) {}
    Value(int i) : kind_(INT), i_(i) {}
    Value(long i) : kind_(INT), i_(i) {}
    Value(long long i) : kind_(INT), i_(i) {}
    Value(double d) : kind_(DOUBLE), d_(d) {}
    Value(const char *s) : kind_(STRING), s_(s) {}
    Value(std::string s) : kind_(STRING), s_(std::move(s)) {}
    Value(const std::vector<double> &v);
    static Value list(std::initializer_list<Value> items = {});
    static Value dict(std::initializer_list<std::pair<std::string, Value>> items = {});

    Kind kind() const { return kind_; }
    const char *kindName() const;
    bool isNone() const { return kind_ == NONE; }
    bool asBool() const;
    int64_t asInt() const;
    double asDouble() const;
    const std::string &asString() const;
    std::vector<double> asDoubles() const;

    std::size_t size() const;
    const Value &operator[](std::size_t i) const;
    const Value &operator[](const std::string &key) const;
    const Value &operator[](const char *key) const { return (*this)[std::string(key)]; }
    bool has(const std::string &key) const;
    const std::vector<std::string> &keys() const { return keys_; }
    const std::vector<Value> &items() const { return items_; }

    Value &append(Value v);
    Value &set(const std::string &key, Value v);
};

}  // namespace qcity
