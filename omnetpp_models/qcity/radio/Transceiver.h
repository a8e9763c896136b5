#pragma once

#include "MacFrame.h"
#include "qcity/sim.h"

namespace qcity {

// What a RadioMedium delivers signals to: a radio's MAC module (qcity's CsmaMac). The medium knows radios
// only through this, so the MAC depends on the medium and not the other way round.
class Transceiver
{
  public:
    virtual ~Transceiver() = default;
    // A transmission will reach this radio from `start` to `end` at `powerDbm`.
    virtual void signalArrives(const MacFrame *frame, omnetpp::simtime_t start, omnetpp::simtime_t end, double powerDbm) = 0;
};

}  // namespace qcity
