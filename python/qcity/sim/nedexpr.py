"""NED expressions: tokenizer, parser and evaluator with units.

Used by the NED reader (parameter defaults, sizes, conditions) and by the ini
reader (parameter values). Expressions that need randomness (``uniform``,
``exponential``, ...) are not evaluated here: they become run-time expression
trees that the kernel evaluates with the module's own RNG, so draws come from
the same streams on every engine.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Union

from .. import units
from ..errors import NedError

# ---- tokens -----------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # NUM, STR, NAME, OP, EOF
    text: str
    line: int
    col: int
    value: object = None  # NUM: (number, unit or None); STR: the string


_OPS = sorted(
    ["==", "!=", "<=", ">=", "&&", "||", "-->", "<--", "<-->", "..", "++", "+", "-", "*", "/", "%", "^", "<", ">",
     "!", "?", ":", ",", "(", ")", "[", "]", "{", "}", ";", "=", ".", "@", "$"],
    key=len, reverse=True,
)
_NUM_RE = re.compile(r"(\d+\.(?!\.)\d*|\.\d+|\d+)([eE][+-]?\d+)?")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def tokenize(text: str, file: str | None = None, first_line: int = 1) -> list[Token]:
    """Splits NED (or an ini value) into tokens; `//` comments are dropped."""
    tokens: list[Token] = []
    i, line, line_start = 0, first_line, 0
    n = len(text)
    while i < n:
        c = text[i]
        col = i - line_start + 1
        if c == "\n":
            line += 1
            i += 1
            line_start = i
            continue
        if c in " \t\r":
            i += 1
            continue
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c == '"':
            j, buf = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    buf.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(text[j + 1], text[j + 1]))
                    j += 2
                    continue
                if text[j] == "\n":
                    break
                buf.append(text[j])
                j += 1
            if j >= n or text[j] != '"':
                raise NedError("unterminated string literal", file, line, col)
            tokens.append(Token("STR", text[i : j + 1], line, col, "".join(buf)))
            i = j + 1
            continue
        m = _NUM_RE.match(text, i)
        if m and not (c == "." and text.startswith("..", i)):
            # a number directly followed by a unit name is one quantity: 100ms, 2.5Mbps
            end = m.end()
            num_text = m.group(0)
            number: float | int = float(num_text) if any(ch in num_text for ch in ".eE") else int(num_text)
            unit = None
            u = _NAME_RE.match(text, end)
            if u and units.is_unit(u.group(0)):
                unit = u.group(0)
                end = u.end()
            elif u:
                raise NedError(f"unknown unit '{u.group(0)}' after number {num_text}", file, line, col)
            tokens.append(Token("NUM", text[i:end], line, col, (number, unit)))
            i = end
            continue
        m = _NAME_RE.match(text, i)
        if m:
            tokens.append(Token("NAME", m.group(0), line, col))
            i = m.end()
            continue
        for op in _OPS:
            if text.startswith(op, i):
                tokens.append(Token("OP", op, line, col))
                i += len(op)
                break
        else:
            raise NedError(f"unexpected character {c!r}", file, line, col)
    tokens.append(Token("EOF", "", line, i - line_start + 1))
    return tokens


# ---- parser -------------------------------------------------------------------------

Node = tuple  # ("num", value, unit) | ("str", s) | ("bool", b) | ("ref", [names]) | ("index",) | ("sizeof", name)
#               | ("call", name, [args]) | ("unop", op, x) | ("binop", op, a, b) | ("cond", c, a, b)


class TokenStream:
    """Cursor over tokens with the error helpers both parsers share."""

    def __init__(self, tokens: list[Token], file: str | None):
        self.tokens = tokens
        self.pos = 0
        self.file = file

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.pos + k, len(self.tokens) - 1)]

    def next(self) -> Token:
        t = self.tokens[self.pos]
        if t.kind != "EOF":
            self.pos += 1
        return t

    def at(self, text: str, kind: str | None = None) -> bool:
        t = self.tok
        return t.text == text and (kind is None or t.kind == kind) and t.kind != "STR"

    def accept(self, text: str) -> bool:
        if self.at(text):
            self.next()
            return True
        return False

    def expect(self, text: str) -> Token:
        if not self.at(text):
            self.error(f"expected '{text}', found {self.describe(self.tok)}")
        return self.next()

    def expect_name(self, what: str = "a name") -> str:
        if self.tok.kind != "NAME":
            self.error(f"expected {what}, found {self.describe(self.tok)}")
        return self.next().text

    @staticmethod
    def describe(t: Token) -> str:
        return "end of input" if t.kind == "EOF" else f"'{t.text}'"

    def error(self, message: str, tok: Token | None = None):
        t = tok or self.tok
        raise NedError(message, self.file, t.line, t.col)


_BINARY_LEVELS = [["||"], ["&&"], ["==", "!=", "<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%"]]


def parse_expression(ts: TokenStream) -> Node:
    """Parses one expression at the stream's position (stops before `;`, `,`, `)` ...)."""
    cond = _parse_binary(ts, 0)
    if ts.accept("?"):
        a = parse_expression(ts)
        ts.expect(":")
        b = parse_expression(ts)
        return ("cond", cond, a, b)
    return cond


