"""Q-PUF authentication (seed 000) in tables: error rates over read noise and response length, the
modelling attack, and one authentication's cost on the device beside RSA-2048 and ML-DSA-44."""

from __future__ import annotations

import pandas as pd

from ..crypto.authcost import device_costs
from ..crypto.puf import authentication_trial, equal_error_rate, error_rates, modelling_attack

NOISES = (0.05, 0.2, 0.4)
LENGTHS = (16, 32, 64, 128)
ATTACK_CRPS = (50, 200, 1000, 5000, 20000)


def eer_table(devices: int, attempts: int, seed: int) -> tuple[pd.DataFrame, dict]:
    """EER (and its tolerance) of Hamming-distance authentication per read noise and response length m;
    plus, per noise, the trial at m = 32 for FAR/FRR curves."""
    rows, curves = [], {}
    for noise in NOISES:
        for m in LENGTHS:
            trial = authentication_trial(devices=devices, attempts=attempts, m=m, noise=noise, seed=seed)
            eer, tol = equal_error_rate(trial.genuine, trial.impostor)
            rows.append({"noise": noise, "m": m, "flip_rate": trial.flip_rate, "eer": eer, "tolerance": tol,
                         "genuine_max": trial.genuine.max(), "impostor_min": trial.impostor.min()})
            if m == 32:
                curves[noise] = trial
    return pd.DataFrame(rows), curves


def attack_table(seed: int) -> pd.DataFrame:
    """Share of fresh challenges a logistic-regression model of the PUF answers right, per chain count k and
    number of observed challenge-response pairs."""
    rows = [{"k": k, "crps": q, "accuracy": modelling_attack(q, k=k, seed=seed)} for k in (1, 2) for q in ATTACK_CRPS]
    return pd.DataFrame(rows)


def cost_table() -> pd.DataFrame:
    """One authentication on the device (32 MHz Cortex-M3 class, CC2420 radio), per scheme."""
    return pd.DataFrame([{"scheme": c.scheme, "cpu_cycles": c.cpu_cycles, "message_bytes": c.message_bytes,
                          "cpu_ms": c.cpu_s * 1e3, "air_ms": c.air_s * 1e3, "latency_ms": c.latency_s * 1e3,
                          "energy_mJ": c.energy_j * 1e3} for c in device_costs()])


def fixed_tolerance_rates(devices: int, attempts: int, seed: int, m: int = 128) -> pd.DataFrame:
    """FAR and FRR per read noise at one tolerance, the EER tolerance of the quietest noise level: what a
    verifier calibrated on clean reads sees when the noise grows."""
    trials = {noise: authentication_trial(devices=devices, attempts=attempts, m=m, noise=noise, seed=seed)
              for noise in NOISES}
    _, tolerance = equal_error_rate(trials[NOISES[0]].genuine, trials[NOISES[0]].impostor)
    rows = []
    for noise, trial in trials.items():
        far, frr = error_rates(trial.genuine, trial.impostor, [tolerance])
        rows.append({"noise": noise, "m": m, "tolerance": tolerance, "far": float(far[0]), "frr": float(frr[0])})
    return pd.DataFrame(rows)

