"""NED measurement units: conversion factors to each unit's base unit.

The same table lives in cpp/kernel/cpar.cc (the kernel needs it for
cPar::doubleValueInUnit); tests check the two agree.
"""

from __future__ import annotations

import re

# unit -> (factor to base, base unit)
UNITS: dict[str, tuple[float, str]] = {
    "s": (1, "s"), "d": (86400, "s"), "h": (3600, "s"), "min": (60, "s"), "ms": (1e-3, "s"),
    "us": (1e-6, "s"), "ns": (1e-9, "s"), "ps": (1e-12, "s"),
    "bps": (1, "bps"), "kbps": (1e3, "bps"), "Mbps": (1e6, "bps"), "Gbps": (1e9, "bps"), "Tbps": (1e12, "bps"),
    "b": (1, "b"), "B": (8, "b"), "KiB": (8192, "b"), "kB": (8000, "b"), "MiB": (8388608, "b"), "MB": (8e6, "b"),
    "m": (1, "m"), "km": (1e3, "m"), "cm": (1e-2, "m"), "mm": (1e-3, "m"),
    "W": (1, "W"), "mW": (1e-3, "W"), "uW": (1e-6, "W"), "kW": (1e3, "W"),
    "J": (1, "J"), "mJ": (1e-3, "J"), "uJ": (1e-6, "J"), "kJ": (1e3, "J"), "Wh": (3600, "J"), "mWh": (3.6, "J"),
    "V": (1, "V"), "mV": (1e-3, "V"), "A": (1, "A"), "mA": (1e-3, "A"), "uA": (1e-6, "A"),
    "Hz": (1, "Hz"), "kHz": (1e3, "Hz"), "MHz": (1e6, "Hz"), "GHz": (1e9, "Hz"),
    "dB": (1, "dB"), "dBm": (1, "dBm"), "mps": (1, "mps"), "kmph": (1 / 3.6, "mps"),
}


def is_unit(name: str) -> bool:
    """True if `name` is a NED unit qcity knows."""
    return name in UNITS


def factor(unit: str) -> float:
    """Factor that converts a value in `unit` to its base unit."""
    return UNITS[unit][0]


def base(unit: str) -> str:
    """The base unit of `unit` (ms -> s, kbps -> bps)."""
    return UNITS[unit][1]


def convert(value: float, from_unit: str | None, to_unit: str | None) -> float:
    """Converts value between compatible units; raises ValueError for incompatible ones."""
    if from_unit == to_unit:
        return value
    if not from_unit or not to_unit:
        raise ValueError(f"cannot convert between {from_unit or 'no unit'} and {to_unit or 'no unit'}")
    if base(from_unit) != base(to_unit):
        raise ValueError(f"cannot convert {from_unit} to {to_unit}")
    return value * factor(from_unit) / factor(to_unit)


def value_in(text: str, unit: str | None) -> float:
    """A value as NED and result files write it ("10km", "32000000Hz", "0.5") in ``unit``."""
    m = re.fullmatch(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]*)\s*", str(text))
    if not m or (m.group(2) and not is_unit(m.group(2))):
        raise ValueError(f"not a number with a known unit: {text!r}")
    return convert(float(m.group(1)), m.group(2) or None, unit) if m.group(2) or unit else float(m.group(1))

