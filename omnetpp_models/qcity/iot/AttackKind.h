#pragma once

namespace qcity {

// The attacks qcity injects (IotPacket::attack, ground truth). Flood, scan, spoof and botnet
// traffic comes from AttackApp; MITM marks a reading a compromised relay (MeshRouter) modified.
enum AttackKind { ATTACK_NONE = 0, ATTACK_FLOOD, ATTACK_SCAN, ATTACK_SPOOF, ATTACK_BOTNET, ATTACK_MITM, NUM_ATTACK_KINDS };

inline const char *attackName(int kind)
{
    static const char *names[NUM_ATTACK_KINDS] = {"normal", "flood", "scan", "spoof", "botnet", "mitm"};
    return kind >= 0 && kind < NUM_ATTACK_KINDS ? names[kind] : "unknown";
}

// Traffic an attacker sends itself, as opposed to a legitimate reading modified on the way.
inline bool isInjected(int kind) { return kind != ATTACK_NONE && kind != ATTACK_MITM; }

// Well-known ports of the services the gateways forward to the control centre.
constexpr int MQTT_PORT = 1883;
constexpr int COAP_PORT = 5683;

}  // namespace qcity
