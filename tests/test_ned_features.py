"""NED features end to end: result filters in @statistic sources, moduleinterface/like,
inout gates with ++, derived channel types, conditions, sizeof, and their error cases."""

from __future__ import annotations

import pytest

from qcity import results
from qcity.errors import IniError, NedError
from qcity.sim.runner import execute_run

FILTERS_NED = """
package t;
import qcity.examples.RingNode;

simple FilteredNode extends RingNode
{
    @statistic[hopSum](source=sum(hop); record=last);
    @statistic[hopCount](source=count(hop); record=last,vector);
    @statistic[doubled](source=2*hop+1; record=max);
    @statistic[bytes](source=sum(packetBytes(arrival)); record=last);
    @statistic[avgHop](source=timeavg(hop); record=last);
}

network Net
{
    submodules:
        node[2]: FilteredNode;
    connections:
        node[0].out --> { delay = 1s; } --> node[1].in;
        node[1].out --> { delay = 1s; } --> node[0].in;
}
"""


def _scalars(r):
    df = results.get_scalars(results.read_result_files(str(r.sca_path)))
    return {(row.module, row.name): row.value for row in df.itertuples()}


def test_result_filters_in_statistic_sources(scenario):
    ini = scenario(FILTERS_NED, """
        [General]
        network = Net
        sim-time-limit = 10s
        Net.node[0].tokens = 1
        **.tokenLength = 25B
    """)
    r = execute_run(ini, "General", 0)
    s = _scalars(r)
    # node[1] sees hops 1, 3, 5, 7, 9 at t = 1, 3, 5, 7, 9
    assert s[("Net.node[1]", "hopSum:last")] == 1 + 3 + 5 + 7 + 9
    assert s[("Net.node[1]", "hopCount:last")] == 5
    assert s[("Net.node[1]", "doubled:max")] == 2 * 9 + 1
    assert s[("Net.node[1]", "bytes:last")] == 5 * 25
    # running time average over [1, 9]: each hop value holds 2 s
    assert s[("Net.node[1]", "avgHop:last")] == pytest.approx((1 * 2 + 3 * 2 + 5 * 2 + 7 * 2) / 8)
    vec = results.get_vectors(results.read_result_files(str(r.vec_path)))
    counts = vec[vec.module == "Net.node[1]"].iloc[0]["vecvalue"]
    assert list(counts) == [0, 1, 2, 3, 4, 5]  # a count filter's initial 0 at t=0, as OMNeT++ records it


def test_recording_keys_name_what_omnetpp_names(scenario):
    """As in OMNeT++: a @statistic's vector is <name>:vector and each scalar <name>:<mode>
    (`**.ping.roundTripTime:vector.vector-recording=false`); the bare statistic name matches neither."""
    ini = scenario(FILTERS_NED, """
        [General]
        network = Net
        sim-time-limit = 10s
        Net.node[0].tokens = 1
        Net.node[1].hopCount.vector-recording = false
        Net.node[0].hopCount:vector.vector-recording = false
        Net.node[1].hopSum:last.scalar-recording = false
        Net.node[1].hopCount.scalar-recording = false
        Net.node[0].tokensDestroyed.scalar-recording = false
    """)
    r = execute_run(ini, "General", 0)
    s = _scalars(r)
    vec = results.get_vectors(results.read_result_files(str(r.vec_path)))
    hop_vectors = set(vec[vec.name == "hopCount:vector"].module)
    assert hop_vectors == {"Net.node[1]"}  # node[0]'s vector is off; the bare name left node[1]'s on
    assert ("Net.node[1]", "hopSum:last") not in s and ("Net.node[0]", "hopSum:last") in s
    assert ("Net.node[1]", "hopCount:last") in s
    # a scalar the module records itself (RingNode::finish) obeys <module>.<name>.scalar-recording too
    assert ("Net.node[1]", "tokensDestroyed") in s and ("Net.node[0]", "tokensDestroyed") not in s


def test_a_bad_scalar_recording_value_is_an_error_with_its_line(scenario):
    ini = scenario(FILTERS_NED, """
        [General]
        network = Net
        sim-time-limit = 1s
        **.tokensDestroyed.scalar-recording = maybe
    """)
    with pytest.raises(IniError, match=r"omnetpp\.ini:5: expected true or false, got 'maybe'"):
        execute_run(ini, "General", 0)


