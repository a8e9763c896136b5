#include "omnetpp_api.h"

namespace qcity::sim {

static thread_local bool evOn = false;

bool evEnabled() { return evOn; }
void setEvEnabled(bool on) { evOn = on; }

std::ostream &evStream()
{
    // prefix each event's output with where it comes from, like Cmdenv's event banners
    return std::cout;
}

}  // namespace qcity::sim
