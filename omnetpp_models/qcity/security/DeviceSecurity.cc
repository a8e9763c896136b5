#include "DeviceSecurity.h"

#include "../iot/Association.h"
#include "IntegrityTag.h"

namespace qcity {

Define_Module(DeviceSecurity);

DeviceSecurity::~DeviceSecurity()
{
    cancelAndDelete(cpuTimer);
    for (Job &j : jobs)
        delete j.pkt;
}

void DeviceSecurity::initialize()
{
    rekeyInterval = par("rekeyInterval").doubleValue();
    cpuClock = par("cpuClock").doubleValue();
    kemEncapsCycles = par("kemEncapsCycles").doubleValue();
    aeadCyclesPerByte = par("aeadCyclesPerByte").doubleValue();
    kemCiphertextBytes = par("kemCiphertextBytes").intValue();
    aeadOverheadBytes = par("aeadOverheadBytes").intValue();
    keyIdBytes = par("keyIdBytes").intValue();
    transportHeaderBytes = par("transportHeaderBytes").intValue();
    fragmentBytes = par("fragmentBytes").intValue();
    fragmentHeaderBytes = par("fragmentHeaderBytes").intValue();
    if (rekeyInterval <= omnetpp::SimTime() || cpuClock <= 0)
        throw omnetpp::cRuntimeError("rekeyInterval and cpuClock must be positive");
    if (kemEncapsCycles < 0 || aeadCyclesPerByte < 0 || kemCiphertextBytes < 0 || aeadOverheadBytes < 0 || keyIdBytes < 0 ||
        transportHeaderBytes < 0 || fragmentHeaderBytes < 0)
        throw omnetpp::cRuntimeError("cycle counts and byte sizes must not be negative");
    if (fragmentBytes < 1)
        throw omnetpp::cRuntimeError("fragmentBytes must be at least 1B, got %lldB", (long long)fragmentBytes);
    battery = EnergySupply::find(this, par("battery").stdstringValue(), this);
    modeSignal = registerSignal("sessionMode");
    cryptoTimeSignal = registerSignal("cryptoTime");
    handshakeSignal = registerSignal("handshakeBytes");
    fragmentsSignal = registerSignal("fragments");
    cpuTimer = new omnetpp::cMessage("crypto", CPU_DONE);
}

void DeviceSecurity::handleMessage(omnetpp::cMessage *msg)
{
    if (msg == cpuTimer) {
        finishJob();
        return;
    }
    if (msg->arrivedOn("lowerIn")) {  // replies pass up unchanged
        send(msg, "upperOut");
        return;
    }
    auto *pkt = omnetpp::check_and_cast<IotPacket *>(msg);
    if (poweredOff) {
        delete pkt;
        return;
    }
    protect(pkt);
}

void DeviceSecurity::protect(IotPacket *pkt)
{
    if (pkt->attempt > 0) {  // a retransmission resends the ciphertext made the first time
        pkt->addByteLength(aeadOverheadBytes);
        addTag(pkt);
        send(pkt, "lowerOut");
        return;
    }
    Job job{pkt, omnetpp::simTime(), 0, 0};
    if (omnetpp::simTime() >= sessionExpiry)
        openSession(job);  // may name the session's key in the reading
    job.cpu += cycles(aeadCyclesPerByte * pkt->getByteLength());
    pkt->addByteLength(aeadOverheadBytes);
    addTag(pkt);
    jobs.push_back(job);
    if (!cpuTimer->isScheduled())
        startNext();
}

// Opens a session in the mode the home gateway grants and adds its cost to the reading's job.
void DeviceSecurity::openSession(Job &job)
{
    SessionManager::DeviceSession session = homeSessions()->grantDeviceSession(job.pkt->deviceId);
    SessionManager::Mode mode = session.mode;
    sessionId = session.id;
    sessionKey = session.key;
    sessionExpiry = omnetpp::simTime() + rekeyInterval;
    int64_t setupBytes = 0;
    if (mode != SessionManager::PQC) {  // unwrap the QKD key (32 bytes + tag) and name it in the reading
        job.cpu += cycles(aeadCyclesPerByte * 48);
        job.pkt->addByteLength(keyIdBytes);
        setupBytes += keyIdBytes;
    }
    if (mode != SessionManager::QKD) {
        job.cpu += cycles(kemEncapsCycles);
        job.handshakeBytes = kemCiphertextBytes;
        setupBytes += kemCiphertextBytes;
    }
    emit(modeSignal, static_cast<long>(mode));
    emit(handshakeSignal, static_cast<long>(setupBytes));
}

void DeviceSecurity::addTag(IotPacket *pkt) const
{
    pkt->sessionId = sessionId;
    pkt->tag = integrityTag(sessionKey, *pkt);
}

SessionManager *DeviceSecurity::homeSessions()
{
    if (home)
        return home;
    omnetpp::cModule *associator = getModuleByPath(par("mac").stringValue());
    auto *association = dynamic_cast<Association *>(associator);
    if (!association)
        throw omnetpp::cRuntimeError("%s (parameter mac) does not associate the device with a gateway (a CsmaMac, "
                                     "or qcity.inet.Association under INET)", associator->getFullPath().c_str());
    omnetpp::cModule *gateway = association->getHomeGateway();
    omnetpp::cModule *sessions = gateway->getSubmodule("sessions");
    if (!sessions)
        throw omnetpp::cRuntimeError("home gateway %s has no SessionManager \"sessions\" (set its secure = true)", gateway->getFullPath().c_str());
    home = omnetpp::check_and_cast<SessionManager *>(sessions);
    return home;
}

void DeviceSecurity::startNext()
{
    if (jobs.empty())
        return;
    if (battery)
        battery->cpuStart();
    scheduleAt(omnetpp::simTime() + jobs.front().cpu, cpuTimer);
}

void DeviceSecurity::finishJob()
{
    Job job = jobs.front();
    jobs.pop_front();
    if (battery)
        battery->cpuStop();
    emit(cryptoTimeSignal, job.cpu);
    job.pkt->processing += omnetpp::simTime() - job.arrival;  // waiting for the CPU, then computing
    if (job.handshakeBytes > 0)
        sendHandshake(job.pkt, job.handshakeBytes);
    send(job.pkt, "lowerOut");
    startNext();
}

// The ML-KEM ciphertext as RFC 4944 fragments, ahead of the reading.
void DeviceSecurity::sendHandshake(const IotPacket *reading, int64_t bytes)
{
    int64_t remaining = transportHeaderBytes + bytes;
    long count = 0;
    while (remaining > 0) {
        int64_t chunk = std::min(remaining, fragmentBytes);
        remaining -= chunk;
        auto *frag = new IotPacket("kemFragment");
        frag->type = IotPacket::SECURITY_HANDSHAKE;
        frag->deviceId = reading->deviceId;
        frag->seq = reading->seq;
        frag->created = omnetpp::simTime();
        frag->setByteLength(chunk + fragmentHeaderBytes);
        send(frag, "lowerOut");
        count++;
    }
    emit(fragmentsSignal, count);
}

void DeviceSecurity::powerOff()
{
    Enter_Method_Silent();
    poweredOff = true;
    cancelEvent(cpuTimer);  // the battery is empty: no cpuStop needed
    for (Job &j : jobs)
        delete j.pkt;
    jobs.clear();
}

}  // namespace qcity
