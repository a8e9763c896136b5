#pragma once

#include <map>
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
    bool shadowingPerFrame = false, shadowingHashed = false, gridSearch = false;
    double hashedShadowingLimit = 4, gridCellSize = 100;

    // state
    std::vector<Radio> radios;
    std::unordered_map<uint64_t, double> shadowing;  // per unordered pair of radios, dB
    uint64_t shadowingSeed = 0;                      // "hashed" shadowing
    std::vector<std::size_t> gateways;               // radios of gateways, in registration order
    // "grid": per channel, radio indices per cell (ascending), over the radios' bounding box; built at the
    // first transmission after the radios or their channels changed
    std::map<int, std::vector<std::vector<std::size_t>>> cells;
    double gridX0 = 0, gridY0 = 0;
    int gridColumns = 0, gridRows = 0;
    int64_t receiverChecks = 0;
    // transmit()'s grid candidates and the receivers among them (index, power dBm), kept to reuse the allocations
    std::vector<std::size_t> reached;
    std::vector<std::pair<std::size_t, double>> heard;

    void initialize() override;
    void finish() override;
    double linkShadowing(std::size_t a, std::size_t b);
    double hashedShadowing(std::size_t a, std::size_t b) const;
    void buildGrid();
    // "grid": the radios on `from`'s channel within reach at `txPowerDbm` (found through the cells), in no order.
    void gridCandidates(std::size_t from, double txPowerDbm, std::vector<std::size_t> &out);
    double pathLoss(const Radio &a, const Radio &b) const;  // dB, without shadowing

  public:
    // Radios register in initialization stage 0 and get their index back.
    std::size_t registerRadio(Transceiver *transceiver, double x, double y, bool gateway, int channel);
    void setChannel(std::size_t index, int channel)
    {
        radios.at(index).channel = channel;
        cells.clear();
    }
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
