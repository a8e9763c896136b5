#include "KeyStreamApp.h"

namespace qcity {

Define_Module(KeyStreamApp);

KeyStreamApp::~KeyStreamApp() { cancelAndDelete(timer); }

void KeyStreamApp::initialize()
{
    keys = omnetpp::check_and_cast<KeyManager *>(getModuleByPath(par("keyManager").stringValue()));
    std::string role = par("role").stdstringValue();
    if (role != "source" && role != "destination")
        throw omnetpp::cRuntimeError("role must be source or destination, got \"%s\"", role.c_str());
    ksid = par("ksid").stdstringValue();
    if (ksid.empty())
        throw omnetpp::cRuntimeError("ksid must name the key stream both ends open");
    interval = par("interval").doubleValue();
    if (interval <= omnetpp::SimTime())
        throw omnetpp::cRuntimeError("interval must be positive");
    qos.keyChunkBits = par("keyChunkBits").intValue();
    qos.maxBps = par("maxBps").doubleValue();
    qos.timeout = par("timeout").doubleValue();
    keySignal = registerSignal("streamKey");
    digestSignal = registerSignal("keyDigest");
    failureSignal = registerSignal("streamFailure");
    timer = new omnetpp::cMessage("getKey");
    scheduleAt(par("startTime").doubleValue(), timer);
    isSource = role == "source";
}

void KeyStreamApp::handleMessage(omnetpp::cMessage *msg)
{
    if (!connected) {  // OPEN_CONNECT at the first tick: the KeyManager's SAE IDs are known by then
        source = keys->getSaeId();
        destination = keys->getPeerSaeId();
        sae = isSource ? source : destination;
        StreamReply r = keys->openConnect(source, destination, qos, sae, ksid);
        if (r.status != STREAM_OK && r.status != STREAM_PEER_NOT_CONNECTED)
            throw omnetpp::cRuntimeError("OPEN_CONNECT of key stream \"%s\" failed with ETSI 004 status %d (%s)%s",
                                         ksid.c_str(), r.status, streamStatusText(r.status),
                                         r.status == STREAM_QOS_NOT_MET ? ": keyChunkBits must be a positive multiple "
                                         "of 8 b up to the KeyManager's maxKeySize, the same at both ends" : "");
        connected = true;
    }
    else {
        StreamReply r = keys->getStreamKey(ksid, sae, nextIndex);
        if (r.status == STREAM_OK) {
            uint32_t digest = 2166136261u;  // FNV-1a over the chunk's bytes
            for (uint8_t b : r.key)
                digest = (digest ^ b) * 16777619u;
            emit(keySignal, (long)qos.keyChunkBits);
            emit(digestSignal, static_cast<double>(digest));
            nextIndex++;
        }
        else
            emit(failureSignal, (long)r.status);
    }
    scheduleAt(omnetpp::simTime() + interval, msg);
}

void KeyStreamApp::finish()
{
    if (connected)
        keys->closeStream(ksid, sae);
}

}  // namespace qcity
