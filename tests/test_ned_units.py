"""NED arithmetic with units, as OMNeT++ evaluates it: a sum is computed in its left operand's unit,
a random function's value in its argument's unit, and math functions other than fabs, min and max
take no units. opp_run's results for the run-time cases are pinned in test_opp_exact.py."""

from __future__ import annotations

import pytest

from qcity.sim.nedexpr import ExprError, RunTime, context_without_names, evaluate, parse_expression_text


def _eval(text: str):
    return evaluate(parse_expression_text(text), context_without_names())


@pytest.mark.parametrize("text,value,unit", [
    ("2ms + 3ms", 5, "ms"),  # was 5 s: the sum kept its value and took the base unit
    ("1s + 1ms", 1001, "ms"),  # integers go to the smaller unit when the factor is whole
    ("1ms + 500us", 1500, "us"),
    ("1km - 1m", 999, "m"),
    ("1.0ms + 500us", 1.5, "ms"),  # otherwise the right operand goes to the left one's unit
    ("2s * 3", 6, "s"),
    ("floor(2.5) * 1ms", 2, "ms"),
    ("fabs(-2ms)", 2.0, "ms"),
])
def test_constant_arithmetic_keeps_omnetpps_units(text, value, unit):
    q = _eval(text)
    assert (q.value, q.unit) == (value, unit) and type(q.value) is type(value)


def test_random_arguments_and_divisions_stay_in_their_units():
    assert _eval("uniform(1ms, exponential(2ms))").value.own == (
        "ms", ("call", "uniform", ("num", 1.0), ("call", "exponential", ("num", 2.0))))
    ratio = _eval("uniform(1ms, 2ms) / 1ms")  # the right operand in the left one's unit: a plain number
    assert ratio.unit is None and ratio.value.tree == ("div", ("call", "uniform", ("num", 1.0), ("num", 2.0)), ("num", 1.0))


def test_a_random_value_is_computed_in_its_arguments_unit():
    q = _eval("exponential(2ms) + 500ms")
    assert isinstance(q.value, RunTime) and q.unit == "s"  # the parameter's value, in the base unit
    assert q.value.own == ("ms", ("add", ("call", "exponential", ("num", 2.0)), ("num", 500.0)))
    assert q.value.tree == ("mul", ("num", 0.001), q.value.own[1])  # OMNeT++'s conversion to the base unit


@pytest.mark.parametrize("text,message", [
    ("floor(2.5ms)", "floor() needs a dimensionless argument"),
    ("ceil(uniform(1ms, 5ms))", "ceil() needs a dimensionless argument"),
    ("2s + 1m", "unit mismatch"),
    ("exponential(2ms) + 1m", "unit mismatch"),
    ("weibull(2ms, 1.5)", "unit mismatch in weibull()"),
    ("bernoulli(0.5s)", "must be dimensionless"),
])
def test_unit_errors_are_refused(text, message):
    with pytest.raises(ExprError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _eval(text)