def _parse_binary(ts: TokenStream, level: int) -> Node:
    if level == len(_BINARY_LEVELS):
        return _parse_unary(ts)
    left = _parse_binary(ts, level + 1)
    while ts.tok.kind == "OP" and ts.tok.text in _BINARY_LEVELS[level]:
        op = ts.next().text
        left = ("binop", op, left, _parse_binary(ts, level + 1))
    return left


def _parse_unary(ts: TokenStream) -> Node:
    if ts.tok.kind == "OP" and ts.tok.text in ("-", "!", "+"):
        op = ts.next().text
        x = _parse_unary(ts)
        return x if op == "+" else ("unop", op, x)
    base = _parse_primary(ts)
    if ts.accept("^"):
        return ("binop", "^", base, _parse_unary(ts))
    return base


def _parse_primary(ts: TokenStream) -> Node:
    t = ts.tok
    if t.kind == "NUM":
        ts.next()
        number, unit = t.value
        return ("num", number, unit)
    if t.kind == "STR":
        ts.next()
        return ("str", t.value)
    if ts.accept("("):
        e = parse_expression(ts)
        ts.expect(")")
        return e
    if t.kind == "NAME":
        name = ts.next().text
        if name in ("true", "false"):
            return ("bool", name == "true")
        if name in ("inf", "nan"):
            return ("num", float(name), None)
        if name == "index":
            return ("index",)
        if name == "sizeof":
            ts.expect("(")
            target = ts.expect_name("a submodule or gate name")
            ts.expect(")")
            return ("sizeof", target)
        if ts.accept("("):
            args = []
            if not ts.at(")"):
                args.append(parse_expression(ts))
                while ts.accept(","):
                    args.append(parse_expression(ts))
            ts.expect(")")
            return ("call", name, args)
        parts = [name]
        while ts.at(".") and ts.peek().kind == "NAME":
            ts.next()
            parts.append(ts.next().text)
        return ("ref", parts)
    ts.error(f"expected an expression, found {ts.describe(t)}")
    raise AssertionError  # unreachable


def parse_expression_text(text: str, file: str | None = None, line: int = 1) -> Node:
    """Parses a complete expression from text (an ini value)."""
    ts = TokenStream(tokenize(text, file, line), file)
    node = parse_expression(ts)
    if ts.tok.kind != "EOF":
        ts.error(f"unexpected {ts.describe(ts.tok)} after expression")
    return node


# ---- values -------------------------------------------------------------------------


