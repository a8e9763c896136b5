#include "RadioMedium.h"

#include <cmath>

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
    if (shadowingKind != "link" && shadowingKind != "frame")
        throw omnetpp::cRuntimeError("shadowing must be \"link\" or \"frame\", got \"%s\"", shadowingKind.c_str());
    shadowingPerFrame = shadowingKind == "frame";
}

std::size_t RadioMedium::registerRadio(Transceiver *transceiver, double x, double y, bool gateway, int channel)
{
    if (!dynamic_cast<omnetpp::cModule *>(transceiver))
        throw omnetpp::cRuntimeError("a radio registers itself: its Transceiver must be a module");
    radios.push_back({transceiver, x, y, gateway, channel});
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

double RadioMedium::pathLoss(const Radio &a, const Radio &b) const
{
    double d = std::max(std::hypot(a.x - b.x, a.y - b.y), referenceDistance);
    return referenceLoss + 10 * pathLossExponent * std::log10(d / referenceDistance);
}

double RadioMedium::meanReceivedPower(std::size_t from, std::size_t to, double txPowerDbm)
{
    double shadow = shadowingPerFrame ? 0 : linkShadowing(from, to);
    return txPowerDbm - pathLoss(radios.at(from), radios.at(to)) - shadow;
}

void RadioMedium::transmit(std::size_t from, const MacFrame *frame, double txPowerDbm, omnetpp::simtime_t duration)
{
    Enter_Method_Silent();
    const Radio &src = radios.at(from);
    for (std::size_t i = 0; i < radios.size(); i++) {
        if (i == from || radios[i].channel != src.channel)
            continue;
        double power = meanReceivedPower(from, i, txPowerDbm);
        if (shadowingPerFrame && shadowingStdDev > 0)
            power -= normal(0, shadowingStdDev);
        if (power < interferenceFloorDbm)
            continue;
        double d = std::hypot(src.x - radios[i].x, src.y - radios[i].y);
        omnetpp::simtime_t start = omnetpp::simTime() + d / propagationSpeed;
        radios[i].transceiver->signalArrives(frame, start, start + duration, power);
    }
}

int RadioMedium::bestGateway(std::size_t from, double txPowerDbm)
{
    int best = -1;
    double bestPower = -1e300;
    for (std::size_t i = 0; i < radios.size(); i++) {
        if (i == from || !radios[i].gateway)
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
