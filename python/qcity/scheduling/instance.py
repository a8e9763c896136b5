"""Scheduling instances: an ETC (expected time to compute) matrix and machine power.

Braun et al., "A comparison of eleven static heuristics for mapping a class of
independent tasks onto heterogeneous distributed computing systems", JPDC 61
(2001): e[t, m] = U(1, phi_task) * U(1, phi_machine) with task heterogeneity
phi_task = 3000 (high) or 100 (low) and machine heterogeneity phi_machine = 1000
(high) or 10 (low). Consistency: "consistent" sorts every row (a faster machine
is faster for every task), "inconsistent" leaves rows as drawn, "semiconsistent"
sorts the even-indexed columns of each row.

The published instances (Braun et al.'s twelve 512 x 16 classes and larger ones of the same
kind) come in the HCSP/ETC text format :func:`read_hcsp` reads: a header ``tasks machines 0``,
then the tasks x machines times, task-major, any whitespace between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import QcityError, read_utf8

HETEROGENEITY = {"hi": (3000.0, 1000.0), "lo": (100.0, 10.0)}  # (task, machine) ranges
CONSISTENCY = ("consistent", "inconsistent", "semiconsistent")


@dataclass(frozen=True)
class Instance:
    etc: np.ndarray  # tasks x machines, seconds
    active_power: np.ndarray  # W per machine while computing
    idle_power: np.ndarray  # W per machine while idle
    # results computed once per instance (qcity.scheduling.bounds' makespan LP); instances are not changed
    # after they are made
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.etc.ndim != 2 or self.etc.shape[0] < 1 or self.etc.shape[1] < 1:
            raise ValueError(f"etc must be a non-empty tasks x machines matrix, got shape {self.etc.shape}")
        # 0 is valid: rounding leaves some in published instances (a task a machine runs at once)
        if not np.all(np.isfinite(self.etc)) or np.any(self.etc < 0):
            raise ValueError("etc entries must be non-negative and finite")
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
    return Instance(etc, active, 0.6 * active)  # linear_power's model, drawn from this instance's stream


def linear_power(machines: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """qcity's machine power model: active 100-250 W drawn per machine, idle 60 % of active."""
    active = np.random.default_rng(seed).uniform(100, 250, size=machines)
    return active, 0.6 * active


def read_hcsp(path: str | Path, power_seed: int = 0) -> Instance:
    """An instance from an HCSP/ETC file (``tasks machines 0`` then task-major times).

    The files carry no power figures; machines get :func:`linear_power` with ``power_seed``.
    Malformed files raise :class:`qcity.errors.QcityError` naming the file and line.
    """
    path = Path(path)
    text = read_utf8(path, QcityError, "HCSP/ETC instance")
    lines = text.splitlines()
    header = lines[0].split() if lines else []
    if len(header) != 3 or not all(h.isdigit() for h in header):
        raise QcityError("the first line must be 'tasks machines 0' (three whole numbers)", str(path), 1)
    tasks, machines = int(header[0]), int(header[1])
    if tasks < 1 or machines < 1:
        raise QcityError(f"needs at least one task and one machine, the header says {tasks} x {machines}", str(path), 1)
    values: list[float] = []
    for number, line in enumerate(lines[1:], start=2):
        for word in line.split():
            try:
                v = float(word)
            except ValueError:
                raise QcityError(f"{word!r} is not a number", str(path), number) from None
            if not np.isfinite(v) or v < 0:
                raise QcityError(f"{word!r}: times must be finite and non-negative", str(path), number)
            values.append(v)
    expected = tasks * machines
    if len(values) != expected:
        where = len(lines)
        raise QcityError(f"the header promises {tasks} x {machines} = {expected} times, the file has {len(values)}"
                         + (" (cut short?)" if len(values) < expected else ""), str(path), where)
    active, idle = linear_power(machines, power_seed)
    return Instance(np.asarray(values).reshape(tasks, machines), active, idle)


def write_hcsp(inst: Instance, path: str | Path) -> None:
    """Writes ``inst``'s times in the HCSP/ETC format :func:`read_hcsp` reads (powers are not kept)."""
    body = "\n".join(f"{v:.6f}" for v in inst.etc.ravel())
    Path(path).write_text(f"{inst.tasks} {inst.machines} 0\n{body}\n", encoding="ascii")


def loads(inst: Instance, assign: np.ndarray) -> np.ndarray:
    """Machine loads for one assignment (tasks,) or a population (pop, tasks)."""
    a = np.atleast_2d(assign)
    pop, t = a.shape
    m = inst.machines
    times = inst.etc[np.arange(t), a]  # (pop, tasks)
    idx = a + m * np.arange(pop)[:, None]
    out = np.bincount(idx.ravel(), weights=times.ravel(), minlength=pop * m).reshape(pop, m)
    return out[0] if np.ndim(assign) == 1 else out