@dataclass(frozen=True)
class RunTime:
    """An expression the kernel evaluates at run time (in base units): a C++ Expr tree.

    A random function's value is computed, as OMNeT++ computes it, in its first argument's unit
    (``exponential(100ms)`` draws in ms); ``own`` keeps that unit and the tree in it, so that a
    parameter declared in the same unit takes the draw unconverted, bit for bit as opp_run does."""

    tree: tuple
    own: tuple[str, tuple] | None = None


Scalar = Union[bool, int, float, str, RunTime]


@dataclass(frozen=True)
class Quantity:
    value: Scalar
    unit: str | None = None  # for RunTime values: the base unit of the tree

    @property
    def is_runtime(self) -> bool:
        return isinstance(self.value, RunTime)


# OMNeT++'s random NED functions: argument kinds ('q' a quantity in the value's unit, 'd' a
# dimensionless number) and which argument's unit the value has (None: dimensionless); an optional
# RNG index may follow. From the signatures in OMNeT++ 6's nedfunctions.cc.
RANDOM_SIGNATURES: dict[str, tuple[str, int | None]] = {
    "uniform": ("qq", 0), "exponential": ("q", 0), "normal": ("qq", 0), "truncnormal": ("qq", 0),
    "gamma_d": ("dq", 1), "beta": ("dd", None), "erlang_k": ("dq", 1), "chi_square": ("d", None),
    "student_t": ("d", None), "cauchy": ("qq", 0), "triang": ("qqq", 0), "lognormal": ("dd", None),
    "weibull": ("qq", 0), "pareto_shifted": ("dqq", 1), "intuniform": ("qq", 0), "intuniformexcl": ("qq", 0),
    "bernoulli": ("d", None), "binomial": ("dd", None), "geometric": ("d", None), "negbinomial": ("dd", None),
    "poisson": ("d", None),
}
RANDOM_FUNCTIONS = {name: len(kinds) for name, (kinds, _) in RANDOM_SIGNATURES.items()}
_MATH_1 = {"sqrt": math.sqrt, "exp": math.exp, "log": math.log, "log10": math.log10}
_UNIT_KEEPING_1 = {"floor": math.floor, "ceil": math.ceil, "fabs": math.fabs}


class EvalContext:
    """What names mean where an expression is evaluated (the NED reader provides these)."""

    def __init__(
        self,
        lookup: Callable[[list[str]], Quantity],
        index: Callable[[], int] | None = None,
        sizeof: Callable[[str], int] | None = None,
    ):
        self.lookup = lookup
        self.index = index
        self.sizeof = sizeof


class ExprError(ValueError):
    """Evaluation error; the caller adds file:line."""


def context_without_names(where: str = "here") -> EvalContext:
    """An evaluation context for expressions that may not refer to parameters (ini options)."""
    def lookup(parts: list[str]):
        raise ExprError(f"'{'.'.join(parts)}' cannot be used {where}")
    return EvalContext(lookup)


def _tree(q: Quantity) -> tuple:
    """C++ expression tree of a quantity, in its base unit."""
    if isinstance(q.value, RunTime):
        return q.value.tree
    if isinstance(q.value, str):
        raise ExprError("a string cannot take part in a run-time (random) expression")
    v = float(q.value)
    return ("num", v * units.factor(q.unit) if q.unit else v)


def _to_base(q: Quantity) -> Quantity:
    if q.unit is None or q.is_runtime:
        return q
    return Quantity(q.value * units.factor(q.unit), units.base(q.unit))  # type: ignore[operator]


def _own(q: Quantity) -> tuple[str | None, tuple]:
    """(unit, tree) of a value as OMNeT++ holds it: a literal in its own unit, a run-time value in the
    unit its random function drew it in (else its base unit)."""
    if isinstance(q.value, RunTime):
        return q.value.own if q.value.own is not None else (q.unit, q.value.tree)
    return q.unit, ("num", float(q.value))


