"""The hook bridge: Python callables called from C++ modules."""

from __future__ import annotations

import pytest

from qcity import results
from qcity._core import SimulationError, call_hook
from qcity.errors import HookError
from qcity.sim.hooks import resolve
from qcity.sim.runner import execute_run

HOOK_NED = """
package t;
import qcity.examples.HookCaller;
network Net {
    submodules:
        caller[2]: HookCaller;
}
"""


def test_values_round_trip_through_cpp():
    args = {"a": 1, "b": 2.5, "c": "x", "d": [1, 2, {"e": None, "f": True}]}
    assert call_hook("hookfuncs:echo", args) == args


def test_resolve_rejects_bad_names():
    with pytest.raises(HookError, match="package.module:function"):
        resolve("no_colon")
    with pytest.raises(HookError, match="cannot import"):
        resolve("no_such_module_xyz:f")
    with pytest.raises(HookError, match=r"'qcity.ids.flowhooks' \(it is qcity.ids.flow.hooks now\)"):
        resolve("qcity.ids.flowhooks:ThresholdDetector")
    with pytest.raises(HookError, match="no attribute"):
        resolve("hookfuncs:missing")
    with pytest.raises(HookError, match="not a callable"):
        resolve("hookfuncs:not_callable")


def test_hook_called_from_module_at_each_epoch(scenario):
    ini = scenario(HOOK_NED, """
        [General]
        network = Net
        **.hook = "hookfuncs:double_time"
        **.interval = 0.5s
        **.calls = 4
    """)
    r = execute_run(ini, "General", 0)
    df = results.read_result_files(str(r.sca_path))
    sums = results.get_scalars(df)
    total = sums[sums["name"] == "hookResult:sum"]["value"]
    assert list(total) == [2 * (0.5 + 1.0 + 1.5 + 2.0)] * 2


def test_hook_exception_becomes_simulation_error_with_traceback(scenario):
    ini = scenario(HOOK_NED, """
        [General]
        network = Net
        **.hook = "hookfuncs:explode"
    """)
    with pytest.raises(SimulationError) as err:
        execute_run(ini, "General", 0)
    msg = str(err.value)
    assert "hookfuncs:explode" in msg
    assert "ZeroDivisionError: hook failed on purpose at call 0" in msg
    assert "Traceback" in msg
    assert err.value.module_path == "Net.caller[0]"


@pytest.mark.parametrize("hook,message", [
    ("hookfuncs:missing", "Cannot resolve hook 'hookfuncs:missing'"),
    ("hookfuncs:wrong_type", "cannot cross into C"),
])
def test_broken_hooks_are_simulation_errors(scenario, hook, message):
    ini = scenario(HOOK_NED, f"""
        [General]
        network = Net
        **.hook = "{hook}"
    """)
    with pytest.raises(SimulationError, match=message):
        execute_run(ini, "General", 0)


def test_class_hooks_keep_state_per_module(scenario):
    ini = scenario(HOOK_NED, """
        [General]
        network = Net
        **.hook = "hookfuncs:Counter"
        **.calls = 4
    """)
    r = execute_run(ini, "General", 0)
    sums = results.get_scalars(results.read_result_files(str(r.sca_path)))
    per_module = sums[sums["name"] == "hookResult:sum"]["value"]
    assert list(per_module) == [1 + 2 + 3 + 4] * 2  # two modules, two separate counters
