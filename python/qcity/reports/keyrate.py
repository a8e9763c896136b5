"""Key rate vs distance: theory table and figure, with simulated points from result files."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..quantum.finitekey import ThreeIntensities, minimum_block, rate_rows
from ..quantum.keyrate import LinkParameters, rate_table
from .figures import offscreen_pyplot


def theory_frame(distances_km, params: LinkParameters | None = None, nu: float = 0.05) -> pd.DataFrame:
    """Asymptotic secret bits per pulse vs distance (infinite decoy, vacuum+weak decoy, PLOB)."""
    return pd.DataFrame(rate_table(distances_km, params, nu))


def format_table(df: pd.DataFrame) -> str:
    """The table as aligned text for a terminal."""
    lines = [f"{'km':>6} {'eta':>10} {'mu*':>6} {'R inf. decoy':>13} {'mu*':>6} {'R vac+weak':>13} {'PLOB':>11}"]
    for r in df.itertuples():
        mu_i = "-" if math.isnan(r.mu_infinite) else f"{r.mu_infinite:.3f}"
        mu_v = "-" if math.isnan(r.mu_vacuum_weak) else f"{r.mu_vacuum_weak:.3f}"
        lines.append(f"{r.distance_km:6.0f} {r.eta:10.3e} {mu_i:>6} {r.rate_infinite:13.4e} {mu_v:>6} "
                     f"{r.rate_vacuum_weak:13.4e} {r.plob:11.4e}")
    lines.append("rates in secret bits per pulse (multiply by the pulse rate for bit/s)")
    return "\n".join(lines)


def finite_frame(distances_km, pulses: float, params: LinkParameters | None = None,
                 protocol: ThreeIntensities | None = None) -> pd.DataFrame:
    """Finite-key rate of a block of ``pulses`` pulses beside the same protocol's asymptotic and exact rates."""
    params, protocol = params or LinkParameters(), protocol or ThreeIntensities()
    df = pd.DataFrame(rate_rows(distances_km, pulses, params, protocol))
    df["minimum_block"] = [minimum_block(d, params, protocol) for d in df.distance_km]
    return df


def format_finite_table(df: pd.DataFrame, pulses: float, protocol: ThreeIntensities | None = None) -> str:
    """The finite-key table as aligned text for a terminal."""
    protocol = protocol or ThreeIntensities()
    mu, p = protocol.mu, protocol.p
    lines = [f"decoy BB84 with intensities {mu[0]:g}/{mu[1]:g}/{mu[2]:g} sent with probabilities "
             f"{p[0]:g}/{p[1]:g}/{p[2]:g}, key basis chosen with {protocol.p_key_basis:g}, "
             f"eps_sec {protocol.eps_sec:g}, eps_cor {protocol.eps_cor:g} (Lim et al. 2014)",
             f"{'km':>6} {f'R block {pulses:.3g}':>16} {'R asymptotic':>13} {'R exact':>11} {'min. block':>11}"]
    for r in df.itertuples():
        smallest = "none" if math.isinf(r.minimum_block) else f"{r.minimum_block:.3g}"
        lines.append(f"{r.distance_km:6.0f} {r.rate_finite:16.4e} {r.rate_asymptotic:13.4e} {r.rate_exact:11.4e} "
                     f"{smallest:>11}")
    lines.append("rates in secret bits per pulse; asymptotic: the same decoy bounds without statistical terms; "
                 "exact: single photons known exactly; min. block: fewest pulses giving a key")
    return "\n".join(lines)


def simulated_points(result_files) -> pd.DataFrame:
    """Secret bits per pulse of each QkdLink in the result files, with its fibre length."""
    from ..results import get_parameters, get_scalars, read_result_files

    df = read_result_files(result_files, 'module =~ "**.link" AND (name =~ "secretBits:sum" OR name =~ pulsesSent '
                                         'OR name =~ distance)')
    sc = get_scalars(df).pivot_table(index=["runID", "module"], columns="name", values="value")
    par = get_parameters(df)
    par = par[par["name"] == "distance"].set_index(["runID", "module"])["value"]
    out = pd.DataFrame({
        "distance_km": par.reindex(sc.index).map(lambda v: float(str(v).removesuffix("km"))),
        "secret_bits": sc["secretBits:sum"],
        "pulses": sc["pulsesSent"],
    }).reset_index()
    out["rate_per_pulse"] = out["secret_bits"] / out["pulses"]
    return out.sort_values("distance_km").reset_index(drop=True)


def plot(theory: pd.DataFrame, path: str | Path, simulated: pd.DataFrame | None = None) -> Path:
    """Draws the theory curves (and simulated points) to `path`."""
    plt = offscreen_pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.semilogy(theory.distance_km, theory.plob, "k:", label="PLOB bound (repeaterless)")
    ax.semilogy(theory.distance_km, theory.rate_infinite.where(theory.rate_infinite > 0), "-", label="decoy BB84, infinite decoys")
    ax.semilogy(theory.distance_km, theory.rate_vacuum_weak.where(theory.rate_vacuum_weak > 0), "--",
                label="decoy BB84, vacuum + weak decoy")
    if simulated is not None and len(simulated):
        ax.semilogy(simulated.distance_km, simulated.rate_per_pulse, "o", label="qcity QkdLink (simulated, finite blocks)")
    ax.set_xlabel("fibre length (km)")
    ax.set_ylabel("secret key rate (bits per pulse)")
    ax.grid(True, alpha=0.3)
    ax.legend(frameon=False)
    path = Path(path)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return path