def _convert_tree(tree: tuple, frm: str, to: str) -> tuple:
    """A tree's value converted from unit ``frm`` to ``to`` the way OMNeT++'s convertUnit() does it."""
    if frm == to:
        return tree
    if units.base(frm) != units.base(to):
        raise ExprError(f"unit mismatch: {frm} vs {to}")
    if units.base(frm) == to:
        return ("mul", ("num", units.factor(frm)), tree)
    if frm == units.base(to):
        return ("div", tree, ("num", units.factor(to)))
    return ("div", ("mul", ("num", units.factor(frm)), tree), ("num", units.factor(to)))


def _conversion_factor(frm: str, to: str) -> float:
    """OMNeT++'s getConversionFactor() between two units of one dimension (0 if there is none)."""
    if frm == to:
        return 1.0
    if units.base(frm) != units.base(to):
        return 0.0
    if units.base(frm) == to:
        return units.factor(frm)
    if frm == units.base(to):
        return 1.0 / units.factor(to)
    return units.factor(frm) * (1.0 / units.factor(to))


def _common_unit(a: Quantity, b: Quantity, op: str) -> tuple[Quantity, Quantity]:
    """Two quantities in one unit, as OMNeT++'s bringToCommonTypeAndUnit() makes them for + and -:
    integers go to the smaller unit when the factor is whole (1s + 1ms is 1001 ms), anything else
    to the left operand's unit."""
    if isinstance(a.value, int) and isinstance(b.value, int) and not isinstance(a.value, bool) \
            and not isinstance(b.value, bool):
        c = _conversion_factor(b.unit, a.unit)  # type: ignore[arg-type]
        c2 = _conversion_factor(a.unit, b.unit)  # type: ignore[arg-type]
        if c > 1 and c == math.floor(c):
            return a, Quantity(b.value * int(c), a.unit)
        if c2 > 1 and c2 == math.floor(c2):
            return Quantity(a.value * int(c2), b.unit), b
    try:
        return a, Quantity(units.convert(float(b.value), b.unit, a.unit), a.unit)  # type: ignore[arg-type]
    except ValueError as e:
        raise ExprError(f"unit mismatch in '{op}': {e}") from None


def tree_in_unit(q: Quantity, unit: str) -> tuple:
    """A run-time value's C++ tree in ``unit`` (a parameter's declared unit), converted from the unit
    the value was computed in the way OMNeT++ converts it: no conversion when the units agree."""
    own_unit, tree = _own(q)
    return _convert_tree(tree, own_unit, unit) if own_unit else tree


def _runtime(unit: str | None, tree: tuple) -> Quantity:
    """A run-time value computed in ``unit``: its base-unit tree, and the tree in ``unit`` kept beside it."""
    if not unit:
        return Quantity(RunTime(tree))
    if units.factor(unit) == 1:
        return Quantity(RunTime(tree, (unit, tree)), units.base(unit))
    return Quantity(RunTime(("mul", ("num", units.factor(unit)), tree), (unit, tree)), units.base(unit))


def _own_arithmetic(op: str, a: Quantity, b: Quantity) -> Quantity | None:
    """OMNeT++'s arithmetic on a run-time operand, kept in the operands' units (the right operand of
    + and - converted to the left one's unit; * and / by a plain number keep the unit), so that the
    value is rounded where opp_run rounds it. None where the result has no unit to keep."""
    (ua, ta), (ub, tb) = _own(a), _own(b)
    if op in ("+", "-") and ua and ub:
        return _runtime(ua, (_TREE_OPS[op], ta, _convert_tree(tb, ub, ua)))
    if op == "*" and bool(ua) != bool(ub):
        return _runtime(ua or ub, ("mul", ta, tb))
    if op == "/" and ua and not ub:
        return _runtime(ua, ("div", ta, tb))
    if op == "/" and ua and ub:  # the right operand in the left one's unit: a plain number
        return _runtime(None, ("div", ta, _convert_tree(tb, ub, ua)))
    return None


def _same_dimension(a: Quantity, b: Quantity, op: str) -> str | None:
    ua = units.base(a.unit) if a.unit else None
    ub = units.base(b.unit) if b.unit else None
    if ua != ub:
        raise ExprError(f"unit mismatch in '{op}': {a.unit or 'no unit'} vs {b.unit or 'no unit'}")
    return ua


