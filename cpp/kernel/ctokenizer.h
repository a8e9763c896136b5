// cStringTokenizer, as in OMNeT++: splits a string parameter ("1000 1500 2000") into tokens.
#pragma once

#include <string>
#include <vector>

namespace qcity::sim {

class cStringTokenizer
{
    std::vector<std::string> tokens_;
    std::size_t next_ = 0;

  public:
    explicit cStringTokenizer(const char *str, const char *delimiters = nullptr);
    bool hasMoreTokens() const { return next_ < tokens_.size(); }
    const char *nextToken() { return hasMoreTokens() ? tokens_[next_++].c_str() : nullptr; }
    std::vector<std::string> asVector() const { return tokens_; }
    std::vector<int> asIntVector() const;        // every token must be an integer
    std::vector<double> asDoubleVector() const;  // every token must be a number
};

}  // namespace qcity::sim
