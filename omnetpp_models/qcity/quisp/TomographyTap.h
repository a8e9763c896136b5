#pragma once

#include <map>
#include <vector>

#include <omnetpp.h>

namespace qcity {

// Receives each pair measurement QuISP's link tomography makes at one node.
class TomographyObserver
{
  public:
    virtual ~TomographyObserver() = default;
    // `node` measured its half of pair `countId` of its link to `partnerAddress` in `basis`
    // ('X', 'Y' or 'Z'); `plus` is true for the +1 outcome.
    virtual void pairMeasured(omnetpp::cModule *node, int partnerAddress, int countId, char basis, bool plus) = 0;
};

//
// Observes QuISP's link tomography without changing QuISP. QuISP reports every measured
// pair to both nodes' HardwareMonitors as a `quisp::messages::LinkTomographyResult`; QuISP
// emits no signal with it, and its HardwareMonitor cannot be replaced through NED. OMNeT++
// shows every delivered event to the run's fingerprint calculator, so this class is one:
// it computes OMNeT++'s own fingerprint unchanged (everything is passed on to
// cSingleFingerprintCalculator) and hands each node its own measurements (those arriving
// at its `hm` with srcAddr equal to the node's address). Fields are read through OMNeT++'s
// class descriptor, so no QuISP header is needed.
//
// Selected in the ini with
//   fingerprintcalculator-class = "qcity::TomographyTap"
//   fingerprint = "<expected fingerprint>"   (OMNeT++ creates a calculator only when one is set)
//
class TomographyTap : public omnetpp::cSingleFingerprintCalculator
{
  private:
    std::map<int, std::vector<TomographyObserver *>> observers;  // by node module id
    const omnetpp::cClassDescriptor *descriptor = nullptr;
    int srcAddrField = -1, countIdField = -1, basisField = -1, plusField = -1, partnerField = -1;

    void resolveFields(omnetpp::cMessage *msg);
    long fieldAsLong(omnetpp::cMessage *msg, int field) const;

  public:
    TomographyTap *dup() const override { return new TomographyTap(); }
    void addEvent(omnetpp::cEvent *event) override;

    // `observer` receives the measurements of `node` (a QuISP QNode)
    void observe(omnetpp::cModule *node, TomographyObserver *observer);
    void forget(TomographyObserver *observer);

    // The run's tap, or an error that says how to select it.
    static TomographyTap *of(omnetpp::cComponent *requester);
};

}  // namespace qcity
