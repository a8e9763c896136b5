"""QuISP link tomography results -> qcity link profiles.

QuISP's HardwareMonitor appends one line per tomographed link to the file named by its
``tomography_output_filename`` parameter when a run finishes (each end of a link writes
its line, and repeated runs append). A line looks like::

    EndNode1[0]<-->QuantumChannel{cost=334031;distance=10km;fidelity=0.674881;
        bellpair_per_sec=657.293;tomography_time=10.6;tomography_measurements=7000;
        actual_meas=7000; ...;}<-->Repeater1[0]; F=0.674881; X=0.093554; Z=0.128668; Y=0.102897

(one line; older QuISP versions write ``actualmeas`` and no ``GOD_*`` counts). ``X``, ``Y``
and ``Z`` are the reconstructed pair's overlaps with the Bell states an X, Y or Z error
makes of the ideal one, i.e. the Pauli error probabilities a qcity :class:`LinkProfile`
holds; ``bellpair_per_sec`` is the link's Bell-pair rate.

Both ends of a link write the same reconstruction, so twin lines (same file, same link,
same values) count once. A link's records (every run; give one file per run, as
``quisp_configs/omnetpp.ini`` writes them, or one file runs appended to) are averaged
into one profile, and the spread over the records is reported beside it.

Differences between QuISP's real output and what a profile holds:

- ``distance`` is the length of the quantum channel next to the node that wrote the line:
  on a memory-interface-memory link (a Bell-state analyser half-way) that is half the
  gateway-to-gateway distance, so :func:`link_profile_from_quisp` takes the link's length;
- ``X``, ``Y`` and ``Z`` are overlaps of a reconstructed density matrix (real parts) and can
  come out slightly negative through the tomography's sampling noise; a negative average is
  taken as 0 and reported in :attr:`ProfileSummary.notes`.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..errors import QcityError
from .linkprofile import LinkProfile

_LINE = re.compile(r"^\s*(?P<a>[^<>\s]+)\s*<-->\s*QuantumChannel\s*\{(?P<fields>[^}]*)\}\s*<-->\s*(?P<b>[^;\s]+)\s*;(?P<tail>.*)$")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_REQUIRED_FIELDS = ("distance", "bellpair_per_sec")
_REQUIRED_TAIL = ("F", "X", "Y", "Z")


class QuispFormatError(QcityError):
    """A QuISP output file qcity cannot turn into a link profile."""


@dataclass(frozen=True)
class TomographyRecord:
    """One line of a QuISP tomography output file."""

    node: str
    partner: str
    distance_km: float
    fidelity: float
    x_error: float
    y_error: float
    z_error: float
    bell_pair_rate: float
    line: int

    @property
    def link(self) -> tuple[str, str]:
        """The link's two nodes in name order (each end of a link writes its own record)."""
        return tuple(sorted((self.node, self.partner)))


def _number(text: str, what: str, file: str, line: int) -> float:
    if not re.fullmatch(_NUMBER, text.strip()):
        raise QuispFormatError(f"{what}: expected a number, got {text.strip()!r}", file, line)
    return float(text)


def read_tomography_output(path: str | Path) -> list[TomographyRecord]:
    """Every link record in a QuISP tomography output file (blank lines are skipped)."""
    p = Path(path)
    if p.suffix.lower() in (".sca", ".vec"):
        raise QuispFormatError("QuISP writes link tomography results (fidelity, X/Y/Z error rates, Bell-pair rate) to "
                               "the file named by its tomography_output_filename parameter, not to .sca/.vec files: "
                               "give that file", str(p))
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise QuispFormatError(f"cannot read QuISP output: {e.strerror}", str(p)) from None
    records = []
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        m = _LINE.match(raw)
        if not m:
            raise QuispFormatError("not a QuISP link tomography line (expected 'A<-->QuantumChannel{...}<-->B; F=..; "
                                   "X=..; Z=..; Y=..')", str(p), n)
        fields = {}
        for item in m.group("fields").split(";"):
            if "=" in item:
                key, value = item.split("=", 1)
                fields[key.strip()] = value.strip()
        tail = dict(re.findall(rf"\b([FXYZ])\s*=\s*({_NUMBER})", m.group("tail")))
        missing = [k for k in _REQUIRED_FIELDS if k not in fields] + [k for k in _REQUIRED_TAIL if k not in tail]
        if missing:
            raise QuispFormatError(f"missing {', '.join(missing)}", str(p), n)
        if fields["bellpair_per_sec"].strip() == "-1":
            raise QuispFormatError("the link tomography did not finish within the run (bellpair_per_sec=-1, which "
                                   "QuISP writes until the last of num_measure pairs is measured): raise "
                                   "sim-time-limit", str(p), n)
        distance = fields["distance"]
        if not distance.endswith("km"):
            raise QuispFormatError(f"distance: expected a value in km, got {distance!r}", str(p), n)
        rec = TomographyRecord(
            node=m.group("a"), partner=m.group("b"),
            distance_km=_number(distance[:-2], "distance", str(p), n),
            fidelity=_number(tail["F"], "F", str(p), n),
            x_error=_number(tail["X"], "X", str(p), n), y_error=_number(tail["Y"], "Y", str(p), n),
            z_error=_number(tail["Z"], "Z", str(p), n),
            bell_pair_rate=_number(fields["bellpair_per_sec"], "bellpair_per_sec", str(p), n),
            line=n)
        records.append(rec)
    if not records:
        raise QuispFormatError("no link tomography records (did the QuISP run have link_tomography = true?)", str(p))
    return records


