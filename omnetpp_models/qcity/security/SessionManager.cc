#include "SessionManager.h"

#include <algorithm>

#include "IntegrityTag.h"

namespace qcity {

Define_Module(SessionManager);

SessionManager::~SessionManager() { cancelAndDelete(sessionTimer); }

void SessionManager::initialize()
{
    keys = omnetpp::check_and_cast<KeySupplier *>(getModuleByPath(par("keyManager").stringValue()));
    secret = secretFromName(getFullPath());
    sessionInterval = par("sessionInterval").doubleValue();
    sessionKeyBits = par("sessionKeyBits").intValue();
    if (sessionInterval <= omnetpp::SimTime() || sessionKeyBits <= 0)
        throw omnetpp::cRuntimeError("sessionInterval and sessionKeyBits must be positive");
    classicalLevel = par("classicalLevel").doubleValue();
    std::string mode = par("mode").stdstringValue();
    if (mode != "qkd" && mode != "pqc" && mode != "hybrid" && mode != "adaptive")
        throw omnetpp::cRuntimeError("mode must be qkd, pqc, hybrid or adaptive, got \"%s\"", mode.c_str());
    settings = Value::dict({
        {"mode", mode}, {"trust", par("trust").doubleValue()}, {"qber_ref", par("qberRef").doubleValue()},
        {"epsilon_min", par("epsilonMin").doubleValue()}, {"hysteresis", par("hysteresis").doubleValue()},
        {"smoothing", par("smoothing").doubleValue()}, {"qber_limit", par("qberLimit").doubleValue()},
        {"hybrid", par("hybridWhenQuantum").boolValue()},
        {"demand_bps", sessionKeyBits / sessionInterval.dbl()}, {"classical_level", classicalLevel},
    });
    securityHook.resolve(par("securityHook").stdstringValue());
    modeSignal = registerSignal("sessionMode");
    switchSignal = registerSignal("modeSwitch");
    kIotSignal = registerSignal("kIot");
    fallbackSignal = registerSignal("poolFallback");
    handshakeSignal = registerSignal("handshakeBytes");
    levelSignal = registerSignal("securityLevel");
    deviceModeSignal = registerSignal("deviceSessionMode");
    deviceLevelSignal = registerSignal("deviceSecurityLevel");
    deviceFallbackSignal = registerSignal("devicePoolFallback");
    belowBoundSignal = registerSignal("belowTheorem1Bound");
    sessionTimer = new omnetpp::cMessage("session", SESSION);
    scheduleAt(omnetpp::simTime() + sessionInterval, sessionTimer);
}

void SessionManager::handleMessage(omnetpp::cMessage *msg)
{
    switch (msg->getKind()) {
        case SESSION:
            openSession();
            scheduleAt(omnetpp::simTime() + sessionInterval, sessionTimer);
            break;
        default:
            throw omnetpp::cRuntimeError("Unexpected message kind %d", msg->getKind());
    }
}

void SessionManager::openSession()
{
    Value args = settings;
    args.set("time", omnetpp::simTime().dbl());
    args.set("qber", keys->getLastQber());
    args.set("key_rate_bps", keys->getKeyRate());
    args.set("pool_ok", keys->getPoolBits() >= sessionKeyBits);
    Value r = securityHook(args);
    const std::string &m = r["mode"].asString();
    int mode = static_cast<int>(std::find(MODE_NAMES, MODE_NAMES + 3, m) - MODE_NAMES);
    if (mode == 3)
        throw omnetpp::cRuntimeError("security hook returned unknown mode \"%s\"", m.c_str());
    levelsKnown = r.has("security_levels") && r.has("theorem1_bounds");  // optional in a user's hook
    if (levelsKnown) {
        const Value &levels = r["security_levels"], &bounds = r["theorem1_bounds"];
        for (int i = 0; i < 3; i++) {
            securityLevel[i] = levels[MODE_NAMES[i]].asDouble();
            theorem1Bound[i] = bounds[MODE_NAMES[i]].asDouble();
        }
    }
    if (r.has("fallback") && r["fallback"].asBool())
        emit(fallbackSignal, 1L);
    else if (mode != PQC && !agreeKey())
        throw omnetpp::cRuntimeError("security hook chose %s although the key pool is short", m.c_str());
    if (lastMode >= 0 && mode != lastMode) {
        emit(switchSignal, (long)mode);
        EV << "session mode " << lastMode << " -> " << mode << ": " << r["cause"].asString() << "\n";
    }
    lastMode = mode;
    emit(modeSignal, (long)mode);
    emit(kIotSignal, r["k_iot"].asDouble());
    emit(handshakeSignal, (long)r["kem_bytes"].asInt());
    emitLevel(levelSignal, mode);
}

void SessionManager::emitLevel(omnetpp::simsignal_t signal, int mode)
{
    if (!levelsKnown)
        return;
    emit(signal, securityLevel[mode]);
    if (securityLevel[mode] < theorem1Bound[mode])
        emit(belowBoundSignal, static_cast<long>(mode));
}

SessionManager::DeviceSession SessionManager::grantDeviceSession(int deviceId)
{
    Enter_Method("grantDeviceSession()");
    Mode mode = lastMode < 0 ? PQC : static_cast<Mode>(lastMode);
    if (mode != PQC && !agreeKey()) {
        emit(deviceFallbackSignal, 1L);
        mode = PQC;
    }
    emit(deviceModeSignal, static_cast<long>(mode));
    if (lastMode < 0)  // no epoch yet: a PQC session at the classical level, which meets its bound
        emit(deviceLevelSignal, classicalLevel);
    else
        emitLevel(deviceLevelSignal, mode);
    int64_t id = nextDeviceSession++;
    return {mode, id, sessionKey(deviceId, id)};
}

bool SessionManager::agreeKey()
{
    const std::string &self = keys->getSaeId(), &peer = keys->getPeerSaeId();
    KeyReply master = keys->getKey(self, peer, 1, sessionKeyBits);
    if (master.status == 503)
        return false;
    if (!master.ok())
        throw omnetpp::cRuntimeError("key request for a %lld-bit session key refused (%d): %s", (long long)sessionKeyBits,
                                     master.status, master.message.c_str());
    // the peer's end of the link obtains the same key by its ID, as its SAE would from its KME
    KeyReply slave = keys->getKeyWithKeyIds(self, peer, {master.keys[0].id});
    if (!slave.ok() || slave.keys[0].key != master.keys[0].key)
        throw omnetpp::cRuntimeError("the key with ID %s differs at the two ends of the link", master.keys[0].id.c_str());
    return true;
}

uint64_t SessionManager::sessionKey(int deviceId, int64_t sessionId) const
{
    return mix64(secret ^ mix64((static_cast<uint64_t>(deviceId) << 32) ^ static_cast<uint64_t>(sessionId)));
}

bool SessionManager::verifyReading(const IotPacket &pkt) const
{
    return pkt.sessionId >= 0 && pkt.sessionId < nextDeviceSession && integrityTag(sessionKey(pkt.deviceId, pkt.sessionId), pkt) == pkt.tag;
}

}  // namespace qcity
