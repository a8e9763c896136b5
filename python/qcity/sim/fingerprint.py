"""The ``fingerprint`` options, read as OMNeT++ 6 reads them.

``fingerprint = 53d8-1f5e/tplx 1a2b-3c4d, 0000-0000/e`` asks for two calculators (comma-separated):
each accepts any of its space-separated hashes, and takes its ingredients from the ``/`` suffix, else
from the matching item of ``fingerprint-ingredients`` (default ``tplx``). Without ``fingerprint`` the
run still computes the first ``fingerprint-ingredients`` set, and reports it.
"""
from __future__ import annotations

from dataclasses import dataclass

from .ini import Entry, IniError, RunConfig, unquote

_WHOLE_RUN = ("fingerprint-events", "fingerprint-modules", "fingerprint-results")
_KNOWN = set("etncklodimparszvyfx0")  # OMNeT++ 6's ingredient characters
_COMPUTED = set("etnklimprx0")  # those the embedded engine computes


@dataclass
class FingerprintSpec:
    ingredients: list[str]  # one ingredient set per calculator
    expected: list[list[str]] | None  # per calculator, the hashes it accepts; None: nothing to verify
    text: str = ""  # the fingerprint option as written, for the mismatch message


def _items(text: str) -> list[str]:
    """A comma-separated option's items, unquoted, empty ones dropped (as cStringTokenizer does)."""
    return [item.strip() for item in unquote(text.strip()).split(",") if item.strip()]


def fingerprint_spec(run: RunConfig) -> FingerprintSpec:
    """The calculators a run needs, from its fingerprint options; IniError (file:line) for what the
    embedded engine does not compute."""
    for key in _WHOLE_RUN:
        e = run.options.get(key)
        if e is not None and any(item not in ("", "*") for item in _items(e.value)):
            raise IniError(f"{key} = {e.value}: the embedded engine fingerprints every event, module and result; "
                           "only '*' is accepted", e.file, e.line)
    ing_entry = run.options.get("fingerprint-ingredients")
    ing_items = (_items(ing_entry.value) or [""]) if ing_entry else ["tplx"]
    fp_entry = run.options.get("fingerprint")
    if fp_entry is None or not _items(fp_entry.value):
        if ing_entry is not None:
            _check_ingredients(ing_items[0], ing_entry)
        return FingerprintSpec([ing_items[0]], None)
    ingredients, expected = [], []
    for i, item in enumerate(_items(fp_entry.value)):
        tokens = item.split()
        suffixes = {t.split("/", 1)[1] for t in tokens if "/" in t}
        if len(suffixes) > 1:
            raise IniError(f"fingerprint: the ingredient suffixes of '{item}' disagree ({', '.join(sorted(suffixes))})",
                           fp_entry.file, fp_entry.line)
        ingredients.append(suffixes.pop() if suffixes else (ing_items[i] if i < len(ing_items) else ""))
        hashes = [t.split("/", 1)[0] for t in tokens]
        for h in hashes:
            if _hash_value(h) is None:
                raise IniError(f"fingerprint: cannot verify hash: invalid hash text \"{h}\"", fp_entry.file, fp_entry.line)
        expected.append(hashes)
    for chars in ingredients:
        _check_ingredients(chars, ing_entry if ing_entry and chars in ing_items else fp_entry)
    return FingerprintSpec(ingredients, expected, fp_entry.value)


def _check_ingredients(chars: str, where: Entry) -> None:
    for c in chars:
        if c not in _KNOWN:
            raise IniError(f"Unknown fingerprint ingredient character '{c}'", where.file, where.line)
        if c not in _COMPUTED:
            raise IniError(f"Fingerprint ingredient '{c}' is not computed by the embedded engine (it computes "
                           f"{' '.join(sorted(_COMPUTED))}; see docs/omnetpp.md)", where.file, where.line)


def _hash_value(text: str) -> int | None:
    digits = "".join(c for c in text if c not in " -:")
    try:
        value = int(digits, 16)
    except ValueError:
        return None
    return value if value <= 0xFFFFFFFF else None


def check_fingerprint(spec: FingerprintSpec, calculated: str) -> str | None:
    """opp_run's message on the calculated fingerprints, or None when none was expected."""
    if spec.expected is None:
        return None
    hashes = [c.strip().split("/", 1)[0] for c in calculated.split(",")]
    for accepted, got in zip(spec.expected, hashes):
        if _hash_value(got) not in [_hash_value(a) for a in accepted]:
            return f"Fingerprint mismatch! calculated: {calculated}, expected: {spec.text}"
    return f"Fingerprint successfully verified: {calculated}"
