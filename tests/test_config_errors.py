"""Bad NED and ini input: clear errors naming file:line, and no result files left behind."""

from __future__ import annotations

import pytest

from qcity.errors import IniError, NedError
from qcity.sim.ini import IniFile
from qcity.sim.runner import execute_run

NET = """
package t;
import qcity.examples.RingNode;
network Ring {
    submodules:
        node[2]: RingNode;
    connections:
        node[0].out --> node[1].in;
        node[1].out --> node[0].in;
}
"""


@pytest.mark.parametrize("ini_body,message", [
    ("sim-time-limt = 10s", r"omnetpp\.ini:3: unknown configuration option 'sim-time-limt'"),
    ("**.holdTime = 5", r"omnetpp\.ini:3: .*holdTime: missing unit"),
    ("**.holdTime = 5m", r"omnetpp\.ini:3: .*cannot convert m to s"),
    ('**.tokens = "three"', r"omnetpp\.ini:3: .*expected a number"),
    ("**.tokens = 1.5", r"omnetpp\.ini:3: .*expected an integer"),
    ("**.tokens = (1", r"omnetpp\.ini:3"),
    ("seed-set = ${seedset=1,2}", r"omnetpp\.ini:3: \$\{seedset\} is a predefined variable"),  # as opp_run refuses it
    ("**.tokens = ${repetition=1,2}", r"omnetpp\.ini:3: \$\{repetition\} is a predefined variable"),
    ("**.tokens = ${n=1,2", r"omnetpp\.ini:3: '\$\{' at column 1 without its closing '\}' in the value of '\*\*\.tokens'"),
    ('**.label = "open', r"omnetpp\.ini:3: string literal without its closing quote in the value of '\*\*\.label'"),
    ("sim-time-limit = 1xs", r"omnetpp\.ini:3: unknown unit 'xs'"),
])
def test_bad_ini_values_name_the_line(scenario, ini_body, message):
    ini = scenario(NET, f"[General]\nnetwork = Ring\n{ini_body}\n")
    with pytest.raises(IniError, match=message):
        execute_run(ini, "General", 0)
    assert not (ini.parent / "results").exists()


def test_unknown_config(scenario):
    ini = scenario(NET, "[General]\nnetwork = Ring\n[Config A]\n")
    with pytest.raises(IniError, match="no such config: B"):
        execute_run(ini, "B", 0)


def test_parameter_without_value(scenario):
    ned = NET.replace("import qcity.examples.RingNode;", "import qcity.examples.HookCaller;").replace(
        "node[2]: RingNode;", "c: HookCaller;").split("connections:")[0] + "}\n"
    ini = scenario(ned, "[General]\nnetwork = Ring\n")
    with pytest.raises(NedError, match=r"HookCaller\.ned:\d+: no value for parameter Ring\.c\.hook"):
        execute_run(ini, "General", 0)


def test_ned_syntax_error_has_line_and_column(scenario):
    ini = scenario(NET.replace("node[2]: RingNode;", "node[2] RingNode;"), "[General]\nnetwork = Ring\n")
    with pytest.raises(NedError, match=r"Net\.ned:6:17: expected ':'"):
        execute_run(ini, "General", 0)


def test_unknown_ned_type_suggests_import(scenario):
    ini = scenario(NET.replace("import qcity.examples.RingNode;\n", ""), "[General]\nnetwork = Ring\n")
    with pytest.raises(NedError, match="did you mean to import qcity.examples.RingNode"):
        execute_run(ini, "General", 0)


def test_gate_index_out_of_range(scenario):
    ned = NET.replace("node[1].out --> node[0].in;", "node[1].out --> node[2].in;")
    ini = scenario(ned, "[General]\nnetwork = Ring\n")
    with pytest.raises(NedError, match=r"Net\.ned:9: index 2 out of range for node\[2\]"):
        execute_run(ini, "General", 0)


def test_unconnected_gate_is_reported_when_used(scenario):
    ned = NET.replace("        node[1].out --> node[0].in;\n", "")
    ini = scenario(ned, "[General]\nnetwork = Ring\nRing.node[1].tokens = 1\n")
    with pytest.raises(Exception, match=r"not connected"):
        execute_run(ini, "General", 0)


