#pragma once

#include <string>
#include <vector>

#include "../iot/IotPacket.h"
#include "../quantum/KeyManager.h"
#include "FederatedMessage.h"
#include "qcity/hook.h"
#include "qcity/sim.h"

namespace qcity {

// See FedClient.ned.
class FedClient : public omnetpp::cSimpleModule
{
  protected:
    enum TimerKind { SETUP = 1, TRAIN, LOCAL_ROUND };

    // parameters
    qcity::Hook fedHook;
    std::string settings;
    bool federated = true;  // fedavg; false: local training only
    KeyManager *keys = nullptr;
    omnetpp::simtime_t roundInterval, trainTime;
    SealingCosts costs;  // keyBits, headerBytes, and what the messages cost

    // state
    omnetpp::cMessage *timer = nullptr;
    int round = -1;              // the round whose update is being trained
    std::vector<double> model;   // what the FlowTap's detector uses; empty until a trained one exists

    // statistics
    omnetpp::simsignal_t recordsSignal = 0;

    void initialize() override;
    void handleMessage(omnetpp::cMessage *msg) override;
    void sendToServer(IotPacket *pkt, const std::string &mode);  // mode: how it was sealed, "" if not
    void adoptModel(const Value &reply);

  public:
    ~FedClient() override;
    // a window's flow records (FlowTap's columns) and whether each is an attack (ground truth)
    void observe(const Value &records, const std::vector<int> &labels, double window);
    const std::vector<double> &detectorModel() const { return model; }
};

}  // namespace qcity