def _check_numeric(q: Quantity, what: str):
    if isinstance(q.value, str):
        raise ExprError(f"{what}: expected a number, got string {q.value!r}")


def evaluate(node: Node, ctx: EvalContext) -> Quantity:
    """Evaluates an expression; random parts yield a RunTime quantity instead of a value."""
    kind = node[0]
    if kind == "num":
        return Quantity(node[1], node[2])
    if kind == "str":
        return Quantity(node[1])
    if kind == "bool":
        return Quantity(node[1])
    if kind == "ref":
        return ctx.lookup(node[1])
    if kind == "index":
        if ctx.index is None:
            raise ExprError("'index' is only valid in a submodule vector")
        return Quantity(ctx.index())
    if kind == "sizeof":
        if ctx.sizeof is None:
            raise ExprError("'sizeof' is not available here")
        return Quantity(ctx.sizeof(node[1]))
    if kind == "cond":
        c = evaluate(node[1], ctx)
        if c.is_runtime:
            a, b = evaluate(node[2], ctx), evaluate(node[3], ctx)
            (ua, ta), (ub, tb) = _own(a), _own(b)
            if ua == ub:  # both branches in one unit: the chosen one is taken as it is, as OMNeT++ does
                return _runtime(ua, ("cond", _tree(c), ta, tb))
            a, b = _to_base(a), _to_base(b)
            unit = _same_dimension(a, b, "?:")
            return Quantity(RunTime(("cond", _tree(c), _tree(a), _tree(b))), unit)
        return evaluate(node[2] if _truth(c) else node[3], ctx)
    if kind == "unop":
        x = evaluate(node[2], ctx)
        _check_numeric(x, node[1])
        if x.is_runtime:
            if node[1] == "-":
                unit, tree = _own(x)
                return _runtime(unit, ("neg", tree))
            return Quantity(RunTime(("not", _tree(x))))
        return Quantity(-x.value, x.unit) if node[1] == "-" else Quantity(not _truth(x))  # type: ignore[operator]
    if kind == "binop":
        return _binop(node[1], evaluate(node[2], ctx), evaluate(node[3], ctx))
    if kind == "call":
        return _call(node[1], [evaluate(a, ctx) for a in node[2]])
    raise ExprError(f"unknown expression node {kind}")


def _truth(q: Quantity) -> bool:
    if isinstance(q.value, bool):
        return q.value
    if isinstance(q.value, (int, float)):
        return q.value != 0
    raise ExprError(f"expected a boolean, got {q.value!r}")


_TREE_OPS = {"+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "^": "pow", "<": "lt", "<=": "le",
             ">": "gt", ">=": "ge", "==": "eq", "!=": "ne", "&&": "and", "||": "or"}


