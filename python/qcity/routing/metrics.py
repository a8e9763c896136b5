"""Next-hop metrics from the papers qcity reproduces."""

from __future__ import annotations

import numpy as np

#: Smallest link loss used in seed 003's metric, so that a link with no observed
#: loss still has a finite score (the paper leaves M undefined there).
MIN_LINK_LOSS = 0.01


def energy_aware_metric(residual_energy: np.ndarray, delay: np.ndarray, link_loss: np.ndarray) -> np.ndarray:
    """Seed 003's routing metric, Eq. 7: M = E_residual / (D x L).

    ``residual_energy`` in J (``inf`` for a mains-powered gateway), ``delay`` in s
    (the candidate's estimated delay to a gateway), ``link_loss`` the estimated loss
    probability of the link to the candidate, clamped below at :data:`MIN_LINK_LOSS`.
    Higher is better.
    """
    e = np.asarray(residual_energy, dtype=float)
    d = np.asarray(delay, dtype=float)
    loss = np.maximum(np.asarray(link_loss, dtype=float), MIN_LINK_LOSS)
    if np.any(d <= 0):
        raise ValueError("delays must be positive")
    return e / (d * loss)
