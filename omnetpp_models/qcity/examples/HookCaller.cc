#include "HookCaller.h"

namespace qcity {

Define_Module(HookCaller);

HookCaller::~HookCaller() { cancelAndDelete(timer); }

void HookCaller::initialize()
{
    hook.resolve(par("hook").stdstringValue());
    interval = par("interval").doubleValue();
    calls = par("calls").intValue();
    if (interval <= omnetpp::SimTime())
        throw omnetpp::cRuntimeError("interval must be positive: %s", interval.str().c_str());
    if (calls < 0)
        throw omnetpp::cRuntimeError("calls must not be negative: %d", calls);
    resultSignal = registerSignal("hookResult");
    timer = new omnetpp::cMessage("call", CALL_TIMER);
    if (calls > 0)
        scheduleAt(omnetpp::simTime() + interval, timer);
}

void HookCaller::handleMessage(omnetpp::cMessage *msg)
{
    switch (msg->getKind()) {
        case CALL_TIMER: {
            Value result = hook(Value::dict({{"time", omnetpp::simTime().dbl()}, {"index", getIndex()}, {"call", callsMade}}));
            emit(resultSignal, result.asDouble());
            if (++callsMade < calls)
                scheduleAt(omnetpp::simTime() + interval, timer);
            break;
        }
        default:
            throw omnetpp::cRuntimeError("Unexpected message kind %d", msg->getKind());
    }
}

}  // namespace qcity
