"""scave's result filter expressions.

``<property> =~ <pattern>`` terms (or a bare pattern, meaning ``name =~``),
combined with AND, OR, NOT and parentheses. Properties: name, module, type,
isfield, file, run, runattr:X, attr:X, itervar:X, config:X. Patterns use
OMNeT++ wildcards (see qcity.patterns).
"""

from __future__ import annotations

from typing import Callable, Mapping

from ..errors import QcityError
from ..patterns import PatternError, compile_pattern


class FilterSyntaxError(QcityError):
    """The filter expression does not parse."""


Item = Mapping[str, str]  # property name -> value, e.g. {"name": ..., "runattr:network": ...}
Predicate = Callable[[Item], bool]

_KEYWORDS = {"and": "AND", "or": "OR", "not": "NOT"}


def _tokens(text: str) -> list[str]:
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            out.append(c)
            i += 1
        elif text.startswith("=~", i):
            out.append("=~")
            i += 2
        elif c == '"':
            j, buf = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    buf.append(text[j : j + 2])  # keep escapes for the pattern
                    j += 2
                else:
                    buf.append(text[j])
                    j += 1
            if j >= n:
                raise FilterSyntaxError(f"unterminated quote in filter expression: {text!r}")
            out.append('"' + "".join(buf))
            i = j + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()"' and not text.startswith("=~", j):
                j += 1
            out.append(text[i:j])
            i = j
    return out


def compile_filter(text: str) -> Predicate:
    """Compiles a filter expression into a predicate over item properties."""
    toks = _tokens(text)
    pos = 0

    def peek() -> str | None:
        return toks[pos] if pos < len(toks) else None

    def keyword(tok: str | None) -> str | None:
        return _KEYWORDS.get(tok.lower()) if tok and not tok.startswith('"') else None

    def take() -> str:
        nonlocal pos
        if pos >= len(toks):
            raise FilterSyntaxError(f"unexpected end of filter expression: {text!r}")
        pos += 1
        return toks[pos - 1]

    def parse_or() -> Predicate:
        left = parse_and()
        while keyword(peek()) == "OR":
            take()
            right = parse_and()
            left = (lambda a, b: lambda it: a(it) or b(it))(left, right)
        return left

    def parse_and() -> Predicate:
        left = parse_not()
        while keyword(peek()) == "AND":
            take()
            right = parse_not()
            left = (lambda a, b: lambda it: a(it) and b(it))(left, right)
        return left

    def parse_not() -> Predicate:
        if keyword(peek()) == "NOT":
            take()
            inner = parse_not()
            return lambda it: not inner(it)
        return parse_primary()

    def parse_primary() -> Predicate:
        tok = take()
        if tok == "(":
            e = parse_or()
            if take() != ")":
                raise FilterSyntaxError(f"missing ')' in filter expression: {text!r}")
            return e
        if tok in (")", "=~") or keyword(tok):
            raise FilterSyntaxError(f"unexpected {tok!r} in filter expression: {text!r}")
        prop = "name"
        if peek() == "=~":
            take()
            prop = tok.lstrip('"')
            tok = take()
            if tok in ("(", ")", "=~"):
                raise FilterSyntaxError(f"expected a pattern after '{prop} =~' in: {text!r}")
        pattern = tok[1:] if tok.startswith('"') else tok
        try:
            compiled = compile_pattern(pattern)
        except PatternError as e:
            raise FilterSyntaxError(str(e)) from None

        def term(it: Item, prop=prop, compiled=compiled) -> bool:
            v = it.get(prop)
            return v is not None and compiled.match(str(v))

        return term

    if not toks:
        return lambda it: True
    pred = parse_or()
    if pos != len(toks):
        raise FilterSyntaxError(f"unexpected {toks[pos]!r} in filter expression: {text!r}")
    return pred