@pytest.mark.parametrize("source,message", [
    ("hop*other", "unsupported source expression"),
    ("median(hop)", "unsupported source expression"),
    ("sum(", r"Net\.ned:\d+:\d+: missing '\)' in property @statistic"),
])
def test_bad_statistic_sources(scenario, source, message):
    ned = FILTERS_NED.replace("source=2*hop+1", f"source={source}")
    ini = scenario(ned, "[General]\nnetwork = Net\n")
    with pytest.raises(NedError, match=message):
        execute_run(ini, "General", 0)


LIKE_NED = """
package t;
import qcity.examples.HookCaller;

moduleinterface IWorker
{
    parameters:
        string hook;
}

simple FastWorker extends HookCaller like IWorker
{
    parameters:
        interval = 0.5s;
}

simple SlowWorker extends HookCaller like IWorker
{
    parameters:
        interval = 2s;
}

network Net
{
    parameters:
        string workerType = default("FastWorker");
    submodules:
        a: <workerType> like IWorker;
        b: <default("SlowWorker")> like IWorker;
        c[2]: <> like IWorker;
}
"""


def _calls(r):
    s = _scalars(r)
    return {m: v for (m, n), v in s.items() if n == "hookResult:count"}


def test_parametric_submodule_types(scenario):
    ini = scenario(LIKE_NED, """
        [General]
        network = Net
        sim-time-limit = 4s
        **.hook = "hookfuncs:double_time"
        **.calls = 100
        Net.c[*].typename = "SlowWorker"
        [Config Override]
        Net.workerType = "SlowWorker"
        Net.b.typename = "FastWorker"
    """)
    calls = _calls(execute_run(ini, "General", 0))
    assert calls == {"Net.a": 8, "Net.b": 2, "Net.c[0]": 2, "Net.c[1]": 2}
    calls = _calls(execute_run(ini, "Override", 0))
    assert calls["Net.a"] == 2 and calls["Net.b"] == 8


def test_parametric_submodule_errors(scenario):
    ini = scenario(LIKE_NED, '[General]\nnetwork = Net\n**.hook = "hookfuncs:double_time"\n')
    with pytest.raises(NedError, match=r"no type for submodule Net\.c"):
        execute_run(ini, "General", 0)
    ini = scenario(LIKE_NED, '[General]\nnetwork = Net\n**.hook = "hookfuncs:double_time"\nNet.c[*].typename = "HookCaller"\n')
    with pytest.raises(IniError, match=r"omnetpp\.ini:4: .*'HookCaller' is not a type that is `like t\.IWorker`"):
        execute_run(ini, "General", 0)


def test_types_built_on_unloaded_libraries_do_not_disturb_like_lookups(scenario):
    # a NED file of another library's users (an INET-facing module) sits in the NED path, its
    # interface unknown here: the lookup of IWorker's implementations passes over it
    ini = scenario(LIKE_NED + """
        import inet.applications.contract.IApp;
        simple ForeignApp like IApp
        {
        }
        """, '[General]\nnetwork = Net\nsim-time-limit = 4s\n**.hook = "hookfuncs:double_time"\n'
             'Net.c[*].typename = "FastWorker"\n')
    assert _calls(execute_run(ini, "General", 0))["Net.c[0]"] == 8


DEEP_NED = """
package t;
import qcity.examples.RingNode;

module Pair
{
    parameters:
        first.hops = default(3);   // deep assignments, as OMNeT++ allows them
        **.hops = 4;
    submodules:
        first: RingNode;
        second: RingNode {
            parameters:
                *.x = 1;
        }
    connections:
        first.out --> second.in;
        second.out --> first.in;
}

network Net
{
    submodules:
        pair: Pair;
}
"""


