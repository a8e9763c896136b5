"""Verdicts: our value beside the paper's, and whether the paper's result is reproduced.

- **reproduced**: our mean within ``tolerance`` (relative, 10 % unless a row says otherwise, and
  for percentages never more than 2 points) of the paper's number, or inside its range widened
  the same way; a claim that our runs bear out. Our 95 % interval is shown beside the mean but never widens the match: an interval made
  wide by few or scattered repetitions must not turn a difference into agreement.
- **differs**: a number or range outside that, or a claim only partly borne out.
- **contradicted**: a claim of direction (better, lower, more) whose opposite our runs show
  beyond their intervals.
- **not measured**: the artefact could not be measured here; its row says why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ..papers import Reported
from ..summary import ci_half_width
from .plan import Row

REPRODUCED, DIFFERS, CONTRADICTED, NOT_MEASURED = "reproduced", "differs", "contradicted", "not measured"
VERDICTS = (REPRODUCED, DIFFERS, CONTRADICTED, NOT_MEASURED)


def mean_ci(values: Iterable[float]) -> tuple[float, float]:
    """Mean and 95 % Student-t half-width over repetitions (NaN where there are too few values)."""
    v = np.asarray([x for x in values if x == x], dtype=float)
    if not len(v):
        return math.nan, math.nan
    return float(v.mean()), ci_half_width(v)


def _g(x: float) -> str:
    return f"{x:.3g}"


#: for quantities in %, the match is also never looser than this many percentage points (10 % of a PDR
#: of 89 % would be 8.9 points, more than what separates the schemes the papers compare)
POINTS = 2.0


def _slack(value: float, unit: str, tolerance: float) -> float:
    allowed = tolerance * abs(value)
    return min(allowed, POINTS) if unit == "%" else allowed


def compare_value(ours: float, ref: Reported, tolerance: float = 0.1) -> tuple[str, str]:
    """The verdict and the difference in words of our mean against a number or a range."""
    if ours is None or ours != ours:
        return NOT_MEASURED, ""
    unit = f" {ref.unit}" if ref.unit and ref.unit != "%" else ("" if not ref.unit else " points")
    if ref.value is not None:
        diff = ours - ref.value
        ratio = f", {ours / ref.value:.2g}x" if ref.value else ""
        near = abs(diff) <= _slack(ref.value, ref.unit, tolerance)
        return (REPRODUCED if near else DIFFERS), f"{diff:+.3g}{unit}{ratio}"
    if ref.is_range:
        low, high = ref.low - _slack(ref.low, ref.unit, tolerance), ref.high + _slack(ref.high, ref.unit, tolerance)
        if low <= ours <= high:
            inside = ref.low <= ours <= ref.high
            return REPRODUCED, "inside the range" if inside else "within the tolerance of the range"
        edge = ref.high if ours > ref.high else ref.low
        return DIFFERS, f"{ours - edge:+.3g}{unit} from the range"
    raise ValueError(f"{ref.quantity}: the paper gives no number to compare with")


def value_row(ref: Reported, ours: float, ci: float | None, why: str = "", tolerance: float = 0.1,
              scale: float = 1.0, ours_text: str = "") -> Row:
    """A row for a number the paper reports; ``scale`` turns our value into the paper's unit."""
    ours_scaled = ours * scale if ours is not None else None
    ci_scaled = ci * scale if ci is not None and ci == ci else None
    verdict, diff = compare_value(ours_scaled, ref, tolerance)
    return Row(quantity=ref.quantity, subject=ref.subject, condition=ref.condition, unit=ref.unit, ours=ours_scaled,
               ours_ci=ci_scaled, ours_text=ours_text, theirs=ref.shown, difference=diff, verdict=verdict, why=why,
               reference=ref)


def claim_row(ref: Reported, holds: bool | None, ours_text: str, why: str = "", opposite: bool = False,
              ours: float | None = None, ci: float | None = None, unit: str = "") -> Row:
    """A row for a claim: reproduced when it holds, contradicted when our runs show its opposite."""
    if holds is None:
        verdict = NOT_MEASURED
    else:
        verdict = REPRODUCED if holds else (CONTRADICTED if opposite else DIFFERS)
    return Row(quantity=ref.quantity, subject=ref.subject, condition=ref.condition, unit=unit or ref.unit, ours=ours,
               ours_ci=ci, ours_text=ours_text, theirs=ref.shown, verdict=verdict, why=why, reference=ref, text_only=True)


def not_measured(ref: Reported, why: str) -> Row:
    """A row for an artefact that cannot be measured here, with the reason."""
    return Row(quantity=ref.quantity, subject=ref.subject, condition=ref.condition, unit=ref.unit, theirs=ref.shown,
               verdict=NOT_MEASURED, why=why, reference=ref)


def significantly_less(a: Iterable[float], b: Iterable[float]) -> bool:
    """Is mean(a) below mean(b) with the intervals apart (both 95 %)?"""
    ma, ca = mean_ci(a)
    mb, cb = mean_ci(b)
    ca = 0.0 if ca != ca else ca
    cb = 0.0 if cb != cb else cb
    return ma + ca < mb - cb


def within_range(values: Iterable[float], ref: Reported, tolerance: float = 0.1) -> tuple[bool, list[float]]:
    """Are all ``values`` inside the paper's range, widened as :func:`compare_value` widens it? Also returns
    the values outside it."""
    low, high = ref.low - _slack(ref.low, ref.unit, tolerance), ref.high + _slack(ref.high, ref.unit, tolerance)
    outside = [v for v in values if not low <= v <= high]
    return not outside, outside


def all_equal(*groups: Iterable[float]) -> bool:
    """Do the groups hold the same values run for run (variants that run identical sessions)?"""
    first = [list(g) for g in groups]
    return bool(first) and all(g == first[0] for g in first[1:]) and bool(first[0])

