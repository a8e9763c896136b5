"""Default hooks of the quantum modules (named in NED: QkdLink.keyRateHook)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from ..nedparams import Parameter, model_fields
from .bb84 import BlockResult, run_block
from .bbm92 import Bbm92Settings, run_bbm92_block, run_bbm92_on_outcomes
from .keyrate import LinkParameters, bbm92_rate, decoy_rate_infinite, optimal_mu
from .linkprofile import LinkProfile, load_link_profile
from .qesif import quantum_entropy
from .qkdlink import from_hook_args

#: Bbm92KeyLink.ned's parameters and the Bbm92Settings fields that carry them (tests/test_ned_defaults.py)
BBM92_PARAMETERS: tuple[Parameter, ...] = (
    Parameter("sampleFraction", "sample_fraction", Bbm92Settings, "sample_fraction"),
    Parameter("qberAbort", "qber_abort", Bbm92Settings, "qber_abort"),
    Parameter("cascade", "cascade", Bbm92Settings, "cascade"),
)


def decoy_bb84_block(args: dict) -> dict:
    """One block of decoy-state BB84 on the link QkdLink describes in `args`.

    Returns the block's observable outcome for the C++ module: estimated QBER,
    sifted and secret bits, whether it aborted (and why), the disclosed share of
    the key (loss L of QESIF Eq. 2), H_q = 1 - h(QBER), and the key itself as hex.
    """
    channel, settings = from_hook_args(args)
    r = run_block(channel, settings, int(args["pulses"]), np.random.default_rng(int(args["seed"])))
    # K_max of QESIF Eq. 6: the asymptotic key the same devices and fibre could give these pulses
    ideal = LinkParameters(alpha_db_per_km=channel.alpha_db_per_km, eta_bob=channel.eta_bob, y0=channel.y0,
                           e_detector=channel.e_detector, f_ec=1.0, q=settings.p_z**2 + (1 - settings.p_z) ** 2)
    return {**_outcome(r), "max_bits": _capacity_per_pulse(ideal, channel.distance_km) * int(args["pulses"])}


@lru_cache(maxsize=256)
def _capacity_per_pulse(params: LinkParameters, distance_km: float) -> float:
    """Asymptotic decoy-BB84 key per pulse at the optimal intensity: the same for every block of a link."""
    return optimal_mu(lambda m: decoy_rate_infinite(distance_km, params, m))[1]


def bbm92_block(args: dict) -> dict:
    """One block of BBM92 on the link profile file named by args["link_profile"] (e.g. converted from QuISP)."""
    if not args.get("link_profile"):
        raise ValueError("bbm92_block needs the QkdLink parameter linkProfile (a .json or .csv link profile)")
    profile = _profile(args["link_profile"])
    settings = Bbm92Settings(p_z=args["p_z"], sample_fraction=args["sample_fraction"], qber_abort=args["qber_abort"],
                             cascade=args["cascade"])
    r = run_bbm92_block(profile, settings, float(args["block_interval"]), np.random.default_rng(int(args["seed"])))
    # K_max of QESIF Eq. 6: the asymptotic BBM92 key of the pairs the profile promises in this block
    zz_pairs = profile.bell_pair_rate * float(args["block_interval"]) * settings.p_z**2
    return {**_outcome(r), "max_bits": zz_pairs * bbm92_rate(profile.qber_x, profile.qber_z)}


def bbm92_measured_block(args: dict) -> dict:
    """One block of BBM92 on pairs measured elsewhere (Bbm92KeyLink: QuISP's link tomography at run time).

    args: alice_bases/bob_bases (one character per pair: X, Y or Z), alice_bits/bob_bits ("0" for the +1
    outcome, "1" for -1), sample_fraction, qber_abort, cascade, seed.
    """
    bases = {k: np.array(list(args[k])) for k in ("alice_bases", "bob_bases")}
    bits = {}
    for k in ("alice_bits", "bob_bits"):
        raw = np.frombuffer(args[k].encode("ascii"), dtype=np.uint8) - ord("0")
        if raw.size and raw.max() > 1:
            raise ValueError(f"{k} must hold only 0 and 1")
        bits[k] = raw
    settings = Bbm92Settings(**model_fields(args, BBM92_PARAMETERS, Bbm92Settings))
    r = run_bbm92_on_outcomes(bases["alice_bases"], bits["alice_bits"], bases["bob_bases"], bits["bob_bits"], settings,
                              np.random.default_rng(int(args["seed"])))
    n_x = r.sifted[1]
    return {**_outcome(r), "qber_x": r.errors[1] / n_x if n_x else 0.5}


@lru_cache(maxsize=64)
def _cached_profile(path: str, mtime_ns: int) -> LinkProfile:
    return load_link_profile(path)


def _profile(path: str) -> LinkProfile:
    """A link profile, read once per file version (the hook is called every block)."""
    p = Path(path)
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        return load_link_profile(p)  # raises the proper error
    return _cached_profile(str(p), mtime)


def _outcome(r: BlockResult) -> dict:
    qber = r.qber_estimate if r.qber_estimate == r.qber_estimate else 0.5  # nan: nothing measured
    return {
        "qber": qber,
        "sifted_bits": r.sifted_bits,
        "secret_bits": r.secret_bits,
        "aborted": r.aborted,
        "reason": r.reason,
        "leak_fraction": r.leak_fraction,
        "hq": quantum_entropy(min(qber, 0.5)),
        "key_hex": np.packbits(r.alice_key).tobytes().hex() if r.secret_bits else "",
    }
