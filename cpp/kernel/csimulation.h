// cSimulation: owns the network, the future event set and the RNGs, and runs the
// event loop. One simulation is "active" per thread while it is built or runs;
// simTime() and getSimulation() refer to it, as in OMNeT++.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "csimplemodule.h"
#include "cfingerprint.h"
#include "eventheap.h"
#include "resultwriter.h"
#include "statistics.h"

namespace qcity::sim {

struct RunLimits
{
    double simTimeLimit = -1;  // seconds; <0: none
    double cpuTimeLimit = -1;  // wall-clock seconds; <0: none
    int64_t eventLimit = -1;
};

struct RunReport
{
    int64_t events = 0;
    std::string simTime;  // exact decimal text
    double simTimeSeconds = 0;
    double elapsedSeconds = 0;
    std::string reason;  // "sim-time-limit", "no more events", "endSimulation", "cpu-time-limit", "event-limit"
    // OMNeT++'s fingerprint(s), "1a2b-3c4d/tplx", comma-separated when several were asked for
    std::string fingerprint;
};

struct ProgressInfo
{
    int64_t events;
    double simTime;
    double elapsedSeconds;
};

class cSimulation
{
    std::vector<std::unique_ptr<cModule>> modules_;   // index = module id; [0] unused
    std::vector<std::unique_ptr<cChannel>> channels_;
    std::vector<cComponent *> components_;            // every component by id
    std::vector<cGate *> gates_;                      // index = gate id
    std::vector<std::unique_ptr<StatisticRecorder>> recorders_;
    std::vector<cRNG> rngs_;
    std::vector<int> listenerCounts_;  // per signal id: subscriptions anywhere in this simulation
    EventHeap fes_;
    ResultWriter results_;
    simtime_t now_;
    simtime_t warmupPeriod_;
    int64_t eventNumber_ = 0;
    cComponent *context_ = nullptr;
    bool stopRequested_ = false;
    bool initialized_ = false;
    std::vector<FingerprintCalculator> fingerprints_ = std::vector<FingerprintCalculator>(1);
    static thread_local cSimulation *active_;

    void initializeAll();
    void initializeModules(cModule *m, int stage);
    void finishAll(cModule *m);
    void finalizeParameters();
    void recordParams();
    [[noreturn]] void rethrowWithContext(const std::exception &e);

  public:
    cSimulation();
    ~cSimulation();
    cSimulation(const cSimulation &) = delete;
    cSimulation &operator=(const cSimulation &) = delete;

    static cSimulation *getActiveSimulation() { return active_; }
    static void setActiveSimulation(cSimulation *sim) { active_ = sim; }

    // ---- building (used by the network builder) ----
    cModule *createModule(const std::string &className, const std::string &name, cModule *parent, int index, int vectorSize);
    cChannel *createChannel(const std::string &nedType);
    void connect(cGate *src, cGate *dst, cChannel *channel);
    void registerGate(cGate *g);
    // OMNeT++'s seeding: RNG k gets seed-set * num-rngs + k unless seed-k-mt names its seed.
    void setupRngs(int64_t seedSet, int numRngs, const std::vector<std::pair<int, uint32_t>> &explicitSeeds = {});
    // One calculator per ingredient set (OMNeT++ allows several, comma-separated); default "tplx".
    void setFingerprintIngredients(const std::vector<std::string> &ingredientSets);
    FingerprintCalculator *getFingerprintCalculator() { return &fingerprints_.front(); }
    int getNumRngs() const { return static_cast<int>(rngs_.size()); }
    cRNG *getRng(int k);
    void addStatistic(cComponent *component, const std::string &name, const std::string &signalName, unsigned modes,
                      const std::string &title, const std::string &unit, const std::string &interpolation,
                      std::vector<SourceOp> ops = {}, const std::string &sourceText = "");
    ResultWriter &getResultWriter() { return results_; }
    // Lets emit() return at once for a signal nobody listens to (OMNeT++'s mayHaveListeners).
    bool mayHaveListeners(simsignal_t s) const { return s < (int)listenerCounts_.size() && listenerCounts_[s] > 0; }
    void listenerAdded(simsignal_t s)
    {
        if (s >= (int)listenerCounts_.size())
            listenerCounts_.resize(s + 1, 0);
        listenerCounts_[s]++;
    }
    void listenerRemoved(simsignal_t s) { listenerCounts_.at(s)--; }

    // ---- queries ----
    cModule *getSystemModule() const { return modules_.size() > 1 ? modules_[1].get() : nullptr; }
    cModule *getModule(int id) const;
    cComponent *getComponent(int id) const;
    cGate *getGate(int id) const { return id >= 0 && id < (int)gates_.size() ? gates_[id] : nullptr; }
    cModule *getModuleByPath(const char *path) const;
    simtime_t getSimTime() const { return now_; }
    // warmup-period: @statistic recorders ignore values emitted before this time
    void setWarmupPeriod(simtime_t t) { warmupPeriod_ = t; }
    simtime_t getWarmupPeriod() const { return warmupPeriod_; }
    int64_t getEventNumber() const { return eventNumber_; }
    cComponent *getContext() const { return context_; }
    void setContext(cComponent *c) { context_ = c; }
    std::size_t getFesLength() const { return fes_.size(); }

    // ---- events ----
    void insertEvent(cMessage *msg);
    cMessage *removeEvent(cMessage *msg) { return fes_.remove(msg); }
    void removeDeletedEvent(cMessage *msg) { fes_.remove(msg); }
    void requestStop() { stopRequested_ = true; }

    // Runs initialize(), the event loop and finish(), then writes the results.
    // `progress` is called about every `progressInterval` wall-clock seconds; it may throw to abort.
    RunReport run(const RunLimits &limits, const std::function<void(const ProgressInfo &)> &progress = {},
                  double progressInterval = 1.0);
};

inline cSimulation *getSimulation() { return cSimulation::getActiveSimulation(); }
simtime_t simTime();

// Makes a simulation the thread's active one for a scope.
class ActiveSimulationGuard
{
    cSimulation *prev_;

  public:
    explicit ActiveSimulationGuard(cSimulation *sim) : prev_(cSimulation::getActiveSimulation()) { cSimulation::setActiveSimulation(sim); }
    ~ActiveSimulationGuard() { cSimulation::setActiveSimulation(prev_); }
};

}  // namespace qcity::sim
