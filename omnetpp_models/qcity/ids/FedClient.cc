#include "FedClient.h"

namespace qcity {

Define_Module(FedClient);

FedClient::~FedClient() { cancelAndDelete(timer); }

void FedClient::initialize()
{
    fedHook.resolve(par("fedHook").stdstringValue());
    settings = par("settings").stdstringValue();
    std::string federation = par("federation").stdstringValue();
    if (federation != "fedavg" && federation != "local")
        throw omnetpp::cRuntimeError("federation must be \"fedavg\" or \"local\", got \"%s\"", federation.c_str());
    federated = federation == "fedavg";
    if (!getParentModule()->getSubmodule("tap"))
        throw omnetpp::cRuntimeError("federated detection trains the gateway's FlowTap detector: set flowIds = true");
    keys = dynamic_cast<KeyManager *>(findModuleByPath(par("keyManager").stringValue()));
    roundInterval = par("roundInterval").doubleValue();
    trainTime = par("trainTime").doubleValue();
    omnetpp::simtime_t setupTime = par("setupTime").doubleValue(), firstRound = par("firstRound").doubleValue();
    if (roundInterval <= omnetpp::SimTime() || trainTime < omnetpp::SimTime() || setupTime < omnetpp::SimTime() || firstRound < omnetpp::SimTime())
        throw omnetpp::cRuntimeError("roundInterval must be positive; setupTime, firstRound and trainTime not negative");
    costs.initialize(this);
    recordsSignal = registerSignal("fedTrainingRecords");
    timer = new omnetpp::cMessage("fed", federated ? SETUP : LOCAL_ROUND);
    scheduleAt(federated ? setupTime : firstRound, timer);
}

void FedClient::observe(const Value &records, const std::vector<int> &labels, double window)
{
    Enter_Method_Silent();
    // labels are the flows' attack kinds (AttackKind.h): the binary flags, and the kinds for per-kind weighting
    Value flags = Value::list(), kinds = Value::list();
    for (int label : labels) {
        flags.append(label != 0);
        kinds.append(label);
    }
    fedHook(Value::dict({{"event", "observe"}, {"settings", settings}, {"window", window}, {"flows", records},
                         {"labels", flags}, {"kinds", kinds}}));
}

void FedClient::adoptModel(const Value &reply)
{
    if (reply.has("model") && !reply["model"].isNone())
        model = reply["model"].asDoubles();
}

void FedClient::sendToServer(IotPacket *pkt, const std::string &mode)
{
    costs.record(*pkt, mode);
    sendDirect(pkt, getParentModule()->getSubmodule("router"), "fedIn");
}

void FedClient::handleMessage(omnetpp::cMessage *msg)
{
    const int gateway = getParentModule()->getIndex();
    if (msg == timer) {
        switch (msg->getKind()) {
            case SETUP: {  // public keys to the server: not secret, sent unsealed
                Value r = fedHook(Value::dict({{"event", "setup"}, {"settings", settings}, {"gateway", gateway},
                                               {"seed", static_cast<long long>(intuniform(0, 2147483646))}}));
                sendToServer(federatedPacket("fedSetup", IotPacket::FEDERATED_SETUP, gateway, -1, r, costs.headerBytes), "");
                break;
            }
            case TRAIN: {
                Seal seal = takeSealingKey(keys, true, costs.keyBits);
                Value r = fedHook(Value::dict({{"event", "train"}, {"round", round}, {"mode", seal.mode}}));
                emit(recordsSignal, r["records"].asInt());
                sendToServer(federatedPacket("fedUpdate", IotPacket::FEDERATED_UPDATE, gateway, round, r, costs.headerBytes, seal),
                             seal.mode);
                break;
            }
            case LOCAL_ROUND: {
                Value r = fedHook(Value::dict({{"event", "local"}, {"settings", settings}}));
                emit(recordsSignal, r["records"].asInt());
                adoptModel(r);
                scheduleAt(omnetpp::simTime() + roundInterval, timer);
                break;
            }
            default: throw omnetpp::cRuntimeError("Unexpected timer kind %d", msg->getKind());
        }
        return;
    }
    auto *pkt = omnetpp::check_and_cast<IotPacket *>(msg);
    if (pkt->type == IotPacket::FEDERATED_KEYS) {
        fedHook(Value::dict({{"event", "keys"}, {"payload", pkt->payload}}));
    }
    else if (pkt->type == IotPacket::FEDERATED_MODEL) {
        openSealingKey(keys, false, *pkt);
        if (timer->isScheduled()) {  // the previous round's update is still being trained: that round is lost
            EV_WARN << "round " << pkt->round << " began before this gateway's update of round " << round << " left\n";
            cancelEvent(timer);
        }
        Value r = fedHook(Value::dict({{"event", "model"}, {"round", pkt->round}, {"mode", pkt->pqcSealed ? "pqc" : "qkd"},
                                       {"payload", pkt->payload}}));
        adoptModel(r);
        round = pkt->round;
        timer->setKind(TRAIN);
        scheduleAt(omnetpp::simTime() + trainTime, timer);
    }
    else {
        int type = pkt->type;
        delete pkt;
        throw omnetpp::cRuntimeError("Unexpected message type %d at a federated client", type);
    }
    delete pkt;
}

}  // namespace qcity
