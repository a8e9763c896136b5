#include "QidsMonitor.h"

#include <algorithm>

#include "../quantum/QkdLink.h"


namespace qcity {

Define_Module(QidsMonitor);

QidsMonitor::~QidsMonitor() { cancelAndDelete(windowTimer); }

void QidsMonitor::initialize()
{
    keys = omnetpp::check_and_cast<KeyManager *>(getModuleByPath(par("keyManager").stringValue()));
    window = par("window").doubleValue();
    if (window <= omnetpp::SimTime())
        throw omnetpp::cRuntimeError("window must be positive");
    Value weights(omnetpp::cStringTokenizer(par("weights").stringValue()).asDoubleVector());
    if (weights.size() != 3)
        throw omnetpp::cRuntimeError("weights must list three numbers (w1 w2 w3), got \"%s\"", par("weights").stringValue());
    settings = Value::dict({
        {"qber_ref", par("qberRef").doubleValue()}, {"weights", weights}, {"eta", par("eta").doubleValue()},
        {"alpha", par("alpha").doubleValue()}, {"baseline_qber_mean", par("baselineQberMean").doubleValue()},
        {"baseline_qber_std", par("baselineQberStd").doubleValue()},
    });
    discardOnAlert = par("discardOnAlert").boolValue();
    if (auto *link = dynamic_cast<QkdLink *>(findModuleByPath(par("qkdLink").stringValue()))) {
        eavesdropped = link->par("interceptResend").doubleValue() > 0 || link->par("pnsAttack").boolValue();
        attackStart = link->par("attackStart").doubleValue();
        attackEnd = link->par("attackEnd").doubleValue();
    }
    qidsHook.resolve(par("qidsHook").stdstringValue());
    scoreSignal = registerSignal("qidsScore");
    thresholdSignal = registerSignal("qidsThreshold");
    alertSignal = registerSignal("qidsAlert");
    windowTimer = new omnetpp::cMessage("window", WINDOW);
    windowTimer->setSchedulingPriority(1);  // after key blocks that reach the KeyManager at the same instant
    scheduleAt(omnetpp::simTime() + window, windowTimer);
}

void QidsMonitor::handleMessage(omnetpp::cMessage *msg)
{
    if (msg->getKind() != WINDOW)
        throw omnetpp::cRuntimeError("Unexpected message kind %d", msg->getKind());
    KeyManager::WindowStats s = keys->windowStats(window);
    if (s.attempted > 0) {  // no block finished in this window: nothing new to judge
        Value args = settings;
        args.set("time", omnetpp::simTime().dbl());
        args.set("qber", s.meanQber);
        args.set("keys_dropped", s.dropped);
        args.set("keys_attempted", s.attempted);
        Value r = qidsHook(args);
        emit(scoreSignal, r["score"].asDouble());
        emit(thresholdSignal, r["threshold"].asDouble());
        if (r["alert"].asBool()) {
            omnetpp::simtime_t now = omnetpp::simTime();
            emit(alertSignal, now);
            lastAlertTime = now;
            if (!underAttack(now))
                falseAlerts++;
            else if (firstTrueAlert < omnetpp::SimTime())
                firstTrueAlert = now;
            if (discardOnAlert)
                keys->discardAll();
        }
    }
    scheduleAt(omnetpp::simTime() + window, windowTimer);
}

bool QidsMonitor::underAttack(omnetpp::simtime_t t) const
{
    // a window judges the blocks that ended in it: an attack shows up to one window after it stops
    return eavesdropped && t >= attackStart && (attackEnd < omnetpp::SimTime() || t <= attackEnd + window);
}

void QidsMonitor::finish()
{
    recordScalar("eavesdropped", eavesdropped ? 1.0 : 0.0);
    recordScalar("falseAlerts", static_cast<double>(falseAlerts));
    if (!eavesdropped)
        return;
    recordScalar("eavesdropDetected", firstTrueAlert >= omnetpp::SimTime() ? 1.0 : 0.0);
    if (firstTrueAlert >= omnetpp::SimTime())
        recordScalar("eavesdropDetectionDelay", firstTrueAlert - std::max(attackStart, omnetpp::SimTime()));
}

}  // namespace qcity