def test_malformed_ini_lines(tmp_path):
    p = tmp_path / "x.ini"
    p.write_text("[General]\nnetwork Ring\n")
    with pytest.raises(IniError, match=r"x\.ini:2: expected 'key = value'"):
        IniFile(p)
    p.write_text("[General]\na.b = 1\na.b = 2\n")
    with pytest.raises(IniError, match=r"x\.ini:3: duplicate key"):
        IniFile(p)
    p.write_text("[Config A]\nextends = B\n[Config B]\nextends = A\n")
    with pytest.raises(IniError, match="cycle in 'extends'"):
        IniFile(p).runs("A")


def test_iteration_and_run_numbering(tmp_path):
    p = tmp_path / "x.ini"
    p.write_text("[General]\nnetwork = N\nrepeat = 2\n**.a = ${a=1,2}\n**.b = ${b=x,y,z ! a2}\n**.c = ${a2=10..30 step 10}\n"
                 "**.d = ${a}\n")
    runs = IniFile(p).runs("General")
    assert len(runs) == 2 * 3 * 2
    first = runs[0]
    assert first.iteration == {"a": "1", "b": "x", "a2": "10", "repetition": "0"}
    assert runs[1].repetition == 1
    assert runs[2].iteration["a2"] == "20" and runs[2].iteration["b"] == "y"
    assert runs[6].iteration["a"] == "2"
    d = [e for e in runs[7].entries if e.key == "**.d"][0]
    assert d.value == "2"


def test_constraint_keeps_only_the_combinations_it_accepts(tmp_path):
    p = tmp_path / "x.ini"
    p.write_text("[General]\nnetwork = N\nrepeat = 2\n**.a = ${a=1..4}\n**.b = ${b=1..4}\n"
                 "constraint = $a < ${b} && ($b - $a) % 2 == 1\n")
    runs = IniFile(p).runs("General")
    pairs = [(r.iteration["a"], r.iteration["b"]) for r in runs if r.repetition == 0]
    assert pairs == [("1", "2"), ("1", "4"), ("2", "3"), ("3", "4")]
    assert [r.run_number for r in runs] == list(range(8))  # numbered after filtering, as opp_run does


@pytest.mark.parametrize("constraint,message", [
    ("$a + 1", "constraint must be true or false, got 2"),
    ("$c < 3", "unknown iteration variable $c"),
    ("$a <", "constraint '$a <'"),
    ("x.y < 3", "refer to iteration variables as $name"),
])
def test_bad_constraints_name_the_line(tmp_path, constraint, message):
    p = tmp_path / "x.ini"
    p.write_text(f"[General]\nnetwork = N\n**.a = ${{a=1,2}}\nconstraint = {constraint}\n")
    with pytest.raises(IniError, match=r"x\.ini:4: ") as err:
        IniFile(p).runs("General")
    assert message in str(err.value)


def test_extends_lookup_order(tmp_path):
    p = tmp_path / "x.ini"
    p.write_text("[General]\n**.x = 1\n**.y = 1\n[Config Base]\n**.x = 2\n**.z = 2\n[Config Child]\nextends = Base\n**.z = 3\n")
    run = IniFile(p).runs("Child")[0]
    assert run.sections == ["Child", "Base", "General"]
    assert run.lookup("Net.m.x").value == "2"
    assert run.lookup("Net.m.y").value == "1"
    assert run.lookup("Net.m.z").value == "3"


def test_unknown_network_names_the_ini_line(scenario):
    ini = scenario(NET, "[General]\nsim-time-limit = 1s\nnetwork = Rnig\n")
    with pytest.raises(IniError, match=r"omnetpp\.ini:3: network 'Rnig': NED type 'Rnig' not found"):
        execute_run(ini, "General", 0)


def test_the_run_command_names_the_ini_line_of_a_bad_time_limit(scenario, capsys):
    from qcity.cli import main

    ini = scenario(NET, "[General]\nnetwork = Ring\nsim-time-limit = 1xs\n")
    assert main(["run", str(ini)]) == 1
    assert "omnetpp.ini:3: unknown unit 'xs'" in capsys.readouterr().err

