#include "FlowTap.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <set>

#include "FedClient.h"
#include "QidsMonitor.h"

namespace qcity {

Define_Module(FlowTap);

namespace {

enum Protocol { PROTO_UDP = 0, PROTO_MQTT, PROTO_COAP, PROTO_SEC };
const char *const protocolNames[] = {"udp", "mqtt", "coap", "sec"};

int protocolOf(const IotPacket &pkt)
{
    switch (pkt.type) {
        case IotPacket::MQTT_PUBLISH:
        case IotPacket::MQTT_PUBACK: return PROTO_MQTT;
        case IotPacket::COAP_CON:
        case IotPacket::COAP_NON:
        case IotPacket::COAP_ACK: return PROTO_COAP;
        case IotPacket::SECURITY_HANDSHAKE: return PROTO_SEC;
        default: return PROTO_UDP;
    }
}

// the record's columns, in the order of the flow log
const char *const columns[] = {"gateway", "saddr", "device", "sport", "dport", "proto", "pkts", "bytes", "dpkts", "dbytes",
                               "dur", "mean", "stddev", "min", "max", "srate", "drate", "N_IN_Conn_P_SrcIP",
                               "N_IN_Conn_P_DstIP", "dports_per_src", "macs_per_device", "mac_mismatch", "retrans", "integrity_failures"};
constexpr int numColumns = sizeof(columns) / sizeof(columns[0]);

}  // namespace

FlowTap::~FlowTap()
{
    cancelAndDelete(windowTimer);
    if (log)
        std::fclose(log);
}

void FlowTap::initialize()
{
    window = par("window").doubleValue();
    quantumMemory = par("quantumMemory").doubleValue();
    scoreFrom = par("scoreFrom").doubleValue();
    if (window <= omnetpp::SimTime() || quantumMemory < omnetpp::SimTime() || scoreFrom < omnetpp::SimTime())
        throw omnetpp::cRuntimeError("window must be positive, quantumMemory and scoreFrom not negative");
    flowIdsHook.resolve(par("flowIdsHook").stdstringValue());
    detectorSettings = par("detectorSettings").stdstringValue();
    std::string prefix = par("flowLogPrefix").stdstringValue();
    if (!prefix.empty()) {
        std::string path = prefix + "-" + getParentModule()->getFullName() + ".csv";
        std::error_code ignored;  // a folder that cannot be made shows as fopen's error below
        std::filesystem::path folder = std::filesystem::path(path).parent_path();
        if (!folder.empty())
            std::filesystem::create_directories(folder, ignored);
        log = std::fopen(path.c_str(), "w");
        if (!log)
            throw omnetpp::cRuntimeError("Cannot open flow log '%s': %s", path.c_str(), std::strerror(errno));
        for (int c = 0; c < numColumns; c++)
            std::fprintf(log, "%s,", columns[c]);
        std::fprintf(log, "time,attack,label\n");
    }
    qids = dynamic_cast<const QidsMonitor *>(getParentModule()->getSubmodule("ids"));
    fed = dynamic_cast<FedClient *>(getParentModule()->getSubmodule("fed"));
    firstSeen.fill(-1);
    firstDetected.fill(-1);
    recordsSignal = registerSignal("flowRecords");
    alertsSignal = registerSignal("flowAlerts");
    windowTimer = new omnetpp::cMessage("window", WINDOW);
    scheduleAt(omnetpp::simTime() + window, windowTimer);
}

FlowTap::FlowStats &FlowTap::flowOf(const FlowKey &key)
{
    FlowStats &f = flows[key];
    if (f.packets == 0 && f.replies == 0)
        f.first = omnetpp::simTime();
    return f;
}

void FlowTap::observeUplink(const IotPacket &pkt, bool failedIntegrity)
{
    Enter_Method_Silent();
    firstMac.emplace(pkt.deviceId, pkt.lastHopMac);
    FlowStats &f = flowOf({pkt.lastHopMac, pkt.deviceId, pkt.srcPort, pkt.dstPort, protocolOf(pkt)});
    omnetpp::simtime_t now = omnetpp::simTime();
    if (f.packets > 0) {
        double gap = (now - f.last).dbl();
        f.gapSum += gap;
        f.gapSqSum += gap * gap;
        f.gapMin = f.packets == 1 ? gap : std::min(f.gapMin, gap);
        f.gapMax = std::max(f.gapMax, gap);
    }
    f.last = now;
    f.packets++;
    f.bytes += pkt.getByteLength();
    f.retransmissions += pkt.attempt > 0;
    f.integrityFailures += failedIntegrity;
    int kind = pkt.attack >= 0 && pkt.attack < NUM_ATTACK_KINDS ? pkt.attack : ATTACK_NONE;
    f.truth[kind]++;
    if (kind != ATTACK_NONE && firstSeen[kind] < omnetpp::SimTime() && now >= scoreFrom)
        firstSeen[kind] = now;
}

void FlowTap::observeDownlink(const IotPacket &pkt, int mac)
{
    Enter_Method_Silent();
    // a reply belongs to the flow of the message it answers: its ports are that flow's, swapped
    FlowStats &f = flowOf({mac, pkt.deviceId, pkt.dstPort, pkt.srcPort, protocolOf(pkt)});
    f.last = std::max(f.last, omnetpp::simTime());
    f.replies++;
    f.replyBytes += pkt.getByteLength();
}

void FlowTap::handleMessage(omnetpp::cMessage *msg)
{
    if (msg != windowTimer)
        throw omnetpp::cRuntimeError("Unexpected message '%s'", msg->getName());
    closeWindow();
    scheduleAt(omnetpp::simTime() + window, windowTimer);
}

Value FlowTap::records(const std::vector<const std::pair<const FlowKey, FlowStats> *> &active) const
{
    std::map<int, long> flowsPerMac;
    std::map<int, std::set<int>> portsPerMac, macsPerDevice;
    for (const auto *e : active) {
        auto [mac, device, sport, dport, proto] = e->first;
        flowsPerMac[mac]++;
        portsPerMac[mac].insert(dport);
        macsPerDevice[device].insert(mac);
    }
    std::vector<Value> cols(numColumns, Value::list());
    const double w = window.dbl();
    const int gatewayIndex = getParentModule()->getIndex();
    for (const auto *e : active) {
        auto [mac, device, sport, dport, proto] = e->first;
        const FlowStats &f = e->second;
        long gaps = std::max(0L, f.packets - 1);
        double mean = gaps ? f.gapSum / gaps : 0;
        double var = gaps ? std::max(0.0, f.gapSqSum / gaps - mean * mean) : 0;
        Value row[] = {gatewayIndex, mac, device, sport, dport, protocolNames[proto], f.packets, f.bytes, f.replies, f.replyBytes,
                       (f.last - f.first).dbl(), mean, std::sqrt(var), f.gapMin, f.gapMax, f.packets / w, f.replies / w,
                       flowsPerMac[mac], static_cast<long>(active.size()),
                       static_cast<long>(portsPerMac[mac].size()), static_cast<long>(macsPerDevice[device].size()),
                       static_cast<long>(firstMac.at(device) != mac), f.retransmissions, f.integrityFailures};
        for (int c = 0; c < numColumns; c++)
            cols[c].append(row[c]);
    }
    Value out = Value::dict();
    for (int c = 0; c < numColumns; c++)
        out.set(columns[c], cols[c]);
    return out;
}

void FlowTap::closeWindow()
{
    std::vector<const std::pair<const FlowKey, FlowStats> *> active;
    std::vector<int> kinds;
    for (const auto &e : flows) {
        if (e.second.packets == 0)
            continue;  // only replies: the request was seen in an earlier window
        active.push_back(&e);
        int kind = ATTACK_NONE;  // the kind most of its attack packets have
        for (int k = 1; k < NUM_ATTACK_KINDS; k++)
            if (e.second.truth[k] > 0 && (kind == ATTACK_NONE || e.second.truth[k] > e.second.truth[kind]))
                kind = k;
        kinds.push_back(kind);
    }
    if (!active.empty())
        emit(recordsSignal, static_cast<long>(active.size()));
    if (!active.empty() && (log || flowIdsHook.isSet() || fed)) {
        Value recs = records(active);
        if (log)
            writeLog(recs, kinds);
        if (flowIdsHook.isSet()) {
            omnetpp::simtime_t now = omnetpp::simTime();
            bool quantumAlert = qids && qids->lastAlert() >= omnetpp::SimTime() && now - qids->lastAlert() <= quantumMemory;
            Value args = Value::dict({{"time", now.dbl()}, {"gateway", getParentModule()->getIndex()}, {"window", window.dbl()},
                                      {"quantum_alert", quantumAlert}, {"settings", detectorSettings},
                                      {"flows", recs}});
            if (fed && !fed->detectorModel().empty())
                args.set("model", Value(fed->detectorModel()));
            Value r = flowIdsHook(args);
            const Value &alerts = r.kind() == Value::DICT ? r["alerts"] : r;
            if (alerts.kind() != Value::LIST || alerts.size() != active.size())
                throw omnetpp::cRuntimeError("flowIdsHook '%s' must return one alert per flow record (%zu), got %s of %zu",
                                             flowIdsHook.spec().c_str(), active.size(), alerts.kindName(),
                                             alerts.kind() == Value::LIST ? alerts.size() : std::size_t(0));
            long flagged = 0;
            const bool scored = now - window >= scoreFrom;  // windows that began before scoring did are only judged
            for (std::size_t i = 0; i < active.size(); i++) {
                bool alert = alerts[i].asBool();
                flagged += alert;
                if (!scored)
                    continue;
                int kind = kinds[i];
                flowsOfKind[kind]++;
                if (!alert)
                    continue;
                if (kind == ATTACK_NONE) {
                    falseAlerts++;
                    continue;
                }
                detectedOfKind[kind]++;
                if (firstDetected[kind] < omnetpp::SimTime())
                    firstDetected[kind] = now;
            }
            emit(alertsSignal, flagged);
        }
        if (fed)  // after judging: a window is never judged by a model trained on it
            fed->observe(recs, kinds, window.dbl());
    }
    flows.clear();
}

void FlowTap::writeLog(const Value &recs, const std::vector<int> &kinds)
{
    for (std::size_t i = 0; i < kinds.size(); i++) {
        for (int c = 0; c < numColumns; c++) {
            const Value &v = recs[columns[c]][i];
            if (v.kind() == Value::STRING)
                std::fprintf(log, "%s,", v.asString().c_str());
            else if (v.kind() == Value::INT)
                std::fprintf(log, "%lld,", static_cast<long long>(v.asInt()));
            else
                std::fprintf(log, "%.9g,", v.asDouble());
        }
        std::fprintf(log, "%.9g,%s,%d\n", omnetpp::simTime().dbl(), attackName(kinds[i]), kinds[i] != ATTACK_NONE);
    }
    std::fflush(log);
}

void FlowTap::finish()
{
    if (!flowIdsHook.isSet())
        return;
    recordScalar("normalFlows", static_cast<double>(flowsOfKind[ATTACK_NONE]));
    recordScalar("falseAlerts", static_cast<double>(falseAlerts));
    for (int k = 1; k < NUM_ATTACK_KINDS; k++) {
        if (flowsOfKind[k] == 0)
            continue;  // this attack never came through this gateway
        std::string name = attackName(k);
        recordScalar((name + "Flows").c_str(), static_cast<double>(flowsOfKind[k]));
        recordScalar((name + "Detected").c_str(), static_cast<double>(detectedOfKind[k]));
        if (firstDetected[k] >= omnetpp::SimTime())
            recordScalar((name + "DetectionDelay").c_str(), firstDetected[k] - firstSeen[k]);
    }
}

}  // namespace qcity
