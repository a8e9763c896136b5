"""OMNeT++ wildcard patterns, as used in ini keys and result filter expressions.

``?`` any character but ``.``; ``*`` any run of characters but ``.``; ``**`` any
run of characters; ``{a..b}`` a number in a..b (either end may be omitted);
``[a..b]`` the same inside brackets; ``{a-z}`` / ``{^a-z}`` character sets;
a backslash takes away the special meaning of the next character.
"""

from __future__ import annotations

import re
from functools import lru_cache


class PatternError(ValueError):
    """A malformed pattern."""


class Pattern:
    """A compiled OMNeT++ pattern; match() tests a whole string."""

    def __init__(self, text: str):
        self.text = text
        self._ranges: list[tuple[int | None, int | None]] = []
        self._regex = re.compile(self._translate(text), re.DOTALL)

    def _translate(self, p: str) -> str:
        out = []
        i, n = 0, len(p)
        while i < n:
            c = p[i]
            if c == "\\" and i + 1 < n:
                out.append(re.escape(p[i + 1]))
                i += 2
            elif p.startswith("**", i):
                out.append(".*")
                i += 2
            elif c == "*":
                out.append("[^.]*")
                i += 1
            elif c == "?":
                out.append("[^.]")
                i += 1
            elif c in "{[":
                close = "}" if c == "{" else "]"
                j = p.find(close, i)
                body = p[i + 1 : j] if j > 0 else None
                m = re.fullmatch(r"(-?\d*)\.\.(-?\d*)", body) if body is not None else None
                if m:
                    lo = int(m.group(1)) if m.group(1) else None
                    hi = int(m.group(2)) if m.group(2) else None
                    self._ranges.append((lo, hi))
                    num = r"(-?\d+)"
                    out.append(num if c == "{" else r"\[" + num + r"\]")
                    i = j + 1
                elif c == "{" and body is not None:
                    negate = body.startswith("^")
                    chars = body[1:] if negate else body
                    out.append("[" + ("^" if negate else "") + chars.replace("\\", "\\\\").replace("]", "\\]") + "]")
                    i = j + 1
                elif c == "{":
                    raise PatternError(f"unterminated '{{' in pattern {p!r}")
                else:
                    out.append(re.escape(c))
                    i += 1
            else:
                out.append(re.escape(c))
                i += 1
        return "".join(out)

    def match(self, s: str) -> bool:
        m = self._regex.fullmatch(s)
        if not m:
            return False
        for (lo, hi), g in zip(self._ranges, m.groups()):
            v = int(g)
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                return False
        return True

    def __repr__(self) -> str:
        return f"Pattern({self.text!r})"


@lru_cache(maxsize=4096)
def compile_pattern(text: str) -> Pattern:
    """Cached Pattern for `text`."""
    return Pattern(text)


def matches(pattern: str, s: str) -> bool:
    """True if the whole of `s` matches the OMNeT++ pattern."""
    return compile_pattern(pattern).match(s)
