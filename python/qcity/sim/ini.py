"""Ini reader: OMNeT++ configuration files.

Sections ``[General]`` and ``[Config X]`` (``extends`` with several bases, looked
up in OMNeT++'s order), ``include``, line continuation, iteration variables
(``${x=1,2,3}``, ``${1..10 step 2}``, ``${x}`` references, parallel iteration
with ``!``), ``repeat``, ``seed-set``, and wildcard parameter keys. Run numbers
enumerate the Cartesian product of the iteration variables (first variable
outermost) times the repetitions, as opp_run does.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import IniError, NedError, read_utf8
from ..patterns import PatternError, compile_pattern
from .nedexpr import ExprError, context_without_names, evaluate, parse_expression_text

#: Name (and file name in errors) of the pseudo-section holding command-line settings.
COMMAND_LINE = "<command line>"

# Options without a dot in the key; anything else without a dot is a typo and an error.
GLOBAL_OPTIONS = {
    "network", "description", "extends", "sim-time-limit", "cpu-time-limit", "real-time-limit", "seed-set",
    "num-rngs", "repeat", "result-dir", "output-scalar-file", "output-vector-file", "warmup-period",
    "experiment-label", "measurement-label", "replication-label", "record-eventlog", "user-interface",
    "cmdenv-express-mode", "cmdenv-status-frequency", "cmdenv-redirect-output", "cmdenv-event-banners",
    "cmdenv-log-level", "cmdenv-performance-display", "cmdenv-interactive", "output-scalar-file-append",
    "output-vector-precision", "output-scalar-precision", "simtime-resolution", "simtime-scale", "constraint",
    "parallel-simulation", "debug-on-errors", "print-undisposed", "fingerprint", "ned-path", "image-path",
    "check-signals", "param-record-as-scalar", "allow-object-stealing-on-deletion", "load-libs", "scheduler-class",
    "rng-class", "total-stack", "eventlog-file", "vector-recording", "scalar-recording", "fingerprint-ingredients",
    "fingerprint-events", "fingerprint-modules", "fingerprint-results", "fingerprintcalculator-class",
}
# Options that end a dotted key: they configure an object rather than set a parameter.
PER_OBJECT_OPTIONS = {
    "vector-recording", "scalar-recording", "result-recording-modes", "statistic-recording", "bin-recording",
    "vector-recording-intervals", "vector-record-eventnumbers", "param-record-as-scalar", "typename",
    "vector-buffer", "apply-default",
}
_RNG_KEY = re.compile(r"rng-\d+")
SEED_KEY = re.compile(r"seed-(\d+)-mt")  # the Mersenne Twister seed of one global RNG
_ITER = re.compile(r"\$\{([^}]*)\}")


@dataclass
class Entry:
    key: str
    value: str
    file: str
    line: int


@dataclass
class Section:
    name: str  # "General" or the config name
    entries: list[Entry] = field(default_factory=list)
    file: str = ""
    line: int = 0

    def get(self, key: str) -> Entry | None:
        for e in self.entries:
            if e.key == key:
                return e
        return None


#: OMNeT++'s predefined configuration variables (cconfiguration.h): opp_run refuses them as iteration variables
PREDEFINED_VARIABLES = frozenset({"runid", "inifile", "configname", "runnumber", "network", "experiment", "measurement",
                                  "replication", "processid", "datetime", "datetimef", "resultdir", "repetition",
                                  "seedset", "iterationvars", "iterationvarsf", "iterationvarsd"})


@dataclass
class IterVar:
    name: str  # "" for unnamed (${1,2,3})
    values: list[str]
    parallel_to: str | None
    entry: Entry


_LITERAL_NAME = re.compile(r"[A-Za-z0-9_$:-]+")


class _KeyIndex:
    """The entries of a run that name parameters or per-object options, indexed by their key's last
    segment: a key ending in a literal name (``**.app.sendInterval``) can only match paths ending in
    that name, so a lookup tries those and the keys ending in a wildcard, in entry order."""

    def __init__(self, entries: list[Entry]):
        self.by_name: dict[str, list[tuple[int, Entry, Any]]] = {}
        self.wild: list[tuple[int, Entry, Any]] = []
        for i, e in enumerate(entries):
            if "." not in e.key and not e.key.startswith("**"):
                continue
            item = (i, e, compile_pattern(e.key))
            last = e.key.rsplit(".", 1)[-1]
            if _LITERAL_NAME.fullmatch(last):
                self.by_name.setdefault(last, []).append(item)
            else:
                self.wild.append(item)

    def first_match(self, path: str) -> Entry | None:
        named = self.by_name.get(path.rsplit(".", 1)[-1], [])
        i = j = 0
        while i < len(named) or j < len(self.wild):  # merge the two lists in entry order
            if j == len(self.wild) or (i < len(named) and named[i][0] < self.wild[j][0]):
                _, e, pattern = named[i]
                i += 1
            else:
                _, e, pattern = self.wild[j]
                j += 1
            if pattern.match(path):
                return e
        return None


@dataclass
class RunConfig:
    """Everything one run needs from the ini file, with ${...} already substituted."""

    config: str
    run_number: int
    iteration: dict[str, str]  # named iteration variables (and $repetition)
    repetition: int
    sections: list[str]
    entries: list[Entry]  # in lookup order: the first match wins
    options: dict[str, Entry]
    ini_file: str
    _index: _KeyIndex | None = field(default=None, init=False, repr=False, compare=False)

    def option(self, key: str, default: str | None = None) -> str | None:
        e = self.options.get(key)
        return e.value if e else default

    def lookup(self, path: str) -> Entry | None:
        """First entry whose key pattern matches the full path of a parameter or per-object option."""
        if self._index is None:
            self._index = _KeyIndex(self.entries)
        return self._index.first_match(path)

    @property
    def iterationvars(self) -> str:
        return ", ".join(f"${k}={v}" for k, v in self.iteration.items() if k != "repetition")

    def _segments(self) -> list[str]:
        # as OMNeT++'s SectionBasedConfiguration: name=value, the value unquoted and filename-encoded
        return [(f"{k}=" if k[:1].isalpha() else "") + filename_encode(unquote(v))
                for k, v in self.iteration.items() if k != "repetition"]

    @property
    def iterationvarsf(self) -> str:
        """${iterationvarsf}: the iteration variables for a file name ("numDevices=50,interval=1s-")."""
        s = ",".join(self._segments())
        return s + "-" if s else ""

    @property
    def iterationvarsd(self) -> str:
        """${iterationvarsd}: the same as folder names ("numDevices=50/interval=1s")."""
        return "/".join(self._segments())


def unquote(value: str) -> str:
    """An ini string value without its quotes (OMNeT++ unquotes string options), or as it is."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def filename_encode(text: str) -> str:
    """OMNeT++'s opp_filenameencode: space to '_', '_' to '#_', '#' to '##', and characters that
    file systems or shells dislike to '#' and two hex digits."""
    out = []
    for c in text:
        if c == " ":
            out.append("_")
        elif c == "_":
            out.append("#_")
        elif c == "#":
            out.append("##")
        elif ord(c) >= 128:  # each UTF-8 byte, printed as C++ prints a negative char in hex
            out.append("".join(f"#ffffff{b:02x}" for b in c.encode()))
        elif ord(c) < 32 or ord(c) == 127 or c in "/\\:?*<>|'`\"$%{}^&":
            out.append(f"#{ord(c):>2x}")  # std::setw(2) pads with a space
        else:
            out.append(c)
    return "".join(out)


