// Steepest-descent local search on the makespan machine, for MF-MBO's local adjustment.
//
// The algorithm is the one qcity.scheduling.localsearch documents (move, swap and plateau
// neighbourhoods, candidates proposed by their makespan from the three largest loads and
// charged against the run's evaluation budget). It lives in C++ because a descent step
// scores thousands of candidates, each a handful of operations: in NumPy the per-call
// overhead, not the arithmetic, set the pace (benchmarks/bench_scheduling.py).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace qcity::scheduling {

// What a schedule is scored on; every objective is a function of the machine loads alone
// (qcity.scheduling.objectives gives the definitions).
enum class ObjectiveKind { Makespan, Energy, Imbalance, Fuzzy };

struct LoadObjective {
    ObjectiveKind kind = ObjectiveKind::Makespan;
    std::vector<double> activePower, idlePower;  // per machine (energy, fuzzy)
    std::array<double, 3> ideal{}, poor{}, weights{};  // fuzzy: makespan, load balance index, energy

    double operator()(const double *loads, int machines) const;  // lower is better
};

struct SearchProblem {
    int tasks = 0, machines = 0;
    std::vector<double> etc;       // tasks x machines, row-major
    std::vector<double> prices;    // machine prices (the makespan LP's duals)
    std::vector<int64_t> target;   // per task: the machine migration and plateau moves take it to
    LoadObjective objective;
    bool makespanShortcut = false; // score candidates by their makespan alone (it is the objective)
    int swapPartners = 128;        // swap partners sampled per step
    int shortlist = 1;             // candidates per neighbourhood scored on the objective proper
    double makespanCost = 0;       // a candidate's charge, in full evaluations
};

struct DescentResult {
    double objective = 0;  // of the final schedule
    double spent = 0;      // evaluations charged
    int64_t steps = 0;     // improving steps taken
};

// Descends from `assign` (objective `f`, machine loads `loads`, both updated in place) until
// no neighbourhood improves it or `budgetLeft` evaluations are spent. `seed` drives the
// sampling of swap partners.
DescentResult descend(const SearchProblem &problem, int64_t *assign, double *loads, double f, double budgetLeft,
                      uint64_t seed);

}  // namespace qcity::scheduling
