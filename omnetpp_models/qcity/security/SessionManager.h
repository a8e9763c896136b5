#pragma once

#include "../iot/IotPacket.h"
#include "../quantum/KeyManager.h"
#include "qcity/sim.h"

namespace qcity {

// See SessionManager.ned.
class SessionManager : public omnetpp::cSimpleModule
{
  public:
    enum Mode { PQC = 0, QKD = 1, HYBRID = 2 };
    static constexpr const char *MODE_NAMES[3] = {"pqc", "qkd", "hybrid"};  // as the security hook spells them
    struct DeviceSession
    {
        Mode mode;
        int64_t id;    // named in every reading protected under it
        uint64_t key;  // what the device and this gateway agreed (stands for the AES-256 session key)
    };

  protected:
    enum TimerKind { SESSION = 1 };

    // parameters
    KeySupplier *keys = nullptr;  // a link's KeyManager, or a KeyRelay over trusted nodes
    qcity::Hook securityHook;
    omnetpp::simtime_t sessionInterval;
    int64_t sessionKeyBits = 256;
    double classicalLevel = 0.75;
    qcity::Value settings;

    // state
    omnetpp::cMessage *sessionTimer = nullptr;
    uint64_t secret = 0;          // this gateway's: device session keys are derived from it
    int64_t nextDeviceSession = 0;
    int lastMode = -1;
    double securityLevel[3] = {0, 0, 0};  // Theorem 1 level of a session in each mode, from the last hook call
    double theorem1Bound[3] = {0, 0, 0};  // and the theorem's lower bound for it
    bool levelsKnown = false;             // the hook returned both

    // statistics
    omnetpp::simsignal_t modeSignal = 0, switchSignal = 0, kIotSignal = 0, fallbackSignal = 0, handshakeSignal = 0;
    omnetpp::simsignal_t levelSignal = 0, deviceModeSignal = 0, deviceLevelSignal = 0, deviceFallbackSignal = 0;
    omnetpp::simsignal_t belowBoundSignal = 0;

    void emitLevel(omnetpp::simsignal_t signal, int mode);

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void openSession();
    // A session key agreed through the KeyManager by ETSI GS QKD 014: this end's SAE asks as master
    // (get_key), the peer's SAE fetches it by key ID (get_key_with_key_IDs); false when the pool is short.
    bool agreeKey();
    uint64_t sessionKey(int deviceId, int64_t sessionId) const;

  public:
    ~SessionManager() override;
    // A device session under this gateway (DeviceSecurity): the current mode, with sessionKeyBits taken
    // from the pool for QKD and hybrid sessions, or PQC when the pool is short (counted). Before the
    // first epoch decision, devices get PQC.
    DeviceSession grantDeviceSession(int deviceId);
    // Whether a reading's integrity tag is the one its session's key gives (a modified reading fails).
    bool verifyReading(const IotPacket &pkt) const;
};

}  // namespace qcity