class IniFile:
    """A parsed ini file (with includes)."""

    def __init__(self, path: str | Path, overrides: Sequence[str] = ()):
        """Reads `path`; `overrides` are "key=value" settings that take precedence over
        every section, as opp_run's ``--key=value`` command-line options do."""
        self.path = str(path)
        self.sections: dict[str, Section] = {}
        self._order: list[str] = []
        self._read(Path(path), set())
        self._add_overrides(overrides)
        self._check_keys()

    def _add_overrides(self, overrides: Sequence[str]) -> None:
        if not overrides:
            return
        sec = Section(COMMAND_LINE, [], COMMAND_LINE, 0)
        for n, text in enumerate(overrides, 1):
            key, sep, value = text.partition("=")
            if not sep or not key.strip():
                raise IniError(f"expected key=value, found {text!r}", COMMAND_LINE, n)
            if sec.get(key.strip()):
                raise IniError(f"'{key.strip()}' given twice", COMMAND_LINE, n)
            sec.entries.append(Entry(key.strip(), value.strip(), COMMAND_LINE, n))
        self.sections[COMMAND_LINE] = sec

    # ---- reading ----

    def _read(self, path: Path, seen: set[Path]) -> None:
        real = path.resolve()
        if real in seen:
            raise IniError("include cycle", str(path))
        seen = seen | {real}
        lines = read_utf8(path, IniError, "ini file").splitlines()
        current = self._section("General", str(path), 0)
        i = 0
        while i < len(lines):
            lineno = i + 1
            text = lines[i]
            while text.rstrip().endswith("\\") and i + 1 < len(lines):  # continuation
                i += 1
                text = text.rstrip()[:-1] + lines[i]
            i += 1
            text = _strip_comment(text).strip()
            if not text:
                continue
            if text.startswith("["):
                if not text.endswith("]"):
                    raise IniError(f"malformed section header {text!r}", str(path), lineno)
                name = text[1:-1].strip()
                if name.startswith("Config "):
                    name = name[len("Config "):].strip()
                if not name or " " in name:
                    raise IniError(f"malformed section name {text!r}", str(path), lineno)
                current = self._section(name, str(path), lineno)
                continue
            if text.startswith("include ") or text == "include":
                target = text[len("include"):].strip()
                if not target:
                    raise IniError("include needs a file name", str(path), lineno)
                self._read(path.parent / target, seen)
                continue
            if "=" not in text:
                raise IniError(f"expected 'key = value', found {text!r}", str(path), lineno)
            key, value = text.split("=", 1)
            key, value = key.strip(), value.strip()
            if not key:
                raise IniError("missing key before '='", str(path), lineno)
            problem = _unbalanced(value)
            if problem:
                raise IniError(f"{problem} in the value of '{key}'", str(path), lineno)
            if current.get(key):
                prev = current.get(key)
                raise IniError(f"duplicate key '{key}' in section [{current.name}] (first at line {prev.line})", str(path), lineno)
            current.entries.append(Entry(key, value, str(path), lineno))

    def _section(self, name: str, file: str, line: int) -> Section:
        if name not in self.sections:
            self.sections[name] = Section(name, [], file, line)
            self._order.append(name)
        return self.sections[name]

    def _check_keys(self) -> None:
        for sec in self.sections.values():
            for e in sec.entries:
                last = e.key.rsplit(".", 1)[-1]
                if "." not in e.key and not e.key.startswith("**"):
                    if e.key not in GLOBAL_OPTIONS and not _RNG_KEY.fullmatch(e.key) and not SEED_KEY.fullmatch(e.key):
                        raise IniError(f"unknown configuration option '{e.key}'", e.file, e.line)
                    if e.key == "extends" and sec.name == "General":
                        raise IniError("[General] cannot extend another section", e.file, e.line)
                elif "-" in last and last not in PER_OBJECT_OPTIONS and not _RNG_KEY.fullmatch(last):
                    raise IniError(f"unknown per-object option '{last}' in key '{e.key}'", e.file, e.line)
                try:
                    compile_pattern(e.key)
                except PatternError as err:
                    raise IniError(str(err), e.file, e.line) from None

    # ---- configs ----

    @property
    def config_names(self) -> list[str]:
        return list(self._order)

    def section_chain(self, config: str) -> list[str]:
        """Sections to look keys up in, most specific first; General last."""
        if config not in self.sections:
            known = ", ".join(n for n in self._order)
            raise IniError(f"no such config: {config} (configs: {known})", self.path)
        chain: list[str] = []

        def visit(name: str, via: list[str]):
            if name in via:
                raise IniError(f"cycle in 'extends': {' -> '.join(via + [name])}", self.path)
            if name not in self.sections:
                raise IniError(f"config '{via[-1]}' extends unknown config '{name}'", self.path)
            if name not in chain:
                chain.append(name)
            ext = self.sections[name].get("extends")
            if ext:
                for base in (b.strip() for b in ext.value.split(",")):
                    visit("General" if base == "General" else base, via + [name])

        visit(config, [])
        if "General" in chain:
            chain.remove("General")
        chain.append("General")
        if COMMAND_LINE in self.sections:
            chain.insert(0, COMMAND_LINE)
        return chain

    def _chain_entries(self, config: str) -> list[Entry]:
        return [e for name in self.section_chain(config) for e in self.sections.get(name, Section(name)).entries]

    def _itervars(self, entries: list[Entry]) -> list[IterVar]:
        vars_: list[IterVar] = []
        unnamed = 0
        for e in entries:
            for m in _ITER.finditer(e.value):
                body = m.group(1).strip()
                if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", body):
                    continue  # a reference, not a definition
                name, spec, parallel = "", body, None
                nm = re.match(r"([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)", body, re.DOTALL)
                if nm:
                    name, spec = nm.group(1), nm.group(2)
                if "!" in spec:
                    spec, parallel = spec.rsplit("!", 1)
                    parallel = parallel.strip()
                if not name:
                    name = f"__unnamed{unnamed}"
                    unnamed += 1
                if any(v.name == name for v in vars_):
                    raise IniError(f"iteration variable '{name}' defined twice", e.file, e.line)
                if name in PREDEFINED_VARIABLES:
                    raise IniError(f"${{{name}}} is a predefined variable and cannot be an iteration variable "
                                   "(choose another name)", e.file, e.line)
                vars_.append(IterVar(name, _expand_values(spec, e), parallel, e))
        return vars_

    def runs(self, config: str) -> list[RunConfig]:
        """All runs of a config, numbered as opp_run numbers them."""
        chain = self.section_chain(config)
        entries = self._chain_entries(config)
        options = {}
        for e in entries:
            if "." not in e.key and not e.key.startswith("**") and e.key not in options:
                options[e.key] = e
        ivars = self._itervars(entries)
        by_name = {v.name: v for v in ivars}
        for v in ivars:
            if v.parallel_to:
                other = by_name.get(v.parallel_to)
                if not other:
                    raise IniError(f"'!{v.parallel_to}': no such iteration variable", v.entry.file, v.entry.line)
                if len(other.values) != len(v.values):
                    raise IniError(f"parallel iteration: ${{{v.name}}} has {len(v.values)} values, ${{{other.name}}} has "
                                   f"{len(other.values)}", v.entry.file, v.entry.line)
        independent = [v for v in ivars if not v.parallel_to]
        repeat_entry = options.get("repeat")
        repeat = 1
        if repeat_entry:
            try:
                repeat = int(repeat_entry.value)
            except ValueError:
                raise IniError(f"repeat must be an integer, got {repeat_entry.value!r}", repeat_entry.file,
                               repeat_entry.line) from None
            if repeat < 1:
                raise IniError("repeat must be at least 1", repeat_entry.file, repeat_entry.line)
        runs: list[RunConfig] = []
        run_number = 0
        constraint = options.get("constraint")
        for combo in itertools.product(*[range(len(v.values)) for v in independent]):
            picks = {v.name: combo[k] for k, v in enumerate(independent)}
            for v in ivars:
                if v.parallel_to:
                    picks[v.name] = picks[v.parallel_to]
            if constraint and not _satisfies(constraint, {v.name: v.values[picks[v.name]] for v in ivars}):
                continue
            for rep in range(repeat):
                values = {v.name: v.values[picks[v.name]] for v in ivars}
                iteration = {k: val for k, val in values.items() if not k.startswith("__unnamed")}
                iteration["repetition"] = str(rep)
                runs.append(self._make_run(config, chain, entries, ivars, values, iteration, rep, run_number))
                run_number += 1
        return runs

    def _make_run(self, config, chain, entries, ivars, values, iteration, rep, run_number) -> RunConfig:
        predefined = {"configname": config, "runnumber": str(run_number), "repetition": str(rep)}

        def substitute(e: Entry) -> Entry:
            counter = iter(range(1000))
            unnamed_in_entry = [v.name for v in ivars if v.entry is e and v.name.startswith("__unnamed")]

            def repl(m: re.Match) -> str:
                body = m.group(1).strip()
                ref = body if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", body) else None
                if ref is not None:
                    if ref in values:
                        return values[ref]
                    if ref in predefined:
                        return predefined[ref]
                    raise IniError(f"unknown variable ${{{ref}}}", e.file, e.line)
                nm = re.match(r"([A-Za-z_][A-Za-z0-9_]*)\s*=", body)
                if nm:
                    return values[nm.group(1)]
                return values[unnamed_in_entry[next(counter)]]

            if "${" not in e.value:
                return e
            return Entry(e.key, _ITER.sub(repl, e.value), e.file, e.line)

        subst = [substitute(e) for e in entries]
        options: dict[str, Entry] = {}
        for e in subst:
            if "." not in e.key and not e.key.startswith("**") and e.key not in options:
                options[e.key] = e
        return RunConfig(config, run_number, iteration, rep, chain, subst, options, self.path)