def test_deep_parameter_assignments_are_read_but_refused_when_built(scenario):
    from qcity.sim.ned import NedTypes

    ini = scenario(DEEP_NED, "[General]\nnetwork = Net\n")
    types = NedTypes()
    types.load_file(ini.parent / "Net.ned")
    pair = types.types["t.Pair"]
    assert [(p.name, p.is_default) for p in pair.deep_params] == [("first.hops", True), ("**.hops", False)]
    assert [p.name for p in pair.submodules[1].deep_params] == ["*.x"]
    # applying them is opp_run's job: the embedded engine says so instead of running without them
    with pytest.raises(NedError, match=r"Net\.ned:8: .*deep parameter assignments \('first\.hops = \.\.\.'\) are not applied"):
        execute_run(ini, "General", 0)


def test_a_deep_assignment_in_a_connection_channel_is_an_error(scenario):
    ini = scenario(DEEP_NED.replace("first.out --> second.in;", "first.out --> { a.b = 1; } --> second.in;")
                   .replace("        first.hops = default(3);   // deep assignments, as OMNeT++ allows them\n        **.hops = 4;\n", ""),
                   "[General]\nnetwork = Net\n")
    with pytest.raises(NedError, match=r"Net\.ned:\d+: .*'a\.b': a path cannot be assigned here"):
        execute_run(ini, "General", 0)


TOPOLOGY_NED = """
package t;
import qcity.examples.RingNode;

channel Fibre extends ned.DatarateChannel
{
    delay = 5ms;
    datarate = 1Mbps;
}

module Pair
{
    parameters:
        bool linked = default(true);
    gates:
        input in;
        output out;
    submodules:
        first: RingNode;
        second: RingNode;
    connections:
        in --> first.in;
        first.out --> Fibre --> second.in if linked;
        second.out --> out;
}

network Net
{
    parameters:
        int n = default(3);
    submodules:
        pair[n]: Pair;
    connections:
        for i=0..sizeof(pair)-1 {
            pair[i].out --> { delay = 1ms; } --> pair[(i + 1) % n].in;
        }
}
"""


def test_compound_modules_derived_channels_and_conditions(scenario):
    ini = scenario(TOPOLOGY_NED, """
        [General]
        network = Net
        sim-time-limit = 1s
        Net.pair[0].first.tokens = 1
        **.tokenLength = 125B
    """)
    r = execute_run(ini, "General", 0)
    # inside a pair: 5 ms + 125 B at 1 Mbps (1 ms) = 6 ms; to the next pair 1 ms. Arrivals at
    # 7k-1 ms (second) and 7k ms (next first): 143 + 142 events up to t = 1 s (events at the limit run)
    assert r.events == 285
    s = _scalars(r)
    assert s[("Net.pair[0].first", "hops:count")] == 47  # every 21 ms
    ini = scenario(TOPOLOGY_NED, "[General]\nnetwork = Net\nNet.pair[1].linked = false\nNet.pair[0].first.tokens = 1\n")
    with pytest.raises(Exception, match="not connected"):
        execute_run(ini, "General", 0)


def test_undeclared_parameter_in_submodule_block(scenario):
    ned = TOPOLOGY_NED.replace("pair[n]: Pair;", "pair[n]: Pair { linkd = false; }")
    ini = scenario(ned, "[General]\nnetwork = Net\n")
    with pytest.raises(NedError, match=r"Net\.ned:\d+: t\.Pair has no parameter 'linkd'"):
        execute_run(ini, "General", 0)


def test_plain_names_in_submodule_braces_are_the_submodules_own(scenario):
    """OMNeT++ 6 semantics: inside a submodule's braces `linked` is the submodule's parameter;
    the enclosing module's needs `parent.`."""
    own = TOPOLOGY_NED.replace("int n = default(3);", "int n = default(3);\n        bool linked = default(false);") \
                      .replace("pair[n]: Pair;", "pair[n]: Pair { linked = linked; }")
    with pytest.raises(NedError, match="depends on itself"):
        execute_run(scenario(own, "[General]\nnetwork = Net\n"), "General", 0)
    ini = scenario(own.replace("linked = linked;", "linked = parent.linked;"),
                   "[General]\nnetwork = Net\nsim-time-limit = 1s\nNet.pair[0].first.tokens = 1\n")
    with pytest.raises(Exception, match="not connected"):  # every pair unlinked, as the network says
        execute_run(ini, "General", 0)
    typo = TOPOLOGY_NED.replace("pair[n]: Pair;", "pair[n]: Pair { linked = n > 2; }")
    with pytest.raises(NedError, match=r"no parameter 'n' in Net\.pair\[0\].*did you mean 'parent\.n'"):
        execute_run(scenario(typo, "[General]\nnetwork = Net\n"), "General", 0)


