// The scheduling local search (cpp/scheduling/localsearch.h) for qcity.scheduling.localsearch.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <map>
#include <string>

#include "localsearch.h"

namespace py = pybind11;
using qcity::scheduling::ObjectiveKind;
using qcity::scheduling::SearchProblem;

namespace {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using IndexArray = py::array_t<int64_t, py::array::c_style | py::array::forcecast>;

ObjectiveKind objectiveKind(const std::string &name)
{
    static const std::map<std::string, ObjectiveKind> kinds = {{"makespan", ObjectiveKind::Makespan},
                                                                {"energy", ObjectiveKind::Energy},
                                                                {"imbalance", ObjectiveKind::Imbalance},
                                                                {"fuzzy", ObjectiveKind::Fuzzy}};
    const auto it = kinds.find(name);
    if (it == kinds.end())
        throw py::value_error("ScheduleSearch: unknown objective '" + name + "'");
    return it->second;
}

std::vector<double> vectorOf(const DoubleArray &array, py::ssize_t size, const char *what)
{
    if (array.ndim() != 1 || array.shape(0) != size)
        throw py::value_error(std::string("ScheduleSearch: ") + what + " must have one entry per machine");
    return {array.data(), array.data() + size};
}

SearchProblem makeProblem(const DoubleArray &etc, const DoubleArray &prices, const IndexArray &targets,
                          const std::string &objective, const DoubleArray &activePower, const DoubleArray &idlePower,
                          std::array<double, 3> ideal, std::array<double, 3> poor, std::array<double, 3> weights,
                          bool makespanShortcut, int swapPartners, int shortlist, double makespanCost)
{
    if (etc.ndim() != 2)
        throw py::value_error("ScheduleSearch: etc must be a tasks x machines array");
    if (swapPartners < 1 || shortlist < 1)
        throw py::value_error("ScheduleSearch: swap_partners and shortlist must be at least 1");
    SearchProblem p;
    p.tasks = static_cast<int>(etc.shape(0));
    p.machines = static_cast<int>(etc.shape(1));
    p.etc.assign(etc.data(), etc.data() + etc.size());
    p.prices = vectorOf(prices, p.machines, "prices");
    if (targets.ndim() != 1 || targets.shape(0) != p.tasks)
        throw py::value_error("ScheduleSearch: targets must have one machine per task");
    p.target.assign(targets.data(), targets.data() + p.tasks);
    for (int64_t m : p.target)
        if (m < 0 || m >= p.machines)
            throw py::value_error("ScheduleSearch: a target machine is out of range");
    p.objective.kind = objectiveKind(objective);
    p.objective.activePower = vectorOf(activePower, p.machines, "active_power");
    p.objective.idlePower = vectorOf(idlePower, p.machines, "idle_power");
    p.objective.ideal = ideal;
    p.objective.poor = poor;
    p.objective.weights = weights;
    p.makespanShortcut = makespanShortcut;
    p.swapPartners = swapPartners;
    p.shortlist = shortlist;
    p.makespanCost = makespanCost;
    return p;
}

}  // namespace

void register_scheduling(py::module_ &m)
{
    py::class_<SearchProblem>(m, "ScheduleSearch",
                              "One instance and objective for the scheduling local search (qcity.scheduling.localsearch)")
        .def(py::init(&makeProblem), py::arg("etc"), py::arg("prices"), py::arg("targets"), py::arg("objective"),
             py::arg("active_power"), py::arg("idle_power"), py::arg("ideal"), py::arg("poor"), py::arg("weights"),
             py::arg("makespan_shortcut"), py::arg("swap_partners"), py::arg("shortlist"), py::arg("makespan_cost"))
        .def("objective", [](const SearchProblem &p, const DoubleArray &loads) {
            vectorOf(loads, p.machines, "loads");
            return p.objective(loads.data(), p.machines);
        }, py::arg("loads"), "The objective of one load vector")
        .def("descend", [](const SearchProblem &p, py::array_t<int64_t> assign, py::array_t<double> loads, double f,
                           double budgetLeft, uint64_t seed) {
            // assign and loads are updated in place: they must be the caller's own writable arrays
            const int flags = py::array::c_style;
            if (!(assign.flags() & flags) || !assign.writeable() || assign.ndim() != 1 || assign.shape(0) != p.tasks)
                throw py::value_error("ScheduleSearch.descend: assign must be a writable int64 array of one machine "
                                      "per task");
            if (!(loads.flags() & flags) || !loads.writeable() || loads.ndim() != 1 || loads.shape(0) != p.machines)
                throw py::value_error("ScheduleSearch.descend: loads must be a writable float64 array of one load per "
                                      "machine");
            int64_t *a = assign.mutable_data();
            for (py::ssize_t t = 0; t < assign.shape(0); ++t)
                if (a[t] < 0 || a[t] >= p.machines)
                    throw py::value_error("ScheduleSearch.descend: machine " + std::to_string(a[t]) + " of task " +
                                          std::to_string(t) + " is out of range");
            double *ld = loads.mutable_data();
            qcity::scheduling::DescentResult r;
            {
                py::gil_scoped_release release;  // works on the two buffers only
                r = qcity::scheduling::descend(p, a, ld, f, budgetLeft, seed);
            }
            return py::make_tuple(r.objective, r.spent, r.steps);
        }, py::arg("assign").noconvert(), py::arg("loads").noconvert(), py::arg("f"), py::arg("budget_left"),
           py::arg("seed"),
           "Steepest descent from assign (objective f, machine loads), both updated in place; returns the final "
           "objective, the evaluations charged and the improving steps taken.");
}
