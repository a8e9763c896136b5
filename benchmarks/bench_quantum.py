"""Quantum post-processing benchmarks, each beside TNO's qkd-key-rate package in the same run.

- Cascade: qcity (C++, option7 and original schedules) vs TNO's Cascade and Winnow
  on the same keys: success, efficiency f = (disclosed bits) / (n h(e)), Mbit/s.
- Privacy amplification of 10^6 bits (Toeplitz): qcity (carry-less Karatsuba in C++) vs TNO's
  PrivacyAmplification, randextract's ToeplitzHashing and a SciPy FFT convolution, same key and seed.
- Key rate vs distance: time per point, qcity's decoy-BB84 rate vs TNO's fully asymptotic BB84 estimate.
- Finite-key decoy BB84 (three intensities fixed): qcity (Lim et al. 2014) vs TNO's BB84FiniteKeyRateEstimate
  at the same intensities, probabilities, link and block sizes: key per pulse and time per point.

    pip install '.[bench]' && python benchmarks/bench_quantum.py [--only pa|cascade|keyrate|finite]
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from qcity.quantum.cascade import reconcile
from qcity.quantum.keyrate import LinkParameters, binary_entropy, decoy_rate_infinite, optimal_mu
from qcity.quantum.privacy import toeplitz_hash


def tno_cascade(alice: np.ndarray, bob: np.ndarray, qber: float, winnow: bool = False):
    from tno.quantum.communication.qkd_key_rate.classical import Message, ParityStrategy, Permutations

    a, b = Message(alice.tolist()), Message(bob.tolist())
    if winnow:
        from tno.quantum.communication.qkd_key_rate.classical.winnow import (
            Schedule,
            WinnowCorrector,
            WinnowReceiver,
            WinnowSender,
        )

        schedule = Schedule.schedule_from_error_rate(error_rate=qber)
        perms = Permutations.random_permutation(number_of_passes=sum(schedule.schedule), message_size=len(alice),
                                                random_state=1)
        corr = WinnowCorrector(alice=WinnowSender(message=a, permutations=perms, schedule=schedule),
                               bob=WinnowReceiver(message=b, permutations=perms, schedule=schedule))
    else:
        from tno.quantum.communication.qkd_key_rate.classical.cascade import (
            CascadeCorrector,
            CascadeReceiver,
            CascadeSender,
        )

        passes = 8
        strategy = ParityStrategy(error_rate=qber, sampling_fraction=0.34, number_of_passes=passes)
        perms = Permutations.random_permutation(number_of_passes=passes, message_size=len(alice), random_state=1)
        corr = CascadeCorrector(alice=CascadeSender(message=a, permutations=perms),
                                bob=CascadeReceiver(message=b, permutations=perms, parity_strategy=strategy))
    t = time.perf_counter()
    summary = corr.correct_errors()
    dt = time.perf_counter() - t
    return summary.output_error == 0, summary.key_reconciliation_rate, dt


def bench_cascade(n: int, qbers, repeats: int) -> list[dict]:
    rng = np.random.default_rng(2026)
    rows = []
    for q in qbers:
        acc: dict[str, list] = {}
        for rep in range(repeats):
            alice = rng.integers(0, 2, n, dtype=np.uint8)
            bob = alice ^ (rng.random(n) < q).astype(np.uint8)
            h = binary_entropy(float(np.mean(alice != bob)))
            for variant in ("option7", "original"):
                t = time.perf_counter()
                r = reconcile(alice, bob, q, seed=rep, variant=variant)
                dt = time.perf_counter() - t
                acc.setdefault(f"qcity {variant}", []).append((np.array_equal(r.corrected, alice), r.efficiency, n / dt))
            for name, win in (("TNO Cascade", False), ("TNO Winnow", True)):
                ok, rate, dt = tno_cascade(alice, bob, q, winnow=win)
                acc.setdefault(name, []).append((ok, (1 - rate) / h, n / dt))
        for name, vals in acc.items():
            oks, fs, speeds = zip(*vals)
            rows.append({"qber": q, "tool": name, "success": sum(oks) / len(oks), "f_mean": float(np.mean(fs)),
                         "f_max": float(np.max(fs)), "mbit_s": float(np.median(speeds)) / 1e6})
    return rows


def bench_pa(n: int = 10**6, m: int = 500_000) -> dict:
    import randextract
    from tno.quantum.communication.qkd_key_rate.classical import Message
    from tno.quantum.communication.qkd_key_rate.classical.privacy_amplification import PrivacyAmplification

    rng = np.random.default_rng(1)
    x = rng.integers(0, 2, n, dtype=np.uint8)
    s = rng.integers(0, 2, n + m - 1, dtype=np.uint8)
    ours = toeplitz_hash(x, s, m)
    fft = _fft_toeplitz(x, s, m)
    # randextract's Toeplitz(i, j) = seed[i - j] with negative indices wrapping; ours is s[i - j + n - 1]
    extractor, shifted = randextract.ToeplitzHashing(n, m), np.roll(s, -(n - 1))
    ref = np.asarray(extractor.extract(x, shifted), dtype=np.uint8)
    msg = Message(x.tolist())
    pa = PrivacyAmplification(n, error_rate_basis_x=0.02)
    return {
        "n": n,
        "m": m,
        "identical": bool(np.array_equal(ours, ref) and np.array_equal(ours, fft)),
        "qcity_ms": min(_time(lambda: toeplitz_hash(x, s, m)) for _ in range(5)) * 1e3,
        "randextract_ms": min(_time(lambda: extractor.extract(x, shifted)) for _ in range(3)) * 1e3,
        "scipy_fft_ms": min(_time(lambda: _fft_toeplitz(x, s, m)) for _ in range(3)) * 1e3,
        "tno_ms": min(_time(lambda: pa.do_hash(msg, m)) for _ in range(3)) * 1e3,
    }


def _fft_toeplitz(x: np.ndarray, s: np.ndarray, m: int) -> np.ndarray:
    """The hash as an integer convolution by real FFTs of length >= n + m - 1 (what one writes with SciPy)."""
    from scipy import fft

    n = x.size
    size = fft.next_fast_len(n + m - 1, real=True)
    conv = fft.irfft(fft.rfft(x.astype(np.float64), size) * fft.rfft(s.astype(np.float64), size), size)
    return (np.rint(conv[n - 1 : n - 1 + m]).astype(np.int64) & 1).astype(np.uint8)


def bench_keyrate(points: int = 50) -> dict:
    from tno.quantum.communication.qkd_key_rate.quantum import standard_detector
    from tno.quantum.communication.qkd_key_rate.quantum.bb84 import BB84FullyAsymptoticKeyRateEstimate

    p = LinkParameters()
    distances = np.linspace(0, 140, points)
    ours = _time(lambda: [optimal_mu(lambda mu, d=d: decoy_rate_infinite(d, p, mu)) for d in distances]) / points
    est = BB84FullyAsymptoticKeyRateEstimate(detector=standard_detector)
    theirs = _time(lambda: [est.optimize_rate(attenuation=0.21 * d) for d in distances[:20]]) / 20
    return {"qcity_ms_per_point": ours * 1e3, "tno_ms_per_point": theirs * 1e3}


def bench_finite_key(blocks=(1e8, 1e10, 1e12), distances=(25, 50, 75)) -> list[dict]:
    """Both finite-key estimates on the GYS link with the detector conventions matched as in
    tests/test_keyrate.py (TNO: two detectors, misalignment as polarisation drift)."""
    import math
    import warnings

    from tno.quantum.communication.qkd_key_rate.quantum import Detector
    from tno.quantum.communication.qkd_key_rate.quantum.bb84 import BB84FiniteKeyRateEstimate

    from qcity.quantum.finitekey import ThreeIntensities, asymptotic_key_rate, finite_key_rate

    link, proto = LinkParameters(), ThreeIntensities()
    detector = Detector(name="GYS", jitter_source=0, jitter_detector=0, dead_time=0, detection_window=1,
                        efficiency_system=1, polarization_drift=math.asin(math.sqrt(link.e_detector)),
                        error_detector=0, interval=1, dark_count_rate=1 - math.sqrt(1 - link.y0),
                        efficiency_party=link.eta_bob)
    basis = [proto.p_key_basis * p for p in proto.p]  # TNO: probability of each intensity in each basis
    rows = []
    for pulses in blocks:
        tno = BB84FiniteKeyRateEstimate(detector=detector, number_of_pulses=int(pulses), number_of_decoy=2)
        for d in distances:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t = time.perf_counter()
                theirs = float(np.ravel(tno.compute_rate(list(proto.mu), link.alpha_db_per_km * d, basis, basis))[0])
                theirs_s = time.perf_counter() - t
            t = time.perf_counter()
            ours = finite_key_rate(pulses, d, link, proto)
            ours_s = time.perf_counter() - t
            rows.append({"pulses": pulses, "km": d, "qcity": ours, "qcity_asymptotic": asymptotic_key_rate(d, link, proto),
                         "tno": theirs, "qcity_ms": ours_s * 1e3, "tno_ms": theirs_s * 1e3})
    return rows


def _time(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000, help="key length for Cascade")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", choices=("cascade", "pa", "keyrate", "finite"), help="run one of the four benchmarks")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    if args.only in (None, "cascade"):
        print(f"\nCascade on {args.n:,}-bit keys ({args.repeats} keys per QBER)")
        print("| QBER | tool | success | f (mean) | f (worst) | Mbit/s |")
        print("|---|---|---|---|---|---|")
        for r in bench_cascade(args.n, (0.01, 0.02, 0.03, 0.05, 0.08), args.repeats):
            print(f"| {r['qber']:.2f} | {r['tool']} | {r['success']:.0%} | {r['f_mean']:.3f} | {r['f_max']:.3f} "
                  f"| {r['mbit_s']:.2f} |")
    if args.only in (None, "pa"):
        pa = bench_pa()
        print(f"\nprivacy amplification {pa['n']:,} -> {pa['m']:,} bits, one core, best of 3-5: "
              f"qcity {pa['qcity_ms']:.1f} ms, randextract {pa['randextract_ms']:.1f} ms, "
              f"SciPy FFT convolution {pa['scipy_fft_ms']:.1f} ms, TNO {pa['tno_ms']:.1f} ms; "
              f"qcity, randextract and FFT bit-identical: {pa['identical']}")
    if args.only in (None, "keyrate"):
        kr = bench_keyrate()
        print(f"key rate vs distance: qcity {kr['qcity_ms_per_point']:.2f} ms/point (decoy BB84, optimal mu), "
              f"TNO {kr['tno_ms_per_point']:.2f} ms/point (fully asymptotic BB84, optimal mu)")
    if args.only in (None, "finite"):
        print("\nfinite-key decoy BB84, intensities (0.5, 0.1, 0), probabilities (0.8, 0.1, 0.1), GYS link:")
        print("| pulses | km | qcity key/pulse | qcity asymptotic | TNO key/pulse | qcity ms | TNO ms |")
        print("|---|---|---|---|---|---|---|")
        for r in bench_finite_key():
            print(f"| {r['pulses']:.0e} | {r['km']} | {r['qcity']:.3e} | {r['qcity_asymptotic']:.3e} | {r['tno']:.3e} "
                  f"| {r['qcity_ms']:.3f} | {r['tno_ms']:.1f} |")


if __name__ == "__main__":
    main()
