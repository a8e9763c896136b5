"""Q-PUF authentication model and the device-side authentication costs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qcity.crypto import authcost
from qcity.crypto.puf import (
    XorArbiterPuf,
    authentication_trial,
    enrol,
    equal_error_rate,
    error_rates,
    features,
    modelling_attack,
    random_challenges,
)


def test_features_are_the_suffix_products_of_the_challenge_signs():
    phi = features(np.array([[0, 1, 1], [0, 0, 0]]))
    # signs (1, -1, -1): suffix products (1*-1*-1, -1*-1, -1) = (1, 1, -1), then the bias
    assert phi.tolist() == [[1, 1, -1, 1], [1, 1, 1, 1]]


def test_noise_free_reads_are_the_ideal_responses_and_noise_flips_about_arctan_over_pi():
    rng = np.random.default_rng(1)
    c = random_challenges(20000, 64, rng)
    quiet = XorArbiterPuf.create(64, 1, noise=0.0, rng=rng)
    assert np.array_equal(quiet.respond(c, rng), quiet.ideal(c))
    noisy = XorArbiterPuf(quiet.weights, noise=0.1)
    flips = np.mean(noisy.respond(c, rng) != noisy.ideal(c))
    assert flips == pytest.approx(math.atan(0.1) / math.pi, abs=0.006)


def test_majority_enrolment_is_closer_to_the_ideal_than_one_read():
    rng = np.random.default_rng(2)
    puf = XorArbiterPuf.create(64, 1, noise=0.3, rng=rng)
    c = random_challenges(20000, 64, rng)
    one = np.mean(puf.respond(c, rng) != puf.ideal(c))
    voted = np.mean(enrol(puf, c, 9, rng) != puf.ideal(c))
    assert voted < 0.6 * one


def test_genuine_devices_are_accepted_and_impostors_rejected_with_enough_response_bits():
    trial = authentication_trial(devices=20, attempts=10, m=128, noise=0.05, seed=3)
    assert trial.genuine.max() < 0.15 < 0.25 < trial.impostor.min()
    assert equal_error_rate(trial.genuine, trial.impostor)[0] == 0.0
    far, frr = error_rates(trial.genuine, trial.impostor, np.array([0.0, 0.2, 1.0]))
    assert far.tolist() == [0.0, 0.0, 1.0] and frr[1:].tolist() == [0.0, 0.0]


def test_short_noisy_responses_have_a_positive_equal_error_rate():
    trial = authentication_trial(devices=20, attempts=20, m=16, noise=0.4, seed=4)
    eer, tolerance = equal_error_rate(trial.genuine, trial.impostor)
    assert 0 < eer < 0.2
    far, frr = error_rates(trial.genuine, trial.impostor, np.array([tolerance]))
    assert abs(far[0] - frr[0]) <= 2 * eer


def test_logistic_regression_models_one_chain_but_not_a_two_xor_from_a_few_thousand_pairs():
    assert modelling_attack(3000, k=1, seed=5) > 0.95
    assert modelling_attack(3000, k=2, seed=5) < 0.6


@pytest.mark.parametrize("call", [
    lambda: XorArbiterPuf.create(0, 1, rng=np.random.default_rng(0)),
    lambda: XorArbiterPuf.create(8, 1, noise=-1, rng=np.random.default_rng(0)),
    lambda: features(np.array([[0, 2]])),
    lambda: enrol(XorArbiterPuf.create(8, rng=np.random.default_rng(0)), np.zeros((1, 8), np.uint8), 2, np.random.default_rng(0)),
    lambda: authentication_trial(devices=1), lambda: modelling_attack(1),
])
def test_bad_puf_inputs_are_errors(call):
    with pytest.raises(ValueError):
        call()


def test_device_costs_follow_the_cited_cycle_counts():
    puf, dsa, rsa = authcost.device_costs(puf_challenges=128, puf_stages=64)
    assert rsa.cpu_s == pytest.approx(0.48325 * 160e6 / 32e6)  # wolfSSL's 483 ms at 160 MHz, run at 32 MHz
    assert dsa.cpu_s == pytest.approx(7_925_955 / 32e6)
    assert puf.message_bytes == 16 and puf.cpu_cycles == pytest.approx(115.6 * 1024)
    # ML-DSA-44's 2420-byte signature needs 22 frames of at most 111 bytes
    assert dsa.air_s == pytest.approx((2420 + 22 * 22) * 8 / 250e3)
    assert puf.energy_j < dsa.energy_j < rsa.energy_j
    faster = authcost.device_costs(device=authcost.Device(clock_hz=64e6))
    assert faster[2].cpu_s == pytest.approx(rsa.cpu_s / 2)
    with pytest.raises(ValueError):
        authcost.device_costs(puf_challenges=0)
