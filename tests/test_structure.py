"""The boundaries shared/DESIGN.md draws, kept by reading the sources: no import cycles inside the
qcity package (function-level imports included), and domain packages that need no engine and read
no result files."""

from __future__ import annotations

import ast
import graphlib
import re
from pathlib import Path

import pytest

import qcity

PACKAGE = Path(qcity.__file__).resolve().parent
MODELS = Path(__file__).resolve().parent.parent / "omnetpp_models" / "qcity"
DOMAIN = ("quantum", "crypto", "security", "ids", "routing", "backbone", "scheduling")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, names_only: bool = False) -> set[str]:
    """Modules a source file imports anywhere in it, relative imports resolved against the qcity package:
    for `from m import x`, m and m.x (with `names_only`, only m.x: what the file uses of m)."""
    tree = ast.parse(path.read_text())
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            if not names_only:
                out.add(module)
            out.update(f"{module}.{a.name}" for a in node.names)
    return out


def _graph() -> dict[str, set[str]]:
    """qcity module -> the qcity modules it imports (a name imported from a package counts as that
    package unless it is a module of its own: `from . import sibling` is no edge to the package)."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        targets = set()
        for imported in _imports(path, names_only=True):
            while imported and imported not in files:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """A cycle of the graph (its first node repeated at the end), or [] if there is none."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as e:
        return e.args[1]
    return []


def test_no_import_cycles_in_the_package():
    assert _cycle(_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    cycle = _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert sorted(cycle[:-1]) == ["a", "b", "c"] and cycle[0] == cycle[-1]


@pytest.mark.parametrize("area", DOMAIN)
def test_domain_packages_do_not_read_result_files(area):
    for path in sorted((PACKAGE / area).rglob("*.py")):
        bad = {m for m in _imports(path) if m.startswith(("qcity.results", "qcity.reports", "qcity.sim"))}
        assert not bad, f"{path.relative_to(PACKAGE.parent)} imports {sorted(bad)}"


def _include_graph() -> dict[str, set[str]]:
    """Model area (omnetpp_models/qcity/<area>) -> the areas whose headers its sources include."""
    graph: dict[str, set[str]] = {}
    for path in sorted(MODELS.glob("*/*")):
        if path.suffix not in (".h", ".cc"):
            continue
        area = path.parent.name
        graph.setdefault(area, set())
        for target in re.findall(r'^#include "\.\./(\w+)/', path.read_text(), re.MULTILINE):
            if target != area:
                graph[area].add(target)
                graph.setdefault(target, set())
    return graph


def test_no_include_cycles_between_model_areas():
    graph = _include_graph()
    assert {"iot", "mac", "radio", "security"} <= set(graph)  # the scan saw the models
    assert _cycle(graph) == []


def test_stateful_hooks_dispatch_through_one_handler_table():
    """No hook builds a method name from the request (getattr(self, f"...")): multi-event hooks
    derive from qcity.hookprotocol.EventHook and list their events in handlers()."""
    for path in sorted(PACKAGE.rglob("*.py")):
        assert not re.search(r"getattr\(self,\s*f[\"']", path.read_text()), f"{path.relative_to(PACKAGE.parent)} dispatches by name"
    from qcity.backbone.hooks import QLearningRouting
    from qcity.hookprotocol import EventHook
    from qcity.ids.federated.hooks import Client, Server

    assert all(issubclass(hook, EventHook) for hook in (Client, Server, QLearningRouting))


def test_an_event_hook_names_what_it_does_not_handle():
    from qcity.hookprotocol import EventHook

    class Echo(EventHook):
        def handlers(self):
            return {"ping": lambda request: "pong"}

    assert Echo()({"event": "ping"}) == "pong"
    with pytest.raises(ValueError, match=r"Echo: unknown event 'pong' \(it handles ping\)"):
        Echo()({"event": "pong"})
    with pytest.raises(ValueError, match="names its event in 'event'"):
        Echo()({"op": "ping"})


def test_the_smart_city_ini_is_a_base_with_one_file_per_study():
    """omnetpp.ini includes the study files; each config lives in exactly one of them."""
    from qcity.sim.ini import IniFile

    folder = Path(__file__).resolve().parent.parent / "omnetpp_models" / "scenarios" / "smartcity"
    ini = IniFile(folder / "omnetpp.ini")
    homes = {name: Path(ini.sections[name].file).name for name in ini.config_names}
    studies = sorted(p.name for p in folder.glob("*.ini") if p.name != "omnetpp.ini")
    assert sorted(set(homes.values()) - {"omnetpp.ini"}) == studies
    assert homes["SmartCity"] == "omnetpp.ini" and homes["Federated"] == "intrusion.ini"
    assert all(len(p.read_text().splitlines()) < 150 for p in folder.glob("*.ini"))


#: NED areas whose modules call another area's hooks: the QuISP bridge runs the quantum key-rate hooks
HOOK_AREA_EXCEPTIONS = {"quisp": "quantum"}


def test_hook_defaults_live_in_the_hooks_module_of_their_ned_area():
    """A module of NED area <area> names its default hook in qcity.<area>.hooks (or a sub-package's hooks)."""
    found = 0
    for ned in sorted(MODELS.rglob("*.ned")):
        area = ned.parent.name
        for param, spec in re.findall(r'string\s+(\w+Hook)\s*=\s*default\("([^"]+)"\)', ned.read_text()):
            module = spec.partition(":")[0]
            home = HOOK_AREA_EXCEPTIONS.get(area, area)
            assert module.startswith(f"qcity.{home}.") and module.endswith(".hooks"), f"{ned.name} {param} = {spec}"
            found += 1
    assert found >= 8


def test_scenarios_name_hooks_modules_only():
    scenarios = MODELS.parent / "scenarios"
    for ini in sorted(scenarios.rglob("*.ini")):
        for module in re.findall(r'"(qcity\.[\w.]+):', ini.read_text()):
            assert module.endswith(".hooks"), f"{ini.relative_to(scenarios)} names {module}"


def test_an_ini_naming_a_moved_hook_module_is_told_the_new_one():
    from qcity.errors import HookError
    from qcity.sim.hooks import resolve

    with pytest.raises(HookError, match=r"it is qcity\.backbone\.hooks now"):
        resolve("qcity.routing.trust:trust_threshold")
    assert resolve("qcity.backbone.hooks:trust_threshold") is not None
