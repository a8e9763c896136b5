"""Scheduling instances: an ETC (expected time to compute) matrix and machine power.

Braun et al., "A comparison of eleven static heuristics for mapping a class of
independent tasks onto heterogeneous distributed computing systems", JPDC 61
(2001): e[t, m] = U(1, phi_task) * U(1, phi_machine) with task heterogeneity
phi_task = 3000 (high) or 100 (low) and machine heterogeneity phi_machine = 1000
(high) or 10 (low). Consistency: "consistent" sorts every row (a faster machine
is faster for every task), "inconsistent" leaves rows as drawn, "semiconsistent"
sorts the even-indexed columns of each row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HETEROGENEITY = {"hi": (3000.0, 1000.0), "lo": (100.0, 10.0)}  # (task, machine) ranges
CONSISTENCY = ("consistent", "inconsistent", "semiconsistent")


@dataclass(frozen=True)
class Instance:
    etc: np.ndarray  # tasks x machines, seconds
    active_power: np.ndarray  # W per machine while computing
    idle_power: np.ndarray  # W per machine while idle

    def __post_init__(self):
        if self.etc.ndim != 2 or self.etc.shape[0] < 1 or self.etc.shape[1] < 1:
            raise ValueError(f"etc must be a non-empty tasks x machines matrix, got shape {self.etc.shape}")
        if not np.all(np.isfinite(self.etc)) or np.any(self.etc <= 0):
            raise ValueError("etc entries must be positive and finite")
        m = self.etc.shape[1]
        if self.active_power.shape != (m,) or self.idle_power.shape != (m,):
            raise ValueError(f"need one active and one idle power per machine ({m})")
        if np.any(self.idle_power < 0) or np.any(self.active_power < self.idle_power):
            raise ValueError("powers must satisfy 0 <= idle <= active")

    @property
    def tasks(self) -> int:
        return self.etc.shape[0]

    @property
    def machines(self) -> int:
        return self.etc.shape[1]


def braun_instance(tasks: int, machines: int, consistency: str = "inconsistent", task_het: str = "hi",
                   machine_het: str = "hi", seed: int = 0) -> Instance:
    """A Braun-et-al. ETC instance with a linear power model (idle 60 % of active, 100-250 W active)."""
    if consistency not in CONSISTENCY:
        raise ValueError(f"consistency must be one of {CONSISTENCY}, got {consistency!r}")
    if task_het not in HETEROGENEITY or machine_het not in HETEROGENEITY:
        raise ValueError("heterogeneity must be 'hi' or 'lo'")
    rng = np.random.default_rng(seed)
    phi_t = HETEROGENEITY[task_het][0]
    phi_m = HETEROGENEITY[machine_het][1]
    etc = rng.uniform(1, phi_t, size=(tasks, 1)) * rng.uniform(1, phi_m, size=(tasks, machines))
    if consistency == "consistent":
        etc = np.sort(etc, axis=1)
    elif consistency == "semiconsistent":
        etc[:, ::2] = np.sort(etc[:, ::2], axis=1)
    active = rng.uniform(100, 250, size=machines)
    return Instance(etc, active, 0.6 * active)


def loads(inst: Instance, assign: np.ndarray) -> np.ndarray:
    """Machine loads for one assignment (tasks,) or a population (pop, tasks)."""
    a = np.atleast_2d(assign)
    pop, t = a.shape
    m = inst.machines
    times = inst.etc[np.arange(t), a]  # (pop, tasks)
    idx = a + m * np.arange(pop)[:, None]
    out = np.bincount(idx.ravel(), weights=times.ravel(), minlength=pop * m).reshape(pop, m)
    return out[0] if np.ndim(assign) == 1 else out
