// The hook value type (qcity/hookvalue.h): what models and Python hooks pass each other.
#include "qcity/hookvalue.h"

#include "qcity/sim.h"  // hook.h reports errors as the engine's cRuntimeError

namespace qcity {

static const char *const kindNames[] = {"None", "bool", "int", "float", "str", "list", "dict"};

const char *Value::kindName() const { return kindNames[kind_]; }

void Value::wrongKind(const char *wanted) const
{
    throw HookError(std::string("hook value is ") + kindName() + ", expected " + wanted);
}

Value::Value(const std::vector<double> &v) : kind_(LIST)
{
    items_.reserve(v.size());
    for (double d : v)
        items_.emplace_back(d);
}

Value Value::list(std::initializer_list<Value> items)
{
    Value v;
    v.kind_ = LIST;
    v.items_.assign(items.begin(), items.end());
    return v;
}

Value Value::dict(std::initializer_list<std::pair<std::string, Value>> items)
{
    Value v;
    v.kind_ = DICT;
    for (const auto &[k, x] : items)
        v.set(k, x);
    return v;
}

bool Value::asBool() const
{
    if (kind_ == BOOL)
        return b_;
    if (kind_ == INT)
        return i_ != 0;
    wrongKind("bool");
}

int64_t Value::asInt() const
{
    if (kind_ == INT)
        return i_;
    if (kind_ == BOOL)
        return b_;
    wrongKind("int");
}

double Value::asDouble() const
{
    if (kind_ == DOUBLE)
        return d_;
    if (kind_ == INT)
        return static_cast<double>(i_);
    if (kind_ == BOOL)
        return b_;
    wrongKind("float");
}

const std::string &Value::asString() const
{
    if (kind_ != STRING)
        wrongKind("str");
    return s_;
}

std::vector<double> Value::asDoubles() const
{
    if (kind_ != LIST)
        wrongKind("list of numbers");
    std::vector<double> v;
    v.reserve(items_.size());
    for (const Value &x : items_)
        v.push_back(x.asDouble());
    return v;
}

std::size_t Value::size() const
{
    if (kind_ != LIST && kind_ != DICT)
        wrongKind("list or dict");
    return items_.size();
}

const Value &Value::operator[](std::size_t i) const
{
    if (kind_ != LIST)
        wrongKind("list");
    if (i >= items_.size())
        throw HookError("hook value: list index " + std::to_string(i) + " out of range (size " + std::to_string(items_.size()) + ")");
    return items_[i];
}

const Value &Value::operator[](const std::string &key) const
{
    if (kind_ != DICT)
        wrongKind("dict");
    for (std::size_t k = 0; k < keys_.size(); k++)
        if (keys_[k] == key)
            return items_[k];
    throw HookError("hook value: dict has no key '" + key + "'");
}

bool Value::has(const std::string &key) const
{
    if (kind_ != DICT)
        return false;
    for (const auto &k : keys_)
        if (k == key)
            return true;
    return false;
}

Value &Value::append(Value v)
{
    if (kind_ == NONE)
        kind_ = LIST;
    if (kind_ != LIST)
        wrongKind("list");
    items_.push_back(std::move(v));
    return *this;
}

Value &Value::set(const std::string &key, Value v)
{
    if (kind_ == NONE)
        kind_ = DICT;
    if (kind_ != DICT)
        wrongKind("dict");
    for (std::size_t k = 0; k < keys_.size(); k++)
        if (keys_[k] == key) {
            items_[k] = std::move(v);
            return *this;
        }
    keys_.push_back(key);
    items_.push_back(std::move(v));
    return *this;
}

}  // namespace qcity
