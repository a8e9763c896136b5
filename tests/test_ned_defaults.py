"""NED is the truth for module parameters: every table that maps a module's NED parameters to Python
classes (qcity.nedparams.Parameter rows) gives each parameter the NED default on the Python side."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcity.backbone import hooks as backbone_hooks
from qcity.ids.qids import hooks as qids_hooks
from qcity.kms import etsi014
from qcity.nedparams import Parameter, model_fields, python_default
from qcity.quantum import hooks as quantum_hooks
from qcity.quantum import qkdlink
from qcity.security import hooks as security_hooks
from qcity.sim.ned import NedTypes
from qcity.sim.nedexpr import context_without_names, evaluate

MODELS = Path(__file__).resolve().parents[1] / "omnetpp_models" / "qcity"

#: (NED file, NED type, the table of its parameters on the Python side)
TABLES = [
    ("quantum/QkdLink.ned", "qcity.quantum.QkdLink", qkdlink.PARAMETERS),
    ("security/SessionManager.ned", "qcity.security.SessionManager", security_hooks.PARAMETERS),
    ("ids/QidsMonitor.ned", "qcity.ids.QidsMonitor", qids_hooks.PARAMETERS),
    ("quisp/Bbm92KeyLink.ned", "qcity.quisp.Bbm92KeyLink", quantum_hooks.BBM92_PARAMETERS),
    ("quantum/KeyManager.ned", "qcity.quantum.KeyManager", etsi014.PARAMETERS),
    ("quantum/KeyRelay.ned", "qcity.quantum.KeyRelay", etsi014.PARAMETERS),
]


def ned_defaults(file: str, type_name: str) -> dict:
    types = NedTypes()
    types.load_file(MODELS / file)
    return {d.name: evaluate(d.value, context_without_names()).value
            for d in types.resolve(type_name).params if d.value is not None}


def _same(python, ned) -> bool:
    if isinstance(python, tuple) and isinstance(ned, str):  # a NED list of numbers, "0.3 0.5 0.2"
        return python == tuple(float(x) for x in ned.split())
    return python == ned


@pytest.mark.parametrize("file,type_name,table", TABLES, ids=[t[1].rsplit(".", 1)[1] for t in TABLES])
def test_python_defaults_are_the_ned_defaults(file, type_name, table):
    ned = ned_defaults(file, type_name)
    for p in table:
        assert p.ned in ned, f"{type_name} has no parameter {p.ned} with a default"
        default = python_default(p)
        where = f"{getattr(p.model, '__name__', p.model)}.{p.field}"
        assert _same(default, ned[p.ned]), f"{where} = {default!r}, {Path(file).name} {p.ned} = {ned[p.ned]!r}"
    assert len({p.ned for p in table}) == len(table)


def test_the_comparison_can_fail():
    ned = ned_defaults("ids/QidsMonitor.ned", "qcity.ids.QidsMonitor")
    assert not _same(0.2, ned["eta"]) and not _same((0.5, 0.3, 0.2), ned["weights"])


def test_hook_arguments_reach_the_fields_the_tables_name():
    from qcity.crypto.switching import AdaptiveSwitch
    from qcity.ids.qids.detector import QuantumIds

    args = {"epsilon_min": 0.4, "hysteresis": 0.1, "smoothing": 1.0, "qber_limit": 0.08, "hybrid": True,
            "classical_level": 0.5}
    switch = AdaptiveSwitch(**model_fields(args, security_hooks.PARAMETERS, AdaptiveSwitch))
    assert (switch.epsilon_min, switch.hysteresis, switch.smoothing, switch.qber_limit, switch.hybrid) == \
        (0.4, 0.1, 1.0, 0.08, True)
    ids = QuantumIds(**model_fields({"eta": 0.2, "alpha": 2.0}, qids_hooks.PARAMETERS, QuantumIds))
    assert (ids.eta, ids.alpha, ids.qber_ref) == (0.2, 2.0, 0.01)  # an absent argument keeps the default


def test_a_parameter_row_needs_a_python_default():
    def no_default(x):
        return x

    with pytest.raises(ValueError, match="has no default"):
        python_default(Parameter("x", "x", no_default, "x"))


def test_trust_routers_learning_parameters_keep_their_ned_names():
    hook = backbone_hooks.QLearningRouting()
    with pytest.raises(ValueError, match=r"learningRate must be in \[0, 1\]"):
        hook({"event": "init", "node": 0, "params": {"learning": False, "epsilon": 0.1, "learningRate": 2.0,
                                                      "discountFactor": 0.9, "seed": 1, "qTableDir": ""}})


def test_the_flow_detectors_service_ports_are_the_gateways():
    # the "service port" feature of the trained flow detector means the ports the gateway serves
    from qcity.ids.flow.records import SERVICE_PORTS

    ned = ned_defaults("gateway/GatewayRouter.ned", "qcity.gateway.GatewayRouter")
    assert _same(tuple(float(p) for p in SERVICE_PORTS), ned["servicePorts"])
