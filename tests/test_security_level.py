"""Security level per session (seed 001, Theorem 1) as qcity defines it."""

from __future__ import annotations

import pytest

from qcity.crypto.security import ML_KEM_768_LEVEL, quantum_level, session_levels, theorem1_bound


def test_quantum_level_is_one_on_a_perfect_link_and_zero_at_the_bb84_limit():
    assert quantum_level(0.0) == 1.0
    assert quantum_level(0.11) == pytest.approx(0.0, abs=0.003)  # 1 - 2h(e) crosses zero near 11 %
    assert quantum_level(0.25) == 0.0
    assert quantum_level(0.01) > quantum_level(0.05) > quantum_level(0.08)


def test_hybrid_sessions_never_fall_below_either_input():
    for qber in (0.0, 0.01, 0.03, 0.07, 0.15):
        levels = session_levels(qber)
        assert levels["pqc"] == ML_KEM_768_LEVEL == 0.75
        assert levels["hybrid"] == max(levels["qkd"], levels["pqc"])


def test_theorem1_bound_holds_for_pqc_and_hybrid_but_not_for_qkd_at_noisy_qber():
    classical = ML_KEM_768_LEVEL
    for qber in (0.0, 0.01, 0.07):
        levels = session_levels(qber, classical)
        assert levels["pqc"] >= theorem1_bound(classical, 0)
        assert levels["hybrid"] >= theorem1_bound(classical, 1)
    # QKD alone: the bound needs QBER below about 1.7 %, where 1 - 2h(e) = 0.75
    assert session_levels(0.017)["qkd"] >= theorem1_bound(classical, 1)
    assert session_levels(0.019)["qkd"] < theorem1_bound(classical, 1)
    assert session_levels(0.07)["qkd"] < theorem1_bound(classical, 1)


@pytest.mark.parametrize("call", [lambda: quantum_level(-0.1), lambda: session_levels(0.01, 1.5),
                                  lambda: theorem1_bound(0.75, 2)])
def test_out_of_range_inputs_are_errors(call):
    with pytest.raises(ValueError):
        call()
