#include "csimulation.h"

#include <algorithm>
#include <climits>
#include <cstdio>

namespace qcity::sim {

thread_local cSimulation *cSimulation::active_ = nullptr;

simtime_t simTime()
{
    cSimulation *sim = cSimulation::getActiveSimulation();
    return sim ? sim->getSimTime() : SIMTIME_ZERO;
}

cSimulation::cSimulation() : modules_(1), components_(1, nullptr) {}

cSimulation::~cSimulation()
{
    ActiveSimulationGuard guard(this);
    // Modules go first, children before parents: a destructor may cancelAndDelete()
    // its own timers, which are still in the FES. What remains there is then freed.
    for (std::size_t i = modules_.size(); i-- > 1;)
        modules_[i].reset();
    for (cMessage *m : fes_.drain())
        delete m;
    channels_.clear();
}

cModule *cSimulation::createModule(const std::string &className, const std::string &name, cModule *parent, int index, int vectorSize)
{
    if (!parent && getSystemModule())
        throw cRuntimeError("The network already has a system module (%s)", getSystemModule()->getFullPath().c_str());
    ActiveSimulationGuard guard(this);
    cModule *m = className.empty() ? new cModule() : createModuleOfType(className);
    m->setName(name.c_str());
    m->sim_ = this;
    m->parent_ = parent;
    m->index_ = index;
    m->vectorSize_ = vectorSize;
    m->id_ = static_cast<int>(components_.size());
    m->fullPath_ = parent ? parent->getFullPath() + "." + m->getFullName() : m->getFullName();
    modules_.resize(m->id_ + 1);
    modules_[m->id_].reset(m);
    components_.push_back(m);
    if (parent)
        parent->submodules_.push_back(m);
    return m;
}

cChannel *cSimulation::createChannel(const std::string &nedType)
{
    cChannel *c;
    if (nedType == "ned.IdealChannel")
        c = new cIdealChannel();
    else if (nedType == "ned.DelayChannel")
        c = new cDelayChannel();
    else if (nedType == "ned.DatarateChannel")
        c = new cDatarateChannel();
    else
        throw cRuntimeError("Unknown channel implementation '%s' (ned.IdealChannel, ned.DelayChannel, ned.DatarateChannel)", nedType.c_str());
    c->sim_ = this;
    c->setName("channel");
    c->id_ = static_cast<int>(components_.size());
    components_.push_back(c);
    channels_.emplace_back(c);
    return c;
}

void cSimulation::registerGate(cGate *g)
{
    g->id_ = static_cast<int>(gates_.size());
    gates_.push_back(g);
}

void cSimulation::connect(cGate *src, cGate *dst, cChannel *channel)
{
    if (src->next_)
        throw cRuntimeError("Gate %s is already connected", src->getFullPath().c_str());
    if (dst->prev_)
        throw cRuntimeError("Gate %s is already connected", dst->getFullPath().c_str());
    src->connectTo(dst, channel);
}

void cSimulation::setupRngs(int64_t seedSet, int numRngs, const std::vector<std::pair<int, uint32_t>> &explicitSeeds)
{
    if (numRngs < 1)
        throw cRuntimeError("num-rngs must be at least 1, got %d", numRngs);
    rngs_.assign(numRngs, cRNG());
    for (int k = 0; k < numRngs; k++)
        rngs_[k].seed(cRNG::defaultSeed(seedSet, k, numRngs));
    for (auto [k, seed] : explicitSeeds) {  // seed-k-mt
        if (k < 0 || k >= numRngs)
            throw cRuntimeError("seed-%d-mt: there is no RNG %d (num-rngs=%d)", k, k, numRngs);
        rngs_[k].seed(seed);
    }
}

void cSimulation::setFingerprintIngredients(const std::vector<std::string> &ingredientSets)
{
    if (ingredientSets.empty())
        throw cRuntimeError("setFingerprintIngredients: no ingredient set given");
    std::vector<FingerprintCalculator> calculators(ingredientSets.size());
    for (std::size_t i = 0; i < ingredientSets.size(); i++)
        calculators[i].setIngredients(ingredientSets[i]);
    fingerprints_ = std::move(calculators);
}

cRNG *cSimulation::getRng(int k)
{
    if (rngs_.empty())
        setupRngs(0, 1);
    if (k < 0 || k >= (int)rngs_.size())
        throw cRuntimeError("RNG index %d out of range (num-rngs=%d)", k, (int)rngs_.size());
    return &rngs_[k];
}

void cSimulation::addStatistic(cComponent *component, const std::string &name, const std::string &signalName, unsigned modes,
                               const std::string &title, const std::string &unit, const std::string &interpolation,
                               std::vector<SourceOp> ops, const std::string &sourceText)
{
    auto rec = std::make_unique<StatisticRecorder>(this, component, name, sourceText.empty() ? signalName : sourceText, modes, title,
                                                   unit, interpolation, std::move(ops));
    component->subscribe(cComponent::registerSignal(signalName.c_str()), rec.get());
    recorders_.push_back(std::move(rec));
}

cModule *cSimulation::getModule(int id) const
{
    return id > 0 && id < (int)modules_.size() ? modules_[id].get() : nullptr;
}

cComponent *cSimulation::getComponent(int id) const
{
    return id > 0 && id < (int)components_.size() ? components_[id] : nullptr;
}

cModule *cSimulation::getModuleByPath(const char *path) const
{
    cModule *top = getSystemModule();
    if (!top)
        return nullptr;
    std::string p = path;
    std::string first = p.substr(0, p.find('.'));
    if (first != top->getFullName())
        return nullptr;
    return p.size() == first.size() ? top : top->getModuleByPath(p.substr(first.size() + 1).c_str());
}

void cSimulation::insertEvent(cMessage *msg)
{
    if (msg->arrivalTime_ < now_)
        throw cRuntimeError("Cannot schedule (%s)%s at t=%ss: that is in the past (now t=%ss)", msg->getClassName(), msg->getName(),
                            msg->arrivalTime_.str().c_str(), now_.str().c_str());
    fes_.insert(msg);
}

void cSimulation::initializeAll()
{
    // Channels first (they only read their parameters), then modules stage by stage, each
    // stage a preorder walk (a module, then its submodules in creation order), as OMNeT++'s
    // callInitialize(): the order decides which self-message is scheduled first.
    for (auto &c : channels_) {
        context_ = c.get();
        c->initialize();
    }
    for (auto &rec : recorders_)  // before any initialize(0), as emitStatisticInitialValues()
        rec->emitInitialValues();
    int maxStages = 1;
    for (std::size_t i = 1; i < modules_.size(); i++)
        if (auto *s = dynamic_cast<cSimpleModule *>(modules_[i].get()))
            maxStages = std::max(maxStages, s->numInitStages());
    for (int stage = 0; stage < maxStages; stage++)
        initializeModules(getSystemModule(), stage);
    context_ = nullptr;
    initialized_ = true;
}

void cSimulation::initializeModules(cModule *m, int stage)
{
    if (auto *s = dynamic_cast<cSimpleModule *>(m))
        if (stage < s->numInitStages()) {
            context_ = s;
            s->initialize(stage);
        }
    for (cModule *sub : m->submodules_)
        initializeModules(sub, stage);
}

void cSimulation::finishAll(cModule *m)
{
    // submodules first, then the module itself, as OMNeT++'s callFinish()
    for (cModule *sub : m->submodules_)
        finishAll(sub);
    context_ = m;
    if (auto *s = dynamic_cast<cSimpleModule *>(m))
        s->finish();
    for (auto &sub : m->listeners_)
        sub.listener->finish(m, sub.signal);
}

void cSimulation::finalizeParameters()
{
    for (std::size_t i = 1; i < components_.size(); i++) {
        cComponent *c = components_[i];
        context_ = c;
        for (int k = 0; k < c->getNumParams(); k++)
            c->par(k).finalize();
    }
    context_ = nullptr;
}

void cSimulation::recordParams()
{
    for (std::size_t i = 1; i < components_.size(); i++) {
        cModule *m = dynamic_cast<cModule *>(components_[i]);
        if (!m)
            continue;
        for (int k = 0; k < m->getNumParams(); k++) {
            cPar &p = m->par(k);
            results_.recordParameter(m->getFullPath(), p.getName(), p.isVolatile() ? p.getExpressionText() : p.str());
        }
    }
}

void cSimulation::rethrowWithContext(const std::exception &e)
{
    if (dynamic_cast<const SimulationError *>(&e))
        throw;
    std::string path = context_ ? context_->getFullPath() : "";
    throw SimulationError(e.what(), path, initialized_ ? eventNumber_ : -1, now_.str());
}

RunReport cSimulation::run(const RunLimits &limits, const std::function<void(const ProgressInfo &)> &progress, double progressInterval)
{
    if (!getSystemModule())
        throw cRuntimeError("No network has been set up");
    ActiveSimulationGuard guard(this);
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(clock::now() - start).count(); };
    const bool hasTimeLimit = limits.simTimeLimit >= 0;
    const simtime_t timeLimit = hasTimeLimit ? simtime_t(limits.simTimeLimit) : SIMTIME_MAX;
    RunReport report;
    try {
        if (rngs_.empty())
            setupRngs(0, 1);
        finalizeParameters();
        recordParams();
        for (auto &rec : recorders_)
            rec->attachVector();
        initializeAll();
        double nextProgress = progressInterval;
        report.reason = "no more events";
        for (;;) {
            if (stopRequested_) {
                report.reason = "endSimulation";
                break;
            }
            cMessage *msg = fes_.peekFirst();
            if (!msg)
                break;
            // OMNeT++ ends the run with an event at the limit of the lowest priority, scheduled
            // before any other: events at the limit still run, unless of that priority.
            if (hasTimeLimit && (msg->arrivalTime_ > timeLimit || (msg->arrivalTime_ == timeLimit && msg->priority_ == SHRT_MAX))) {
                now_ = timeLimit;
                report.reason = "sim-time-limit";
                break;
            }
            if (limits.eventLimit >= 0 && eventNumber_ >= limits.eventLimit) {
                report.reason = "event-limit";
                break;
            }
            fes_.remove(msg);  // the event peeked above: no second search for the first one
            now_ = msg->arrivalTime_;
            eventNumber_++;
            cSimpleModule *target = static_cast<cSimpleModule *>(modules_[msg->arrivalModuleId_].get());
            for (auto &f : fingerprints_)
                f.addEvent(msg, target, *this);
            context_ = target;
            target->handleMessage(msg);
            context_ = nullptr;
            if ((eventNumber_ & 0xFFFF) == 0) {  // look at the clock only every 65536 events
                double t = elapsed();
                if (limits.cpuTimeLimit >= 0 && t >= limits.cpuTimeLimit) {
                    report.reason = "cpu-time-limit";
                    break;
                }
                if (progress && t >= nextProgress) {
                    progress({eventNumber_, now_.dbl(), t});
                    nextProgress = t + progressInterval;
                }
            }
        }
        finishAll(getSystemModule());
        context_ = nullptr;
        results_.commit();
    }
    catch (const std::exception &e) {
        results_.abort();
        rethrowWithContext(e);
    }
    report.events = eventNumber_;
    for (const auto &f : fingerprints_)
        report.fingerprint += (report.fingerprint.empty() ? "" : ", ") + f.str();  // as cMultiFingerprintCalculator::str()
    report.simTime = now_.str();
    report.simTimeSeconds = now_.dbl();
    report.elapsedSeconds = elapsed();
    return report;
}

}  // namespace qcity::sim
