#include "RadioMedium.h"

#include <algorithm>
#include <cmath>

#include "../common/Hash.h"

namespace qcity {

Define_Module(RadioMedium);

void RadioMedium::initialize()
{
    pathLossExponent = par("pathLossExponent").doubleValue();
    referenceLoss = par("referenceLoss").doubleValue();
    referenceDistance = par("referenceDistance").doubleValue();
    shadowingStdDev = par("shadowingStdDev").doubleValue();
    noiseFloorDbm = par("noiseFloor").doubleValue();
    interferenceFloorDbm = par("interferenceFloor").doubleValue();
    propagationSpeed = par("propagationSpeed").doubleValue();
    if (pathLossExponent <= 0 || referenceDistance <= 0 || propagationSpeed <= 0)
        throw omnetpp::cRuntimeError("pathLossExponent, referenceDistance and propagationSpeed must be positive");
    if (shadowingStdDev < 0)
        throw omnetpp::cRuntimeError("shadowingStdDev must not be negative: %g", shadowingStdDev);
    std::string shadowingKind = par("shadowing").stdstringValue();
    if (shadowingKind != "link" && shadowingKind != "frame" && shadowingKind != "hashed")
        throw omnetpp::cRuntimeError("shadowing must be \"link\", \"frame\" or \"hashed\", got \"%s\"", shadowingKind.c_str());
    shadowingPerFrame = shadowingKind == "frame";
    shadowingHashed = shadowingKind == "hashed";
    hashedShadowingLimit = par("hashedShadowingLimit").doubleValue();
    if (!(hashedShadowingLimit > 0))
        throw omnetpp::cRuntimeError("hashedShadowingLimit must be positive: %g", hashedShadowingLimit);
    if (shadowingHashed && shadowingStdDev > 0)  // the one draw: every link's value follows from it
        shadowingSeed = (static_cast<uint64_t>(intuniform(0, (1 << 30) - 1)) << 30) ^ static_cast<uint64_t>(intuniform(0, (1 << 30) - 1));
    std::string search = par("neighbourSearch").stdstringValue();
    if (search != "exhaustive" && search != "grid")
        throw omnetpp::cRuntimeError("neighbourSearch must be \"exhaustive\" or \"grid\", got \"%s\"", search.c_str());
    gridSearch = search == "grid";
    if (gridSearch && shadowingStdDev > 0 && !shadowingHashed)
        throw omnetpp::cRuntimeError("neighbourSearch \"grid\" needs shadowing \"hashed\" (or shadowingStdDev 0): "
                                     "\"%s\" shadowing draws for every pair looked at, so fewer pairs would change "
                                     "the random numbers", shadowingKind.c_str());
    gridCellSize = par("gridCellSize").doubleValue();
    if (!(gridCellSize > 0))
        throw omnetpp::cRuntimeError("gridCellSize must be positive: %g m", gridCellSize);
}

void RadioMedium::finish()
{
    recordScalar("receiverChecks", static_cast<double>(receiverChecks));
}

std::size_t RadioMedium::registerRadio(Transceiver *transceiver, double x, double y, bool gateway, int channel)
{
    if (!dynamic_cast<omnetpp::cModule *>(transceiver))
        throw omnetpp::cRuntimeError("a radio registers itself: its Transceiver must be a module");
    radios.push_back({transceiver, x, y, gateway, channel});
    if (gateway)
        gateways.push_back(radios.size() - 1);
    cells.clear();  // the grid is built from every radio, at the first transmission
    return radios.size() - 1;
}

omnetpp::cModule *RadioMedium::getRadioModule(std::size_t index) const
{
    return dynamic_cast<omnetpp::cModule *>(radios.at(index).transceiver);  // checked in registerRadio
}

double RadioMedium::linkShadowing(std::size_t a, std::size_t b)
{
    if (shadowingStdDev == 0)
        return 0;
    uint64_t key = a < b ? (static_cast<uint64_t>(a) << 32 | b) : (static_cast<uint64_t>(b) << 32 | a);
    auto it = shadowing.find(key);
    if (it != shadowing.end())
        return it->second;
    double s = normal(0, shadowingStdDev);  // drawn once per link: shadowing is a property of the place
    shadowing.emplace(key, s);
    return s;
}

double RadioMedium::hashedShadowing(std::size_t a, std::size_t b) const
{
    uint64_t key = a < b ? (static_cast<uint64_t>(a) << 32 | b) : (static_cast<uint64_t>(b) << 32 | a);
    uint64_t h1 = mix64(shadowingSeed ^ mix64(key)), h2 = mix64(h1 + 0x9e3779b97f4a7c15ULL);
    double u1 = (static_cast<double>(h1 >> 11) + 0.5) * 0x1.0p-53, u2 = static_cast<double>(h2 >> 11) * 0x1.0p-53;
    double z = std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);  // Box-Muller: a standard normal
    return shadowingStdDev * std::clamp(z, -hashedShadowingLimit, hashedShadowingLimit);
}