def _satisfies(constraint: Entry, values: dict[str, str]) -> bool:
    """Evaluates a ``constraint`` option (e.g. ``$x <= $y``) for one combination of iteration values."""
    def value_of(m: re.Match) -> str:
        name = m.group(1) or m.group(2)
        if name not in values:
            raise IniError(f"constraint refers to unknown iteration variable ${name}", constraint.file, constraint.line)
        return f"({values[name]})"

    text = re.sub(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}|\$([A-Za-z_][A-Za-z0-9_]*)", value_of, constraint.value)
    try:
        q = evaluate(parse_expression_text(text), _CONSTRAINT_CONTEXT)
    except (ExprError, NedError) as e:
        msg = e.message if isinstance(e, NedError) else str(e)
        raise IniError(f"constraint {constraint.value!r}: {msg}", constraint.file, constraint.line) from None
    if not isinstance(q.value, bool):
        raise IniError(f"constraint must be true or false, got {q.value!r}", constraint.file, constraint.line)
    return q.value


_CONSTRAINT_CONTEXT = context_without_names("in a constraint; refer to iteration variables as $name")


def _unbalanced(value: str) -> str | None:
    """What is left open in a value: a string literal without its closing quote, or a ${ without its }."""
    in_str, open_at = False, None
    for i, c in enumerate(value):
        if c == '"' and (i == 0 or value[i - 1] != "\\"):
            in_str = not in_str
        elif not in_str and value.startswith("${", i):
            if open_at is not None:
                break
            open_at = i
        elif not in_str and c == "}" and open_at is not None:
            open_at = None
    if open_at is not None:
        return f"'${{' at column {open_at + 1} without its closing '}}'"
    if in_str:
        return "string literal without its closing quote"
    return None


