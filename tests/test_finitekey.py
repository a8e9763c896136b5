"""Finite-key decoy-state BB84 (Lim et al. 2014) and QkdLink's blocks with it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qcity.quantum.finitekey import (
    DecoyCounts,
    ThreeIntensities,
    _bounds,
    _gamma,
    asymptotic_key_rate,
    exact_key_rate,
    expected_counts,
    finite_key,
    finite_key_rate,
    minimum_block,
)
from qcity.quantum.keyrate import LinkParameters

LINK = LinkParameters()  # the GYS link of MQZL05
PROTOCOL = ThreeIntensities()


@pytest.mark.parametrize("distance", [0, 20, 50, 90])
def test_finite_never_exceeds_asymptotic_which_never_exceeds_exact(distance):
    asymptotic = asymptotic_key_rate(distance, LINK, PROTOCOL)
    assert 0 < asymptotic <= exact_key_rate(distance, LINK, PROTOCOL)
    rates = [finite_key_rate(n, distance, LINK, PROTOCOL) for n in (1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14)]
    assert all(0 <= r <= asymptotic for r in rates)
    assert rates == sorted(rates)  # a larger block never gives less key per pulse


def test_finite_rate_approaches_the_asymptotic_rate():
    asymptotic = asymptotic_key_rate(25, LINK, PROTOCOL)
    gaps = [1 - finite_key_rate(n, 25, LINK, PROTOCOL) / asymptotic for n in (1e10, 1e12, 1e14, 1e16)]
    assert gaps == sorted(gaps, reverse=True)
    assert gaps[-1] < 0.01 and gaps[0] > 0.3


def test_no_key_below_the_minimum_block():
    smallest = minimum_block(25, LINK, PROTOCOL)
    assert 1e9 < smallest < 1e10
    assert finite_key_rate(smallest / 1.05, 25, LINK, PROTOCOL) == 0
    assert finite_key_rate(smallest * 1.05, 25, LINK, PROTOCOL) > 0
    assert math.isinf(minimum_block(300, LINK, PROTOCOL))  # past the distance where even the asymptotic rate is 0


def test_vacuum_events_by_hand_when_the_weakest_decoy_is_the_vacuum():
    """mu_3 = 0 and no statistical terms: s_0 = tau_0 n_3 / p_3, the vacuum pulses' detections rescaled to all
    pulses that held no photon (tau_0 = sum_k p_k e^-mu_k), i.e. tau_0 N p_key^2 Y_0."""
    pulses = 1e12
    counts = expected_counts(pulses, 30, LINK, PROTOCOL)
    s0, *_ = _bounds(counts, PROTOCOL, finite=False)
    by_hand = sum(p * math.exp(-m) for m, p in zip(PROTOCOL.mu, PROTOCOL.p)) * pulses * 0.25 * LINK.y0
    assert s0 == pytest.approx(by_hand, rel=1e-9)


def test_single_photon_bound_tends_to_the_true_count_as_the_decoy_weakens():
    """s_1 stays below the true single-photon detections tau_1 N p_key^2 Y_1 and reaches them as mu_2 -> mu_3 = 0."""
    pulses, distance = 1e12, 30
    eta = LINK.transmittance(distance)
    y1 = 1 - (1 - LINK.y0) * (1 - eta)
    for mu2, tolerance in ((0.1, 0.1), (0.001, 0.002)):
        proto = ThreeIntensities(mu=(0.5, mu2, 0.0))
        s1 = _bounds(expected_counts(pulses, distance, LINK, proto), proto, finite=False)[1]
        truth = proto.tau(1) * pulses * 0.25 * y1
        assert s1 <= truth * (1 + 1e-12)
        assert s1 >= truth * (1 - tolerance)


def test_a_noiseless_link_has_no_phase_error_in_the_limit():
    clean = LinkParameters(y0=0.0, e_detector=0.0)
    counts = expected_counts(1e12, 20, clean, PROTOCOL)
    assert counts.leak_ec == 0 and sum(counts.test_errors) == 0
    s0, s1, _, _, phi = _bounds(counts, PROTOCOL, finite=False)
    assert s0 == 0 and phi == 0
    assert asymptotic_key_rate(20, clean, PROTOCOL) == pytest.approx(s1 / 1e12)


def test_sampling_term_shrinks_with_more_events_and_vanishes_without_errors():
    assert _gamma(1e-10, 0.0, 1e6, 1e6) == 0
    terms = [_gamma(1e-10, 0.03, n, n) for n in (1e4, 1e6, 1e8)]
    assert terms == sorted(terms, reverse=True) and terms[-1] < 1e-3


def test_the_security_parameters_cost_what_the_formula_says():
    """Two protocols that differ only in eps_sec: the shorter key is shorter by at least the 6 log2(21/eps) term."""
    counts = expected_counts(1e11, 10, LINK, PROTOCOL)
    loose = finite_key(counts, ThreeIntensities(eps_sec=1e-6)).length
    tight = finite_key(counts, ThreeIntensities(eps_sec=1e-12)).length
    assert loose - tight >= 6 * math.log2(1e-6 / 1e-12) - 1


@pytest.mark.parametrize("kwargs, message", [
    ({"mu": (0.5, 0.4, 0.2)}, "mu1 > mu2 \\+ mu3"),
    ({"mu": (0.5, 0.1, 0.1)}, "mu2 > mu3"),
    ({"p": (0.8, 0.1, 0.2)}, "sum to 1"),
    ({"p_key_basis": 1.0}, "p_key_basis"),
    ({"eps_sec": 0.0}, "eps_sec"),
])
def test_protocol_settings_are_checked(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ThreeIntensities(**kwargs)


def test_counts_are_checked():
    with pytest.raises(ValueError, match="three non-negative counts"):
        finite_key(DecoyCounts((1.0, 2.0), (1.0, 1.0, 1.0), (0.0, 0.0, 0.0), 0.0), PROTOCOL)
    with pytest.raises(ValueError, match="three non-negative counts"):
        finite_key(DecoyCounts((1.0, 2.0, 3.0), (1.0, -1.0, 1.0), (0.0, 0.0, 0.0), 0.0), PROTOCOL)


# ---- QkdLink's blocks -------------------------------------------------------------------------------------------


def _block(pulses, distance=10, key_length="finite", seed=1):
    from qcity.quantum.bb84 import DecoySettings, run_block
    from qcity.quantum.channel import Channel

    channel = Channel(distance_km=distance, alpha_db_per_km=0.2, eta_bob=0.1, y0=1e-6, e_detector=0.01)
    return run_block(channel, DecoySettings(key_length=key_length), pulses, np.random.default_rng(seed))


def test_a_block_below_the_minimum_size_gives_no_key_and_says_why():
    r = _block(10**7)
    assert r.aborted and r.secret_bits == 0 and "phase-error" in r.reason
    assert 0.005 < r.qber_estimate < 0.02  # the test basis still measured the channel


def test_a_large_block_gives_identical_keys_no_longer_than_the_bound():
    pulses = 3 * 10**8
    r = _block(pulses)
    assert not r.aborted and r.secret_bits > 0
    assert np.array_equal(r.alice_key, r.bob_key)
    # the realised length is the formula's on this block's counts, so below what the expected counts promise
    # once the expected counts' own fluctuation is allowed for (a few per cent at this size)
    from qcity.quantum.bb84 import DecoySettings
    from qcity.quantum.finitekey import expected_counts as expect

    proto = DecoySettings().three_intensities()
    link = LinkParameters(alpha_db_per_km=0.2, eta_bob=0.1, y0=1e-6, e_detector=0.01, f_ec=1.0)
    assert r.secret_bits <= 1.05 * finite_key(expect(pulses, 10, link, proto), proto).length


def test_each_key_length_reports_its_own_single_photon_bound():
    margin, finite = _block(10**7, key_length="margin"), _block(3 * 10**8)
    # the decoy bounds of the margin length give the single-photon yield, a probability per pulse
    assert 0 < margin.y1_lower < 1 and math.isnan(margin.s1_lower)
    # the finite length bounds the key bits from single photons: a count, never more than the key bits
    assert 0 < finite.s1_lower <= finite.key_bits and math.isnan(finite.y1_lower)
    assert 0 < finite.e1_upper < 0.5


def test_the_margin_length_keys_small_blocks_the_finite_length_refuses():
    assert _block(10**7, key_length="margin").secret_bits > 0
    with pytest.raises(ValueError, match="key_length must be one of"):
        from qcity.quantum.bb84 import DecoySettings

        DecoySettings(key_length="asymptotic")


def test_keyrate_command_prints_the_finite_key_rate_beside_the_asymptotic(capsys):
    from qcity.cli import main

    assert main(["keyrate", "--stop", "50", "--step", "25", "--block", "1e10"]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.split() and line.split()[0] in ("0", "25", "50")][-3:]
    assert [r[0] for r in rows] == ["0", "25", "50"]
    for r in rows:  # km, finite, asymptotic, exact, minimum block
        assert float(r[1]) == pytest.approx(finite_key_rate(1e10, float(r[0]), LINK, PROTOCOL), rel=1e-4)
        assert float(r[1]) <= float(r[2]) <= float(r[3])
    with pytest.raises(SystemExit):
        main(["keyrate", "--block", "0"])
    assert "a block needs at least one pulse" in capsys.readouterr().err
