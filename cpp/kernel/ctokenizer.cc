#include "ctokenizer.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "errors.h"

namespace qcity::sim {

cStringTokenizer::cStringTokenizer(const char *str, const char *delimiters)
{
    const char *delims = delimiters ? delimiters : " \t\n\r";
    std::string current;
    for (const char *p = str ? str : ""; *p; p++) {
        if (std::strchr(delims, *p)) {
            if (!current.empty())
                tokens_.push_back(current);
            current.clear();
        }
        else
            current += *p;
    }
    if (!current.empty())
        tokens_.push_back(current);
}

std::vector<double> cStringTokenizer::asDoubleVector() const
{
    std::vector<double> out;
    for (const std::string &t : tokens_) {
        char *end = nullptr;
        errno = 0;
        double v = std::strtod(t.c_str(), &end);
        if (*end != '\0' || errno == ERANGE)
            throw cRuntimeError("Converting string to a vector of doubles: '%s' is not a number", t.c_str());
        out.push_back(v);
    }
    return out;
}

std::vector<int> cStringTokenizer::asIntVector() const
{
    std::vector<int> out;
    for (const std::string &t : tokens_) {
        char *end = nullptr;
        errno = 0;
        long v = std::strtol(t.c_str(), &end, 0);
        if (*end != '\0' || errno == ERANGE)
            throw cRuntimeError("Converting string to a vector of ints: '%s' is not an integer", t.c_str());
        out.push_back(static_cast<int>(v));
    }
    return out;
}

}  // namespace qcity::sim
