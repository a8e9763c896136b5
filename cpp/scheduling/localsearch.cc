#include "localsearch.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qcity::scheduling {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// SplitMix64 (Steele, Lea and Flood 2014): a small, well-mixed generator whose stream is the
// same on every platform, unlike the std distributions.
class SplitMix64 {
  public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}
    uint64_t next()
    {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, bound) without modulo bias (Lemire 2019).
    uint64_t below(uint64_t bound)
    {
        __uint128_t product = static_cast<__uint128_t>(next()) * bound;
        uint64_t low = static_cast<uint64_t>(product);
        if (low < bound) {
            const uint64_t threshold = -bound % bound;
            while (low < threshold) {
                product = static_cast<__uint128_t>(next()) * bound;
                low = static_cast<uint64_t>(product);
            }
        }
        return static_cast<uint64_t>(product >> 64);
    }

  private:
    uint64_t state_;
};

double membership(double value, double ideal, double poor)
{
    const double mu = ideal != poor ? (value - poor) / (ideal - poor) : 1.0;
    return std::clamp(mu, 0.0, 1.0);
}

// A step's outcome: the new objective, no improvement, or the budget ran out before scoring.
struct Step {
    enum Kind { Improved, None, Spent } kind;
    double objective = 0;
};

// The `shortlist` lowest finite ranks, earlier candidates first among equals (NumPy's stable
// argsort), as (rank, candidate index) pairs in rank order.
class Shortlist {
  public:
    explicit Shortlist(int size) : size_(static_cast<size_t>(size)) { entries_.reserve(size_ + 1); }
    void offer(double rank, int64_t index)
    {
        if (!(rank < kInf) || (entries_.size() == size_ && !(rank < entries_.back().first)))
            return;
        auto at = std::upper_bound(entries_.begin(), entries_.end(), rank,
                                   [](double r, const std::pair<double, int64_t> &e) { return r < e.first; });
        entries_.insert(at, {rank, index});
        if (entries_.size() > size_)
            entries_.pop_back();
    }
    const std::vector<std::pair<double, int64_t>> &entries() const { return entries_; }

  private:
    size_t size_;
    std::vector<std::pair<double, int64_t>> entries_;
};

// One candidate schedule: machine `first` gets load `firstLoad`, `second` gets `secondLoad`.
struct Candidate {
    int first;
    double firstLoad;
    int second;
    double secondLoad;
};

// The candidate a neighbourhood would take and its score (+inf: none).
struct Pick {
    int64_t index = -1;
    double score = kInf;
};

// Each neighbourhood enumerates its candidates once, scoring each by its makespan as it goes
// (nothing is stored per candidate: a step on a large instance has thousands). On the makespan
// shortcut that score decides; otherwise the shortlist by rank is scored on the objective.
class Descent {
  public:
    Descent(const SearchProblem &p, int64_t *assign, double *loads, double budgetLeft, uint64_t seed)
        : p_(p), a_(assign), ld_(loads), left_(budgetLeft), rng_(seed), scratch_(p.machines), others_(p.machines)
    {
    }

    DescentResult run(double f)
    {
        DescentResult result;
        for (;;) {
            Step step = move(f);
            if (step.kind == Step::None)
                step = swap(f);
            if (step.kind == Step::None)
                step = plateau(f);
            if (step.kind != Step::Improved)
                break;
            f = step.objective;
            ++result.steps;
        }
        result.objective = f;
        result.spent = spent_;
        return result;
    }

  private:
    const SearchProblem &p_;
    int64_t *a_;
    double *ld_;
    double left_, spent_ = 0;
    SplitMix64 rng_;
    std::vector<double> scratch_;
    std::vector<double> others_;  // per machine m: the largest load outside the makespan machine and m
    std::vector<int64_t> tasks_, partners_;
    std::vector<double> saving_, scores_;  // the plateau's candidates
    std::vector<char> wanted_;

    double etc(int64_t t, int64_t m) const { return p_.etc[t * p_.machines + m]; }
    static double tolerance(double f) { return 1e-12 * std::max(std::abs(f), 1e-300); }