def _strip_comment(line: str) -> str:
    in_str = False
    for i, c in enumerate(line):
        if c == '"' and (i == 0 or line[i - 1] != "\\"):
            in_str = not in_str
        elif c == "#" and not in_str:
            return line[:i]
    return line


def _expand_values(spec: str, e: Entry) -> list[str]:
    """Values of an iteration spec: `1,2,5`, `1..10 step 2`, `"a","b"`."""
    out: list[str] = []
    for part in _split_top(spec):
        part = part.strip()
        m = re.fullmatch(r"(-?[\d.]+(?:[eE][+-]?\d+)?)\s*\.\.\s*(-?[\d.]+(?:[eE][+-]?\d+)?)(?:\s+step\s+(-?[\d.]+(?:[eE][+-]?\d+)?))?", part)
        if m:
            lo, hi, step = m.group(1), m.group(2), m.group(3) or "1"
            is_int = all(re.fullmatch(r"-?\d+", x) for x in (lo, hi, step))
            a, b, s = (int(lo), int(hi), int(step)) if is_int else (float(lo), float(hi), float(step))
            if s == 0 or (b - a) * s < 0:
                raise IniError(f"empty or endless range {part!r}", e.file, e.line)
            x = a
            while (x <= b + 1e-12 * abs(b)) if s > 0 else (x >= b - 1e-12 * abs(b)):
                out.append(str(x) if is_int else repr(round(x, 12)))
                x = x + s
                if len(out) > 100000:
                    raise IniError(f"range {part!r} has too many values", e.file, e.line)
        elif part:
            out.append(part)
    if not out:
        raise IniError(f"iteration variable without values: ${{{spec}}}", e.file, e.line)
    return out


def _split_top(spec: str) -> list[str]:
    """Splits on commas outside quotes and parentheses."""
    parts, buf, depth, in_str = [], [], 0, False
    for c in spec:
        if c == '"':
            in_str = not in_str
        elif not in_str and c in "([":
            depth += 1
        elif not in_str and c in ")]":
            depth -= 1
        if c == "," and depth == 0 and not in_str:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(c)
    parts.append("".join(buf))
    return parts
