#include "EdgeScheduler.h"

#include <algorithm>

namespace qcity {

Define_Module(EdgeScheduler);

EdgeScheduler::~EdgeScheduler() { cancelAndDelete(roundTimer); }

void EdgeScheduler::initialize()
{
    roundInterval = par("roundInterval").doubleValue();
    evaluations = par("evaluations").intValue();
    int n = par("numServers").intValue();
    if (roundInterval <= omnetpp::SimTime() || evaluations < 1 || n < 1)
        throw omnetpp::cRuntimeError("need roundInterval > 0, evaluations >= 1 and numServers >= 1");
    speeds = omnetpp::cStringTokenizer(par("serverSpeeds").stringValue()).asDoubleVector();
    for (double s : speeds)
        if (s <= 0)
            throw omnetpp::cRuntimeError("server speeds must be positive, got %g", s);
    if ((int)speeds.size() != n)
        throw omnetpp::cRuntimeError("serverSpeeds lists %d speeds for numServers = %d", (int)speeds.size(), n);
    double active = par("activePower").doubleValue(), idle = par("idlePower").doubleValue();
    if (idle < 0 || active < idle)
        throw omnetpp::cRuntimeError("need 0 <= idlePower <= activePower");
    double fastest = *std::max_element(speeds.begin(), speeds.end());
    for (double sp : speeds) {  // slower servers draw proportionally less when busy (linear power model)
        idlePower.push_back(idle * sp / fastest);
        activePower.push_back(active * sp / fastest);
    }
    taskSize = &par("taskSize");
    affinityMin = par("affinityMin").doubleValue();
    affinityMax = par("affinityMax").doubleValue();
    if (affinityMin <= 0 || affinityMax < affinityMin)
        throw omnetpp::cRuntimeError("need 0 < affinityMin <= affinityMax");
    busyUntil.assign(n, omnetpp::SimTime());
    schedulerHook.resolve(par("schedulerHook").stdstringValue());
    boundHook.resolve(par("boundHook").stdstringValue());  // "" leaves it unset
    completionSignal = registerSignal("taskCompletion");
    waitSignal = registerSignal("taskWait");
    makespanSignal = registerSignal("roundMakespan");
    tasksSignal = registerSignal("roundTasks");
    energySignal = registerSignal("energy");
    boundSignal = registerSignal("roundBound");
    gapSignal = registerSignal("roundGap");
    roundTimer = new omnetpp::cMessage("round", ROUND);
    scheduleAt(omnetpp::simTime() + roundInterval, roundTimer);
}

void EdgeScheduler::handleMessage(omnetpp::cMessage *msg)
{
    if (msg == roundTimer) {
        scheduleRound();
        scheduleAt(omnetpp::simTime() + roundInterval, roundTimer);
        return;
    }
    arrivals.push_back(omnetpp::simTime());  // the message only announces a task
    delete msg;
}

void EdgeScheduler::scheduleRound()
{
    emit(tasksSignal, (long)arrivals.size());
    if (arrivals.empty())
        return;
    std::size_t m = speeds.size();
    Value etc = Value::list();
    std::vector<std::vector<double>> times(arrivals.size(), std::vector<double>(m));
    for (std::size_t t = 0; t < arrivals.size(); t++) {
        double size = taskSize->doubleValue();
        if (size <= 0)
            throw omnetpp::cRuntimeError("taskSize must be positive, got %g", size);
        Value row = Value::list();
        for (std::size_t j = 0; j < m; j++) {
            times[t][j] = size / speeds[j] * uniform(affinityMin, affinityMax);
            row.append(times[t][j]);
        }
        etc.append(row);
    }
    omnetpp::simtime_t now = omnetpp::simTime();
    std::vector<double> ready(m);  // each server's earlier work still to do
    for (std::size_t j = 0; j < m; j++)
        ready[j] = std::max(0.0, (busyUntil[j] - now).dbl());
    Value args = Value::dict({{"etc", etc}, {"active_power", Value(activePower)}, {"idle_power", Value(idlePower)},
                              {"evaluations", evaluations}, {"seed", static_cast<long long>(intuniform(0, 1 << 30))},
                              {"ready", Value(ready)}});
    Value assignment = schedulerHook(args);
    if (assignment.size() != arrivals.size())
        throw omnetpp::cRuntimeError("scheduler hook returned %d servers for %d tasks", (int)assignment.size(), (int)arrivals.size());
    std::vector<omnetpp::simtime_t> start(busyUntil);
    for (auto &b : start)
        b = std::max(b, now);
    std::vector<double> busy(m, 0.0);
    omnetpp::simtime_t roundEnd = now;
    for (std::size_t t = 0; t < arrivals.size(); t++) {
        int64_t j = assignment[t].asInt();
        if (j < 0 || j >= (int64_t)m)
            throw omnetpp::cRuntimeError("scheduler hook assigned task %d to server %lld (valid: 0..%d)", (int)t, (long long)j, (int)m - 1);
        omnetpp::simtime_t begin = start[j];
        start[j] += times[t][j];
        busy[j] += times[t][j];
        emit(waitSignal, begin - arrivals[t]);
        emit(completionSignal, start[j] - arrivals[t]);
        roundEnd = std::max(roundEnd, start[j]);
    }
    emit(makespanSignal, roundEnd - now);
    if (boundHook.isSet()) {
        double bound = boundHook(args).asDouble();
        double makespan = (roundEnd - now).dbl();
        // the LP solver's tolerance (about 1e-7) can put an exact bound a hair above the makespan
        if (!(bound > 0) || bound > makespan * (1 + 1e-6))
            throw omnetpp::cRuntimeError("bound hook returned %g for a round whose makespan is %g s", bound, makespan);
        emit(boundSignal, bound);
        emit(gapSignal, std::max(0.0, makespan / bound - 1));
    }
    double joules = 0;
    for (std::size_t j = 0; j < m; j++) {
        busyUntil[j] = start[j];
        double idle = std::max(0.0, (roundEnd - now).dbl() - busy[j]);
        joules += activePower[j] * busy[j] + idlePower[j] * idle;
    }
    emit(energySignal, joules);
    arrivals.clear();
}

}  // namespace qcity