void RadioMedium::buildGrid()
{
    double x1 = gridX0 = radios.empty() ? 0 : radios[0].x, y1 = gridY0 = radios.empty() ? 0 : radios[0].y;
    for (const Radio &r : radios) {
        gridX0 = std::min(gridX0, r.x), gridY0 = std::min(gridY0, r.y);
        x1 = std::max(x1, r.x), y1 = std::max(y1, r.y);
    }
    gridColumns = static_cast<int>((x1 - gridX0) / gridCellSize) + 1;
    gridRows = static_cast<int>((y1 - gridY0) / gridCellSize) + 1;
    cells.clear();
    for (std::size_t i = 0; i < radios.size(); i++) {
        auto &grid = cells[radios[i].channel];
        if (grid.empty())
            grid.resize(static_cast<std::size_t>(gridColumns) * gridRows);
        int cx = static_cast<int>((radios[i].x - gridX0) / gridCellSize), cy = static_cast<int>((radios[i].y - gridY0) / gridCellSize);
        grid[static_cast<std::size_t>(cy) * gridColumns + cx].push_back(i);
    }
}

void RadioMedium::gridCandidates(std::size_t from, double txPowerDbm, std::vector<std::size_t> &out)
{
    out.clear();
    if (cells.empty())
        buildGrid();
    // beyond this distance even the strongest shadowing leaves the signal below the interference floor
    double margin = txPowerDbm + hashedShadowingLimit * shadowingStdDev - interferenceFloorDbm - referenceLoss;
    double reach = referenceDistance * std::pow(10.0, margin / (10 * pathLossExponent));
    const Radio &src = radios[from];
    auto cell = [this](double v, double origin, int count) {
        return std::clamp(static_cast<int>(std::floor((v - origin) / gridCellSize)), 0, count - 1);
    };
    int cx0 = cell(src.x - reach, gridX0, gridColumns), cx1 = cell(src.x + reach, gridX0, gridColumns);
    int cy0 = cell(src.y - reach, gridY0, gridRows), cy1 = cell(src.y + reach, gridY0, gridRows);
    // a disc, not the cells' square: radios in the corners are out of reach (the slack keeps rounding from
    // ever leaving out a radio at the edge)
    double reach2 = reach * reach * (1 + 1e-9);
    const auto &grid = cells[src.channel];  // radios hear only their own channel
    for (int cy = cy0; cy <= cy1; cy++)
        for (int cx = cx0; cx <= cx1; cx++)
            for (std::size_t i : grid[static_cast<std::size_t>(cy) * gridColumns + cx]) {
                double dx = radios[i].x - src.x, dy = radios[i].y - src.y;
                if (dx * dx + dy * dy <= reach2)
                    out.push_back(i);
            }
}

double RadioMedium::pathLoss(const Radio &a, const Radio &b) const
{
    double d = std::max(std::hypot(a.x - b.x, a.y - b.y), referenceDistance);
    return referenceLoss + 10 * pathLossExponent * std::log10(d / referenceDistance);
}

double RadioMedium::meanReceivedPower(std::size_t from, std::size_t to, double txPowerDbm)
{
    double shadow = shadowingPerFrame ? 0 : shadowingHashed ? hashedShadowing(from, to) : linkShadowing(from, to);
    return txPowerDbm - pathLoss(radios.at(from), radios.at(to)) - shadow;
}

void RadioMedium::transmit(std::size_t from, const MacFrame *frame, double txPowerDbm, omnetpp::simtime_t duration)
{
    Enter_Method_Silent();
    const Radio &src = radios.at(from);
    auto deliver = [&](std::size_t i, double power) {
        double d = std::hypot(src.x - radios[i].x, src.y - radios[i].y);
        omnetpp::simtime_t start = omnetpp::simTime() + d / propagationSpeed;
        radios[i].transceiver->signalArrives(frame, start, start + duration, power);
    };
    if (!gridSearch) {
        receiverChecks += static_cast<int64_t>(radios.size()) - 1;
        for (std::size_t i = 0; i < radios.size(); i++) {
            if (i == from || radios[i].channel != src.channel)
                continue;
            double power = meanReceivedPower(from, i, txPowerDbm);
            if (shadowingPerFrame && shadowingStdDev > 0)
                power -= normal(0, shadowingStdDev);
            if (power >= interferenceFloorDbm)  // radio i hears the frame above the interference floor
                deliver(i, power);
        }
        return;
    }
    // No random draws here (the grid needs hashed shadowing or none), so the powers can be computed in
    // any order; only the receivers are then sorted, to deliver in the exhaustive search's order.
    gridCandidates(from, txPowerDbm, reached);
    receiverChecks += static_cast<int64_t>(reached.size()) - 1;  // the sender is among them
    heard.clear();
    for (std::size_t i : reached) {
        if (i == from)
            continue;
        double power = meanReceivedPower(from, i, txPowerDbm);
        if (power >= interferenceFloorDbm)
            heard.emplace_back(i, power);
    }
    std::sort(heard.begin(), heard.end());
    for (const auto &[i, power] : heard)
        deliver(i, power);
}

int RadioMedium::bestGateway(std::size_t from, double txPowerDbm)
{
    int best = -1;
    double bestPower = -1e300;
    for (std::size_t i : gateways) {
        if (i == from)
            continue;
        double p = meanReceivedPower(from, i, txPowerDbm);
        if (p > bestPower) {
            bestPower = p;
            best = static_cast<int>(i);
        }
    }
    return best;
}

}  // namespace qcity