    bool charge(double cost)
    {
        if (cost > left_)
            return false;
        left_ -= cost;
        spent_ += cost;
        return true;
    }

    int busiest() const { return static_cast<int>(std::max_element(ld_, ld_ + p_.machines) - ld_); }

    // The largest load outside machines `first` and `second`, from the three largest loads (0 when
    // there is no third machine: loads are never negative).
    class TopThree {
      public:
        TopThree(const double *loads, int machines)
        {
            for (int m = 0; m < machines; ++m) {
                for (int k = 0; k < 3; ++k) {
                    if (machine_[k] < 0 || loads[m] > load_[k]) {
                        for (int j = 2; j > k; --j) {
                            machine_[j] = machine_[j - 1];
                            load_[j] = load_[j - 1];
                        }
                        machine_[k] = m;
                        load_[k] = loads[m];
                        break;
                    }
                }
            }
        }
        double outside(int first, int second) const
        {
            for (int k = 0; k < 2; ++k)
                if (machine_[k] != first && machine_[k] != second)
                    return load_[k];
            return load_[2];
        }

      private:
        std::array<int, 3> machine_{-1, -1, -1};
        std::array<double, 3> load_{0, 0, 0};
    };

    // others_[m] for the makespan machine c
    void findOthers(int c)
    {
        const TopThree top(ld_, p_.machines);
        for (int m = 0; m < p_.machines; ++m)
            others_[m] = top.outside(c, m);
    }

    double objectiveOf(const Candidate &c)
    {
        std::copy(ld_, ld_ + p_.machines, scratch_.begin());
        scratch_[c.first] = c.firstLoad;
        scratch_[c.second] = c.secondLoad;
        return p_.objective(scratch_.data(), p_.machines);
    }

    // Off the shortcut: the shortlisted candidates scored on the objective (one full evaluation
    // each); the lowest wins, the earlier among equals. False once the budget is spent.
    template <typename CandidateOf>
    bool scoreShortlist(const Shortlist &best, CandidateOf candidateOf, Pick &pick, std::vector<double> *scores = nullptr)
    {
        if (!charge(static_cast<double>(best.entries().size())))
            return false;
        for (const auto &entry : best.entries()) {
            const double score = objectiveOf(candidateOf(entry.second));
            if (scores)
                (*scores)[entry.second] = score;
            if (score < pick.score || (score == pick.score && entry.second < pick.index))
                pick = {entry.second, score};
        }
        return true;
    }

    // A candidate's makespan: on the shortcut the first lowest is the pick, otherwise it ranks
    // the candidate for the shortlist.
    void propose(double makespan, int64_t index, Pick &pick, Shortlist &best) const
    {
        if (p_.makespanShortcut) {
            if (makespan < pick.score)
                pick = {index, makespan};
        }
        else {
            best.offer(makespan, index);
        }
    }

    // Once every candidate is proposed: off the shortcut the shortlist is scored, then the pick
    // improves on f by more than the tolerance, or does not.
    template <typename CandidateOf>
    Step::Kind settle(const Shortlist &best, CandidateOf candidateOf, Pick &pick, double f)
    {
        if (!p_.makespanShortcut && !scoreShortlist(best, candidateOf, pick))
            return Step::Spent;
        return pick.score < f - tolerance(f) ? Step::Improved : Step::None;
    }

    void tasksOn(int machine, bool on, std::vector<int64_t> &out) const
    {
        out.clear();
        for (int64_t t = 0; t < p_.tasks; ++t)
            if ((a_[t] == machine) == on)
                out.push_back(t);
    }

