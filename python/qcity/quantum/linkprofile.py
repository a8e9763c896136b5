"""Link profiles: a measured (or separately simulated) entanglement link, e.g. from QuISP.

A profile gives the Bell pairs a gateway pair shares and their Pauli errors:
distance_km, fidelity, x_error, y_error, z_error (probabilities of an X, Y or Z
error on a pair) and bell_pair_rate (pairs per second). For BBM92, a Z-basis
measurement is flipped by X and Y errors and an X-basis one by Z and Y errors:
QBER_Z = x_error + y_error, QBER_X = z_error + y_error.

Files: JSON (one object with those keys) or CSV (a header line with those names
and one data row). Errors name the file and the field.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, fields
from pathlib import Path

from ..errors import QcityError


class LinkProfileError(QcityError):
    """A link profile file that is missing, malformed or out of range."""


@dataclass(frozen=True)
class LinkProfile:
    distance_km: float
    fidelity: float
    x_error: float
    y_error: float
    z_error: float
    bell_pair_rate: float  # pairs per second

    def __post_init__(self):
        for name in ("fidelity", "x_error", "y_error", "z_error"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise ValueError(f"{name} must be in [0, 1], got {v}")
        if self.x_error + self.y_error + self.z_error > 1:
            raise ValueError("x_error + y_error + z_error must not exceed 1")
        if self.distance_km < 0 or self.bell_pair_rate < 0:
            raise ValueError("distance_km and bell_pair_rate must not be negative")

    @property
    def qber_z(self) -> float:
        return self.x_error + self.y_error

    @property
    def qber_x(self) -> float:
        return self.z_error + self.y_error


_FIELDS = [f.name for f in fields(LinkProfile)]


def load_link_profile(path: str | Path) -> LinkProfile:
    """Reads a link profile from a .json or .csv file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise LinkProfileError(f"cannot read link profile: {e.strerror}", str(p)) from None
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise LinkProfileError(f"malformed JSON: {e.msg}", str(p), e.lineno, e.colno) from None
        if not isinstance(data, dict):
            raise LinkProfileError("expected a JSON object with the link's fields", str(p))
        line = None
    elif p.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
        if len(rows) != 1:
            raise LinkProfileError(f"expected a header and exactly one data row, found {len(rows)} data rows", str(p))
        data, line = rows[0], 2
    else:
        raise LinkProfileError("link profiles are .json or .csv files", str(p))
    missing = [f for f in _FIELDS if f not in data or data[f] in (None, "")]
    if missing:
        raise LinkProfileError(f"missing field(s): {', '.join(missing)}", str(p), line)
    values = {}
    for f in _FIELDS:
        try:
            values[f] = float(data[f])
        except (TypeError, ValueError):
            raise LinkProfileError(f"{f}: expected a number, got {data[f]!r}", str(p), line) from None
    try:
        return LinkProfile(**values)
    except ValueError as e:
        raise LinkProfileError(str(e), str(p), line) from None
