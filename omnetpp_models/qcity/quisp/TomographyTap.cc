#include "TomographyTap.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace qcity {

Register_Class(TomographyTap);

static const char *const RESULT_CLASS = "quisp::messages::LinkTomographyResult";

TomographyTap *TomographyTap::of(omnetpp::cComponent *requester)
{
    auto *tap = dynamic_cast<TomographyTap *>(requester->getSimulation()->getFingerprintCalculator());
    if (!tap)
        throw omnetpp::cRuntimeError(requester,
            "QuISP's pair measurements are observed through the fingerprint calculator: set "
            "fingerprintcalculator-class = \"qcity::TomographyTap\" and a fingerprint (one value, e.g. \"0000\") "
            "in the ini");
    return tap;
}

void TomographyTap::observe(omnetpp::cModule *node, TomographyObserver *observer)
{
    observers[node->getId()].push_back(observer);
}

void TomographyTap::forget(TomographyObserver *observer)
{
    for (auto &entry : observers)
        entry.second.erase(std::remove(entry.second.begin(), entry.second.end(), observer), entry.second.end());
}

void TomographyTap::resolveFields(omnetpp::cMessage *msg)
{
    descriptor = msg->getDescriptor();
    srcAddrField = descriptor->findField("srcAddr");
    countIdField = descriptor->findField("count_id");
    basisField = descriptor->findField("Basis");
    plusField = descriptor->findField("Output_is_plus");
    partnerField = descriptor->findField("partner_address");
    if (srcAddrField < 0 || countIdField < 0 || basisField < 0 || plusField < 0 || partnerField < 0)
        throw omnetpp::cRuntimeError("%s lacks a field qcity reads (srcAddr, count_id, Basis, Output_is_plus, "
                                     "partner_address): a QuISP version qcity was not written against", RESULT_CLASS);
}

long TomographyTap::fieldAsLong(omnetpp::cMessage *msg, int field) const
{
    return std::stol(descriptor->getFieldValueAsString(omnetpp::toAnyPtr(msg), field, 0));
}

void TomographyTap::addEvent(omnetpp::cEvent *event)
{
    cSingleFingerprintCalculator::addEvent(event);
    if (observers.empty() || !event->isMessage())
        return;
    auto *msg = static_cast<omnetpp::cMessage *>(event);
    if (std::strcmp(msg->getClassName(), RESULT_CLASS) != 0)
        return;
    omnetpp::cModule *hm = msg->getArrivalModule();
    if (!hm || std::strcmp(hm->getName(), "hm") != 0)
        return;
    omnetpp::cModule *node = hm->getParentModule() ? hm->getParentModule()->getParentModule() : nullptr;  // QNode.qrsa.hm
    if (!node)
        return;
    auto it = observers.find(node->getId());
    if (it == observers.end())
        return;
    if (!descriptor)
        resolveFields(msg);
    if (fieldAsLong(msg, srcAddrField) != node->par("address").intValue())
        return;  // the partner's outcome, copied to this node: the partner's observer gets it at the partner
    // a char field's value string is its character code
    char basis = static_cast<char>(fieldAsLong(msg, basisField));
    bool plus = std::string(descriptor->getFieldValueAsString(omnetpp::toAnyPtr(msg), plusField, 0)) == "true";
    int countId = static_cast<int>(fieldAsLong(msg, countIdField));
    int partner = static_cast<int>(fieldAsLong(msg, partnerField));
    for (TomographyObserver *o : it->second)
        o->pairMeasured(node, partner, countId, basis, plus);
}

}  // namespace qcity