    // A task off the makespan machine to any other machine.
    Step move(double f)
    {
        const int c = busiest(), machines = p_.machines;
        tasksOn(c, true, tasks_);
        if (tasks_.empty())
            return {Step::None};
        if (!charge(static_cast<double>(tasks_.size() * machines) * p_.makespanCost))
            return {Step::Spent};
        findOthers(c);
        auto candidateOf = [&](int64_t index) {
            const int64_t t = tasks_[index / machines];
            const int m = static_cast<int>(index % machines);
            return Candidate{c, ld_[c] - etc(t, c), m, ld_[m] + etc(t, m)};
        };
        Pick pick;
        Shortlist best(p_.shortlist);
        for (size_t i = 0; i < tasks_.size(); ++i) {
            const int64_t t = tasks_[i];
            const double firstLoad = ld_[c] - etc(t, c);
            const double *row = &p_.etc[t * machines];
            for (int m = 0; m < machines; ++m) {
                if (m == c)  // a move to its own machine is none
                    continue;
                const double makespan = std::max(others_[m], std::max(firstLoad, ld_[m] + row[m]));
                propose(makespan, static_cast<int64_t>(i) * machines + m, pick, best);
            }
        }
        if (const Step::Kind kind = settle(best, candidateOf, pick, f); kind != Step::Improved)
            return {kind};
        const Candidate cand = candidateOf(pick.index);
        const int64_t t = tasks_[pick.index / machines];
        ld_[c] -= etc(t, c);
        ld_[cand.second] += etc(t, cand.second);
        a_[t] = cand.second;
        return {Step::Improved, pick.score};
    }

    // Picks k swap partners, first those on a machine that a task of the makespan machine c is
    // targeted at (a swap that takes a task to its target machine is the one that cuts total
    // work), the rest at random; a partial Fisher-Yates shuffle samples each group. Kept in task
    // order.
    void samplePartners(int c, size_t k)
    {
        wanted_.assign(p_.machines, 0);
        for (int64_t t : tasks_)
            wanted_[p_.target[t]] = 1;
        wanted_[c] = 0;
        const auto split = std::stable_partition(partners_.begin(), partners_.end(),
                                                 [&](int64_t u) { return wanted_[a_[u]] != 0; });
        const size_t first = static_cast<size_t>(split - partners_.begin());
        auto shuffle = [&](size_t from, size_t to, size_t count) {
            for (size_t i = from; i < from + count; ++i)
                std::swap(partners_[i], partners_[i + rng_.below(to - i)]);
        };
        if (first >= k) {
            shuffle(0, first, k);
        }
        else {
            shuffle(first, partners_.size(), k - first);
        }
        partners_.resize(k);
        std::sort(partners_.begin(), partners_.end());
    }

    // A task of the makespan machine exchanged with one of another machine (sampled partners).
    Step swap(double f)
    {
        const int c = busiest();
        tasksOn(c, true, tasks_);
        tasksOn(c, false, partners_);
        if (tasks_.empty() || partners_.empty())
            return {Step::None};
        const size_t k = static_cast<size_t>(p_.swapPartners);
        if (partners_.size() > k)
            samplePartners(c, k);
        const size_t n = partners_.size();
        if (!charge(static_cast<double>(tasks_.size() * n) * p_.makespanCost))
            return {Step::Spent};
        findOthers(c);
        auto candidateOf = [&](int64_t index) {
            const int64_t t = tasks_[index / n], u = partners_[index % n];
            const int j = static_cast<int>(a_[u]);
            return Candidate{c, ld_[c] + etc(u, c) - etc(t, c), j, ld_[j] + etc(t, j) - etc(u, j)};
        };
        Pick pick;
        Shortlist best(p_.shortlist);
        for (size_t i = 0; i < tasks_.size(); ++i) {
            const int64_t t = tasks_[i];
            const double here = etc(t, c);
            const double *row = &p_.etc[t * p_.machines];
            for (size_t q = 0; q < n; ++q) {
                const int64_t u = partners_[q];
                const int j = static_cast<int>(a_[u]);
                const double *partnerRow = &p_.etc[u * p_.machines];
                const double firstLoad = ld_[c] + partnerRow[c] - here;
                const double secondLoad = ld_[j] + row[j] - partnerRow[j];
                const double makespan = std::max(others_[j], std::max(firstLoad, secondLoad));
                propose(makespan, static_cast<int64_t>(i * n + q), pick, best);
            }
        }
        if (const Step::Kind kind = settle(best, candidateOf, pick, f); kind != Step::Improved)
            return {kind};
        const int64_t t = tasks_[pick.index / n], u = partners_[pick.index % n];
        const int j = static_cast<int>(a_[u]);
        ld_[c] += etc(u, c) - etc(t, c);
        ld_[j] += etc(t, j) - etc(u, j);
        a_[t] = j;
        a_[u] = c;
        return {Step::Improved, pick.score};
    }

