#pragma once

#include <unordered_map>
#include <vector>

#include "MacFrame.h"
#include "Transceiver.h"
#include "qcity/sim.h"

namespace qcity {

// See RadioMedium.ned.
class RadioMedium : public omnetpp::cSimpleModule
{
  protected:
    struct Radio
    {
        Transceiver *transceiver;
        double x, y;
        bool gateway;
        int channel;  // IEEE 802.15.4 channel (11-26 at 2.4 GHz); radios only hear their own
    };

    // parameters
    double pathLossExponent = 3, referenceLoss = 40, referenceDistance = 1, shadowingStdDev = 4;
    double noiseFloorDbm = -100, interferenceFloorDbm = -110, propagationSpeed = 3e8;
    bool shadowingPerFrame = false;

    // state
    std::vector<Radio> radios;
    std::unordered_map<uint64_t, double> shadowing;  // per unordered pair of radios, dB

    void initialize() override;
    double linkShadowing(std::size_t a, std::size_t b);
    double pathLoss(const Radio &a, const Radio &b) const;  // dB, without shadowing

  public:
    // Radios register in initialization stage 0 and get their index back.
    std::size_t registerRadio(Transceiver *transceiver, double x, double y, bool gateway, int channel);
    void setChannel(std::size_t index, int channel) { radios.at(index).channel = channel; }
    int getChannel(std::size_t index) const { return radios.at(index).channel; }
    double meanReceivedPower(std::size_t from, std::size_t to, double txPowerDbm);  // dBm, with the link's shadowing (none per frame)
    double getNoiseFloorDbm() const { return noiseFloorDbm; }
    // Announces `frame` (duration `duration`) from radio `from` to every radio that hears it.
    void transmit(std::size_t from, const MacFrame *frame, double txPowerDbm, omnetpp::simtime_t duration);
    // The gateway radio with the strongest mean signal from `from`; -1 if none.
    int bestGateway(std::size_t from, double txPowerDbm);
    // The module that registered radio `index` (the MAC), for finding the node it belongs to.
    omnetpp::cModule *getRadioModule(std::size_t index) const;
};

}  // namespace qcity