def _binop(op: str, a: Quantity, b: Quantity) -> Quantity:
    if op == "+" and isinstance(a.value, str) and isinstance(b.value, str):
        return Quantity(a.value + b.value)
    if op in ("==", "!=") and (isinstance(a.value, str) or isinstance(b.value, str)):
        return Quantity((a.value == b.value) == (op == "=="))
    if op in ("&&", "||"):
        if a.is_runtime or b.is_runtime:
            return Quantity(RunTime((_TREE_OPS[op], _tree(a), _tree(b))))
        return Quantity(_truth(a) and _truth(b) if op == "&&" else _truth(a) or _truth(b))
    _check_numeric(a, op)
    _check_numeric(b, op)
    if (a.is_runtime or b.is_runtime) and op in ("+", "-", "*", "/"):
        kept = _own_arithmetic(op, a, b)  # before the operands are brought to base units
        if kept is not None:
            return kept
    if op in ("+", "-") and a.unit and b.unit and a.unit != b.unit and not (a.is_runtime or b.is_runtime):
        a, b = _common_unit(a, b, op)
    if op in ("+", "-", "<", "<=", ">", ">=", "==", "!="):
        if a.unit != b.unit:
            a, b = _to_base(a), _to_base(b)
        unit = _same_dimension(a, b, op)
        result_unit = (a.unit if a.unit == b.unit else unit) if op in ("+", "-") else None
    elif op == "*":
        if a.unit and b.unit:
            raise ExprError(f"cannot multiply {a.unit} by {b.unit}")
        result_unit = a.unit or b.unit
    elif op == "/":
        if a.unit and b.unit:
            a, b = _to_base(a), _to_base(b)
            _same_dimension(a, b, op)
            result_unit = None
        elif b.unit:
            raise ExprError(f"cannot divide a plain number by {b.unit}")
        else:
            result_unit = a.unit
    else:  # % ^
        if b.unit or (op == "^" and a.unit):
            raise ExprError(f"'{op}' needs dimensionless operands")
        result_unit = a.unit
    if a.is_runtime or b.is_runtime:
        a, b = _to_base(a), _to_base(b)
        ru = units.base(result_unit) if result_unit else None
        return Quantity(RunTime((_TREE_OPS[op], _tree(a), _tree(b))), ru)
    x, y = a.value, b.value
    if op == "+":
        r = x + y
    elif op == "-":
        r = x - y
    elif op == "*":
        r = x * y
    elif op == "/":
        if y == 0:
            raise ExprError("division by zero")
        r = x / y
        if isinstance(x, int) and isinstance(y, int) and not isinstance(x, bool) and r == int(r):
            r = int(r)
    elif op == "%":
        if not (isinstance(x, int) and isinstance(y, int)):
            raise ExprError("'%' needs integer operands")
        if y == 0:
            raise ExprError("modulo by zero")
        r = math.fmod(x, y)
        r = int(r)
    elif op == "^":
        r = x**y
    else:
        r = {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y, "==": x == y, "!=": x != y}[op]
    return Quantity(r, result_unit)


def _call(name: str, args: list[Quantity]) -> Quantity:
    if name in RANDOM_FUNCTIONS:
        return _random_call(name, args)
    if name in ("floor", "ceil") and any(a.unit for a in args):
        raise ExprError(f"{name}() needs a dimensionless argument (OMNeT++'s math functions take no units)")
    if any(a.is_runtime for a in args):
        if name in ("floor", "ceil", "fabs") and len(args) == 1 or name in ("min", "max") and len(args) == 2:
            # computed in the first argument's unit, as OMNeT++ does
            unit, tree = _own(args[0])
            rest = []
            for a in args[1:]:
                ub, tb = _own(a)
                if bool(unit) != bool(ub):
                    raise ExprError(f"{name}(): unit mismatch: {unit or 'no unit'} vs {ub or 'no unit'}")
                rest.append(_convert_tree(tb, ub, unit) if unit else tb)
            return _runtime(unit, ("call", name, tree, *rest))
        if name in ("min", "max", "floor", "ceil", "fabs", "sqrt", "exp", "log", "log10", "pow"):
            base_args = [_to_base(a) for a in args]
            unit = base_args[0].unit if name in ("min", "max", "floor", "ceil", "fabs") else None
            return Quantity(RunTime(("call", name, *[_tree(a) for a in base_args])), unit)
        raise ExprError(f"{name}() cannot take a random argument")
    if name not in ("string", "int", "double", "bool"):  # the conversions accept any value
        for a in args:
            _check_numeric(a, name)
    if name in ("min", "max"):
        if len(args) != 2:
            raise ExprError(f"{name}() takes 2 arguments")
        a, b = args
        if a.unit != b.unit:
            a, b = _to_base(a), _to_base(b)
            _same_dimension(a, b, name)
        return min(a, b, key=lambda q: q.value) if name == "min" else max(a, b, key=lambda q: q.value)
    if name in _UNIT_KEEPING_1 and len(args) == 1:
        r = _UNIT_KEEPING_1[name](args[0].value)
        return Quantity(r, args[0].unit)
    if name in _MATH_1 and len(args) == 1:
        if args[0].unit:
            raise ExprError(f"{name}() needs a dimensionless argument")
        return Quantity(_MATH_1[name](args[0].value))
    if name == "pow" and len(args) == 2:
        return _binop("^", args[0], args[1])
    if name == "int" and len(args) == 1:
        return Quantity(int(args[0].value), args[0].unit)  # type: ignore[arg-type]
    if name == "double" and len(args) == 1:
        return Quantity(float(args[0].value), args[0].unit)  # type: ignore[arg-type]
    if name == "string" and len(args) == 1:
        return Quantity(str(args[0].value))
    if name == "bool" and len(args) == 1:
        return Quantity(_truth(args[0]))
    raise ExprError(f"unknown function {name}() with {len(args)} argument(s)")