    // A task to its target machine where the objective does not get worse, the largest priced saving first.
    Step plateau(double f)
    {
        tasks_.clear();
        for (int64_t t = 0; t < p_.tasks; ++t)
            if (a_[t] != p_.target[t])
                tasks_.push_back(t);
        if (tasks_.empty())
            return {Step::None};
        if (!charge(static_cast<double>(tasks_.size()) * p_.makespanCost))
            return {Step::Spent};
        auto candidateOf = [&](int64_t index) {
            const int64_t t = tasks_[index];
            const int src = static_cast<int>(a_[t]), dst = static_cast<int>(p_.target[t]);
            return Candidate{src, ld_[src] - etc(t, src), dst, ld_[dst] + etc(t, dst)};
        };
        const TopThree top(ld_, p_.machines);
        const double ceiling = f + tolerance(f);
        saving_.resize(tasks_.size());
        std::vector<double> &scores = scores_;
        scores.assign(tasks_.size(), kInf);
        Shortlist best(p_.shortlist);
        for (size_t i = 0; i < tasks_.size(); ++i) {
            const int64_t t = tasks_[i];
            const int src = static_cast<int>(a_[t]), dst = static_cast<int>(p_.target[t]);
            saving_[i] = p_.prices[src] * etc(t, src) - p_.prices[dst] * etc(t, dst);
            if (p_.makespanShortcut) {
                const Candidate cand = candidateOf(static_cast<int64_t>(i));
                scores[i] = std::max(top.outside(src, dst), std::max(cand.firstLoad, cand.secondLoad));
            }
            else {
                best.offer(saving_[i] > 0 ? -saving_[i] : kInf, static_cast<int64_t>(i));
            }
        }
        Pick unused;
        if (!p_.makespanShortcut && !scoreShortlist(best, candidateOf, unused, &scores))
            return {Step::Spent};
        int64_t chosen = 0;
        double largest = -kInf;
        for (size_t i = 0; i < tasks_.size(); ++i) {
            const double s = scores[i] <= ceiling ? saving_[i] : -kInf;
            if (s > largest) {
                largest = s;
                chosen = static_cast<int64_t>(i);
            }
        }
        if (!(largest > 0))
            return {Step::None};
        const Candidate cand = candidateOf(chosen);
        const int64_t t = tasks_[chosen];
        ld_[cand.first] -= etc(t, cand.first);
        ld_[cand.second] += etc(t, cand.second);
        a_[t] = cand.second;
        return {Step::Improved, std::min(f, scores[chosen])};
    }
};

}  // namespace

double LoadObjective::operator()(const double *loads, int machines) const
{
    double makespan = 0, total = 0;
    for (int m = 0; m < machines; ++m) {
        makespan = std::max(makespan, loads[m]);
        total += loads[m];
    }
    if (kind == ObjectiveKind::Makespan)
        return makespan;
    const double lbi = makespan > 0 ? total / machines / makespan : 1.0;  // an all-zero schedule is balanced
    if (kind == ObjectiveKind::Imbalance)
        return 1.0 - lbi;
    double busy = 0, idle = 0;
    for (int m = 0; m < machines; ++m) {
        busy += loads[m] * activePower[m];
        idle += (makespan - loads[m]) * idlePower[m];
    }
    const double energy = busy + idle;
    if (kind == ObjectiveKind::Energy)
        return energy;
    const double values[3] = {makespan, lbi, energy};
    double score = 0;
    for (int k = 0; k < 3; ++k)
        score += membership(values[k], ideal[k], poor[k]) * weights[k];
    return 1.0 - score;
}

DescentResult descend(const SearchProblem &problem, int64_t *assign, double *loads, double f, double budgetLeft,
                      uint64_t seed)
{
    return Descent(problem, assign, loads, budgetLeft, seed).run(f);
}

}  // namespace qcity::scheduling