@dataclass(frozen=True)
class ProfileSummary:
    """The averaged profile of one link, with what it was averaged from."""

    profile: LinkProfile
    link: tuple[str, str]
    records: int
    spread: dict[str, float]  # standard deviation over the records, per profile field
    notes: tuple[str, ...] = ()  # adjustments made (negative overlaps, distance given)


_AVERAGED = ("fidelity", "x_error", "y_error", "z_error", "bell_pair_rate")


def _without_twins(records: list[TomographyRecord]) -> list[TomographyRecord]:
    """One record per measurement: the two ends' lines of a link carry the same values."""
    seen, kept = set(), []
    for r in records:
        key = (r.link, r.distance_km) + tuple(getattr(r, k) for k in _AVERAGED)
        if key not in seen:
            seen.add(key)
            kept.append(r)
    return kept


def link_profile_from_quisp(paths: str | Path | list[str | Path], link: tuple[str, str] | None = None,
                            distance_km: float | None = None) -> ProfileSummary:
    """Averages the records of one link over one or more QuISP output files.

    `link` names the link's two nodes (may be left out when the files hold one link);
    `distance_km` is the link's length when it differs from the ``distance`` QuISP writes
    (the node's adjacent channel: half the link on a link with a Bell-state analyser half-way).
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not paths:
        raise QuispFormatError("no QuISP output file given")
    records: list[TomographyRecord] = []
    source: dict[int, str] = {}
    for path in paths:
        for r in _without_twins(read_tomography_output(path)):
            source[id(r)] = str(path)
            records.append(r)
    where = str(paths[0]) if len(paths) == 1 else f"{paths[0]} (and {len(paths) - 1} more)"
    links = sorted({r.link for r in records})
    if link is None:
        if len(links) != 1:
            raise QuispFormatError(f"the file has {len(links)} links ({'; '.join(' <--> '.join(x) for x in links)}): "
                                   "choose one with --link A,B", where)
        chosen = links[0]
    else:
        chosen = tuple(sorted(link))
        if chosen not in links:
            raise QuispFormatError(f"no link between {link[0]} and {link[1]} (links: "
                                   f"{'; '.join(' <--> '.join(x) for x in links)})", where)
    mine = [r for r in records if r.link == chosen]
    distances = {r.distance_km for r in mine}
    if len(distances) != 1:
        raise QuispFormatError(f"link {' <--> '.join(chosen)} has records with different distances {sorted(distances)}",
                               source[id(mine[0])], mine[0].line)
    notes = []
    values = {k: np.array([getattr(r, k) for r in mine]) for k in _AVERAGED}
    means = {k: float(v.mean()) for k, v in values.items()}
    for k in ("x_error", "y_error", "z_error"):
        if means[k] < 0:
            notes.append(f"{k} averaged to {means[k]:.3g} (tomography noise): taken as 0")
            means[k] = 0.0
    distance = mine[0].distance_km
    if distance_km is not None:
        if distance_km < 0:
            raise QuispFormatError(f"the link's distance must not be negative, got {distance_km} km")
        if distance_km != distance:
            notes.append(f"distance {distance_km:g} km as given (QuISP wrote {distance:g} km, the node's adjacent channel)")
        distance = distance_km
    try:
        profile = LinkProfile(distance_km=distance, **means)
    except ValueError as e:
        raise QuispFormatError(f"link {' <--> '.join(chosen)}: {e}", where) from None
    return ProfileSummary(profile, chosen, len(mine), {k: float(v.std(ddof=1)) if len(v) > 1 else 0.0
                                                        for k, v in values.items()}, tuple(notes))


def write_link_profile(profile: LinkProfile, path: str | Path) -> None:
    """Writes a profile as the JSON qcity's QkdLink reads (linkProfile parameter)."""
    Path(path).write_text(json.dumps(asdict(profile), indent=2) + "\n", encoding="utf-8")