def test_a_ned_keyword_cannot_name_a_parameter(scenario):
    ned = TOPOLOGY_NED.replace("bool linked = default(true);", "int channel = default(11);")
    with pytest.raises(NedError, match=r"Net\.ned:\d+: 'channel' is a NED keyword"):
        execute_run(scenario(ned, "[General]\nnetwork = Net\n"), "General", 0)


INOUT_NED = """
package t;
import qcity.examples.RingNode;

simple Relay extends RingNode {}

module Hub
{
    gates:
        inout port[];
    submodules:
        r: RingNode;
    connections:
        port$i[0] --> r.in;
        r.out --> port$o[0];
}

network Net
{
    submodules:
        hub: Hub;
        end: Hub;
    connections:
        hub.port++ <--> { delay = 2ms; } <--> end.port++;
}
"""


def test_inout_gates_and_plusplus(scenario):
    ini = scenario(INOUT_NED, "[General]\nnetwork = Net\nsim-time-limit = 1s\nNet.hub.r.tokens = 1\n")
    r = execute_run(ini, "General", 0)
    assert r.events == 500  # 2 ms per crossing, both directions


def test_default_include_and_unit_conversion(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Net.ned").write_text(TOPOLOGY_NED)
    (tmp_path / "common.ini").write_text("sim-time-limit = 500ms\n**.tokenLength = 1KiB\n")
    ini = tmp_path / "omnetpp.ini"
    ini.write_text("[General]\ninclude common.ini\nnetwork = Net\nNet.n = default\nNet.pair[0].first.tokens = 1\n")
    r = execute_run(ini, "General", 0)
    params = results.get_parameters(results.read_result_files(str(r.sca_path)))
    by = {(p.module, p.name): p.value for p in params.itertuples()}
    assert by[("Net", "n")] == "3"
    assert by[("Net.pair[0].first", "tokenLength")] == "1024B"
    assert r.sim_time == "0.5"


NAN_NED = FILTERS_NED.replace("simple FilteredNode extends RingNode\n{", """simple FilteredNode extends RingNode
{
    @statistic[rate](source=sumPerDuration(hop); record=last,count,mean,timeavg,vector);""")


def test_recorders_skip_nan_as_omnetpps_do(scenario):
    """sumPerDuration is NaN for a value at the end of the warm-up (no time has passed): OMNeT++'s
    recorders skip it, the vector keeps it, and the time average skips the interval it holds."""
    ini = scenario(NAN_NED, """
        [General]
        network = Net
        sim-time-limit = 10s
        warmup-period = 1s
        Net.node[0].tokens = 1
    """)
    r = execute_run(ini, "General", 0)
    s = _scalars(r)
    rates = [float("nan"), 4 / 2, 9 / 4, 16 / 6, 25 / 8]  # node[1] gets hops 1, 3, 5, 7, 9 at t = 1, 3, ...
    assert s[("Net.node[1]", "rate:last")] == rates[-1]
    assert s[("Net.node[1]", "rate:count")] == 4
    assert s[("Net.node[1]", "rate:mean")] == pytest.approx(sum(rates[1:]) / 4, rel=1e-12)
    held = 2 * rates[1] + 2 * rates[2] + 2 * rates[3] + 1 * rates[4]  # [1, 3) holds NaN and counts for nothing
    assert s[("Net.node[1]", "rate:timeavg")] == pytest.approx(held / 7, rel=1e-12)
    vec = results.get_vectors(results.read_result_files(str(r.vec_path)))
    values = vec[(vec.module == "Net.node[1]") & (vec.name == "rate:vector")].iloc[0]["vecvalue"]
    assert len(values) == 5 and values[0] != values[0] and list(values[1:]) == pytest.approx(rates[1:], rel=1e-12)
