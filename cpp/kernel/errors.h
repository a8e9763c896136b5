// cRuntimeError as in OMNeT++: printf-style message; the kernel adds the module
// path, event number and simulation time when the error leaves an event.
#pragma once

#include <stdexcept>
#include <string>

namespace qcity::sim {

class cRuntimeError : public std::runtime_error
{
  public:
    explicit cRuntimeError(const char *format, ...) __attribute__((format(printf, 2, 3)));
    explicit cRuntimeError(const std::string &message) : std::runtime_error(message) {}
};

using cException = cRuntimeError;

// The error as it leaves the simulation: the message plus where and when it happened.
class SimulationError : public std::runtime_error
{
  public:
    std::string modulePath;
    int64_t eventNumber = -1;
    std::string simTime;
    std::string bareMessage;
    SimulationError(const std::string &msg, const std::string &path, int64_t event, const std::string &time);
};

std::string formatString(const char *format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace qcity::sim
