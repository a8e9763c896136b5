#include "FedServer.h"

#include <vector>

namespace qcity {

Define_Module(FedServer);

FedServer::~FedServer() { cancelAndDelete(roundTimer); }

void FedServer::initialize()
{
    fedHook.resolve(par("fedHook").stdstringValue());
    clients = par("clients").intValue();
    controlCenter = getModuleByPath(par("controlCenter").stringValue());
    roundInterval = par("roundInterval").doubleValue();
    omnetpp::simtime_t firstRound = par("firstRound").doubleValue();
    if (roundInterval <= omnetpp::SimTime() || firstRound < omnetpp::SimTime())
        throw omnetpp::cRuntimeError("roundInterval must be positive and firstRound not negative");
    costs.initialize(this);
    fedHook(Value::dict({{"event", "setup"}, {"settings", par("settings").stdstringValue()}, {"clients", clients}}));
    roundSignal = registerSignal("fedRound");
    failedSignal = registerSignal("fedRoundFailed");
    epsilonSignal = registerSignal("fedEpsilon");
    normSignal = registerSignal("fedUpdateNorm");
    roundTimer = new omnetpp::cMessage("round");
    scheduleAt(firstRound, roundTimer);
}

void FedServer::handleMessage(omnetpp::cMessage *msg)
{
    if (msg == roundTimer) {
        startRound();
        scheduleAt(omnetpp::simTime() + roundInterval, roundTimer);
        return;
    }
    receive(omnetpp::check_and_cast<IotPacket *>(msg));
}

void FedServer::sendToGateway(IotPacket *pkt, const std::string &mode)
{
    costs.record(*pkt, mode);
    sendDirect(pkt, controlCenter, "fedIn");
}

KeyManager *FedServer::gatewayKeys(int g) const
{
    omnetpp::cModule *gateway = getParentModule()->getSubmodule("gateway", g);
    return gateway ? dynamic_cast<KeyManager *>(gateway->getSubmodule("keys")) : nullptr;
}

void FedServer::startRound()
{
    if (roundOpen) {
        EV_WARN << "federated round " << round << " failed: " << updated.size() << " of " << clients << " updates arrived\n";
        emit(failedSignal, static_cast<long>(round));
    }
    if (static_cast<int>(registered.size()) < clients) {  // no round can be aggregated before every client's keys are known
        EV_WARN << "federated round skipped: " << registered.size() << " of " << clients << " clients have registered\n";
        emit(failedSignal, static_cast<long>(round + 1));
        roundOpen = false;
        return;
    }
    round++;
    updated.clear();
    roundOpen = true;
    roundStart = omnetpp::simTime();
    Value gateways = Value::list(), modes = Value::list();
    std::vector<Seal> seals;
    for (int g : registered) {
        seals.push_back(takeSealingKey(gatewayKeys(g), false, costs.keyBits));
        gateways.append(g);
        modes.append(seals.back().mode);
    }
    Value r = fedHook(Value::dict({{"event", "broadcast"}, {"round", round}, {"gateways", gateways}, {"modes", modes}}));
    std::size_t i = 0;
    for (int g : registered) {
        Value message = Value::dict({{"payload", r["payloads"][i]}, {"bytes", r["bytes"][i]}});
        sendToGateway(federatedPacket("fedModel", IotPacket::FEDERATED_MODEL, g, round, message, costs.headerBytes, seals[i]),
                      seals[i].mode);
        i++;
    }
}

void FedServer::receive(IotPacket *pkt)
{
    const int g = pkt->gateway;
    if (g < 0 || g >= clients) {
        delete pkt;
        throw omnetpp::cRuntimeError("federated message from gateway %d, but clients are gateway[0..%d]", g, clients - 1);
    }
    if (pkt->type == IotPacket::FEDERATED_SETUP) {
        fedHook(Value::dict({{"event", "register"}, {"gateway", g}, {"payload", pkt->payload}}));
        registered.insert(g);
        if (static_cast<int>(registered.size()) == clients) {  // every client's keys are in: each gets the list
            Value keys = fedHook(Value::dict({{"event", "keys"}}));
            for (int c : registered)
                sendToGateway(federatedPacket("fedKeys", IotPacket::FEDERATED_KEYS, c, -1, keys, costs.headerBytes), "");
        }
    }
    else if (pkt->type == IotPacket::FEDERATED_UPDATE) {
        openSealingKey(gatewayKeys(g), true, *pkt);  // the control centre's KME hands over its copy, late or not
        if (!roundOpen || pkt->round != round) {
            EV_WARN << "update of gateway " << g << " for round " << pkt->round << " arrived late (round " << round << " open: " << roundOpen << ")\n";
        }
        else {
            fedHook(Value::dict({{"event", "update"}, {"round", round}, {"gateway", g}, {"mode", pkt->pqcSealed ? "pqc" : "qkd"},
                                 {"payload", pkt->payload}}));
            updated.insert(g);
            if (static_cast<int>(updated.size()) == clients) {
                Value r = fedHook(Value::dict({{"event", "aggregate"}}));
                roundOpen = false;
                emit(roundSignal, omnetpp::simTime() - roundStart);
                emit(epsilonSignal, r["epsilon"].asDouble());
                emit(normSignal, r["update_norm"].asDouble());
            }
        }
    }
    else {
        int type = pkt->type;
        delete pkt;
        throw omnetpp::cRuntimeError("Unexpected message type %d at the federated server", type);
    }
    delete pkt;
}

}  // namespace qcity