def _in_unit(q: Quantity, unit: str | None, name: str) -> tuple:
    """C++ tree of an argument expressed in ``unit``, converted as OMNeT++'s convertUnit() does."""
    if isinstance(q.value, RunTime):
        own_unit, tree = _own(q)
        if bool(own_unit) != bool(unit):
            raise ExprError(f"unit mismatch in {name}(): {own_unit or 'no unit'} vs {unit or 'no unit'}")
        return _convert_tree(tree, own_unit, unit) if unit else tree
    if isinstance(q.value, str):
        raise ExprError("a string cannot take part in a run-time (random) expression")
    if (q.unit or None) != (unit or None):
        if not q.unit or not unit:
            raise ExprError(f"unit mismatch in {name}(): {q.unit or 'no unit'} vs {unit or 'no unit'}")
        try:
            return ("num", units.convert(float(q.value), q.unit, unit))
        except ValueError as e:
            raise ExprError(f"{name}(): {e}") from None
    return ("num", float(q.value))


def _random_call(name: str, args: list[Quantity]) -> Quantity:
    kinds, k = RANDOM_SIGNATURES[name]
    need = len(kinds)
    if len(args) not in (need, need + 1):
        raise ExprError(f"{name}() takes {need} arguments (plus an optional RNG index), got {len(args)}")
    first = args[k] if k is not None else None
    unit = _own(first)[0] if first is not None else None  # a random argument counts in its own unit
    if name in ("intuniform", "intuniformexcl") and (_own(args[0])[0] or None) != (_own(args[1])[0] or None):
        raise ExprError(f"{name}(): the arguments must have the same unit, got {args[0].unit or 'no unit'} "
                        f"and {args[1].unit or 'no unit'}")
    trees = []
    for i, a in enumerate(args):
        if i < need and kinds[i] == "q":
            trees.append(_in_unit(a, unit, name))
        else:  # dimensionless arguments and the RNG index
            if a.unit:
                raise ExprError(f"{name}(): argument {i + 1} must be dimensionless, got {a.unit}")
            trees.append(_in_unit(a, None, name))
    return _runtime(unit, ("call", name, *trees))


def node_text(node: Node) -> str:
    """NED source text of a parsed expression (for result files and messages)."""
    kind = node[0]
    if kind == "num":
        return f"{node[1]}{node[2] or ''}"
    if kind == "str":
        return '"' + node[1].replace("\\", "\\\\").replace('"', '\\"') + '"'
    if kind == "bool":
        return "true" if node[1] else "false"
    if kind == "ref":
        return ".".join(node[1])
    if kind == "index":
        return "index"
    if kind == "sizeof":
        return f"sizeof({node[1]})"
    if kind == "call":
        return f"{node[1]}({', '.join(node_text(a) for a in node[2])})"
    if kind == "unop":
        return f"{node[1]}{node_text(node[2])}"
    if kind == "binop":
        return f"({node_text(node[2])} {node[1]} {node_text(node[3])})"
    if kind == "cond":
        return f"({node_text(node[1])} ? {node_text(node[2])} : {node_text(node[3])})"
    return "?"
