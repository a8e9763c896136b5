"""NED reader: the subset of OMNeT++'s NED language that qcity scenarios use.

Parses packages, imports, ``simple``/``module``/``network``/``channel`` types with
``extends``, typed parameters with ``@unit``, ``volatile``, ``default(...)``,
gates and gate vectors, submodules and submodule vectors, connections (with
inline channels, ``for`` loops and ``if`` conditions) and properties
(``@class``, ``@namespace``, ``@signal``, ``@statistic``; ``@display`` is kept and
ignored). Errors name file:line:column.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NedError, read_utf8
from .nedexpr import Node, Token, TokenStream, parse_expression, tokenize


@dataclass
class Property:
    name: str
    index: str | None
    values: dict[str, list[str]]  # "" holds positional values
    line: int

    def value(self, key: str = "", default: str | None = None) -> str | None:
        v = self.values.get(key)
        return v[0] if v else default


#: Reserved words of NED (OMNeT++ 6): not usable as parameter names.
NED_KEYWORDS = frozenset("""allowunconnected bool channel channelinterface connections const default double exists
extends false for gates if import index inf inout input int like module moduleinterface nan network null nullptr
object output package parameters parent property simple sizeof string submodules this true types undefined
volatile xml xmldoc""".split())


@dataclass
class ParamDecl:
    name: str
    type: str | None  # None: an assignment to an inherited parameter
    unit: str | None
    volatile: bool
    value: Node | None
    is_default: bool
    file: str
    line: int


@dataclass
class GateDecl:
    name: str
    type: str | None  # input, output, inout; None: a size assignment in a submodule
    is_vector: bool
    size: Node | None
    line: int


@dataclass
class SubmoduleDecl:
    name: str
    type_name: str | None  # None for `<...> like IFace`
    vector_size: Node | None
    params: list[ParamDecl]
    gates: list[GateDecl]
    condition: Node | None
    line: int
    like: str | None = None  # interface a parametric submodule's type must implement
    typename: Node | None = None  # the `<...>` expression (None for `<>`)
    typename_is_default: bool = False  # `<default(...)>`: ini's typename may override it
    deep_params: list[ParamDecl] = field(default_factory=list)  # `a.b.c = ...` in its block: the submodule's descendants


@dataclass
class GateRef:
    module: str | None  # None: the compound module's own gate
    module_index: Node | None
    gate: str
    gate_index: Node | None
    plusplus: bool
    line: int


@dataclass
class ConnectionDecl:
    src: GateRef
    dst: GateRef
    bidirectional: bool
    channel_type: str | None
    channel_params: list[ParamDecl]
    loops: list[tuple[str, Node, Node]]  # (variable, from, to) outermost first
    conditions: list[Node]
    line: int


@dataclass
class ConnectionGroup:
    """``for ... { ... }`` or ``if ... { ... }`` around connections: OMNeT++ makes all of its
    connections for one loop value before the next, so gate ``++`` indices follow that order."""
    loops: list[tuple[str, Node, Node]]
    conditions: list[Node]
    members: list  # ConnectionDecl | ConnectionGroup, in source order
    line: int


@dataclass
class NedType:
    kind: str  # simple, module, network, channel, moduleinterface
    name: str
    package: str
    extends: str | None
    params: list[ParamDecl] = field(default_factory=list)
    gates: list[GateDecl] = field(default_factory=list)
    submodules: list[SubmoduleDecl] = field(default_factory=list)
    connections: list[ConnectionDecl] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)
    allow_unconnected: bool = False
    interfaces: list[str] = field(default_factory=list)  # `like` clauses of the type itself
    imports: list[str] = field(default_factory=list)
    # deep parameter assignments (`wlan[0].mac.x = ...`, `**.y = ...`): their name is the path pattern
    deep_params: list[ParamDecl] = field(default_factory=list)
    file: str = ""
    line: int = 0

    @property
    def qualified_name(self) -> str:
        return f"{self.package}.{self.name}" if self.package else self.name

    def property(self, name: str) -> Property | None:
        for p in self.properties:
            if p.name == name:
                return p
        return None


# ---- parser -------------------------------------------------------------------------


class _NedParser:
    def __init__(self, text: str, file: str):
        self.file = file
        self.ts = TokenStream(tokenize(text, file), file)
        self.package = ""
        self.imports: list[str] = []
        self.file_properties: list[Property] = []

    def parse(self) -> list[NedType]:
        ts = self.ts
        types: list[NedType] = []
        while ts.tok.kind != "EOF":
            if ts.accept("package"):
                self.package = self._dotted_name()
                ts.expect(";")
            elif ts.accept("import"):
                self.imports.append(self._dotted_name(allow_wildcard=True))
                ts.expect(";")
            elif ts.at("@"):
                self.file_properties.append(self._property())
                ts.expect(";")
            elif ts.tok.text in ("simple", "module", "network", "channel", "moduleinterface", "channelinterface"):
                types.append(self._type())
            else:
                ts.error(f"expected a type definition (simple, module, network, channel), found {ts.describe(ts.tok)}")
        return types

    def _dotted_name(self, allow_wildcard: bool = False) -> str:
        parts = [self.ts.expect_name("a name")]
        while self.ts.accept("."):
            if allow_wildcard and self.ts.at("*"):
                self.ts.next()
                parts.append("*")
                break
            parts.append(self.ts.expect_name("a name"))
        return ".".join(parts)

    def _type(self) -> NedType:
        ts = self.ts
        start = ts.next()
        kind = start.text
        name = ts.expect_name("a type name")
        t = NedType(kind, name, self.package, None, imports=list(self.imports), file=self.file, line=start.line)
        if ts.accept("extends"):
            t.extends = self._dotted_name()
        if ts.accept("like"):
            t.interfaces.append(self._dotted_name())
            while ts.accept(","):
                t.interfaces.append(self._dotted_name())
        ts.expect("{")
        section = "parameters"
        while not ts.accept("}"):
            if ts.tok.kind == "EOF":
                ts.error(f"missing '}}' to close {kind} {name} (opened at line {start.line})")
            if ts.tok.text in ("parameters", "gates", "submodules", "connections", "types") and ts.peek().text in (":", "allowunconnected"):
                section = ts.next().text
                if section == "connections" and ts.accept("allowunconnected"):
                    t.allow_unconnected = True
                ts.expect(":")
                continue
            if section == "parameters":
                self._param_or_property(t.params, t.properties, t.deep_params)
            elif section == "gates":
                t.gates.append(self._gate_decl())
            elif section == "submodules":
                t.submodules.append(self._submodule())
            elif section == "connections":
                t.connections.extend(self._connections())
            else:
                ts.error(f"'{section}:' sections are not supported by qcity's NED reader")
        return t

    def _property(self) -> Property:
        ts = self.ts
        at = ts.expect("@")
        name = ts.expect_name("a property name")
        index = None
        if ts.accept("["):
            index = ts.expect_name("a property index")
            ts.expect("]")
        values: dict[str, list[str]] = {}
        if ts.accept("("):
            # gather the tokens of each `key=v1,v2` entry (entries split by ';' at depth 0)
            entries: list[list[Token]] = [[]]
            depth = 0
            while True:
                tok = ts.next()
                if tok.kind == "EOF":
                    ts.error(f"missing ')' in property @{name}", at)
                if tok.kind == "OP" and tok.text in "([":
                    depth += 1
                elif tok.kind == "OP" and tok.text in ")]":
                    if depth == 0:
                        break
                    depth -= 1
                if depth == 0 and tok.kind == "OP" and tok.text == ";":
                    entries.append([])
                    continue
                entries[-1].append(tok)
            for entry in entries:
                key = ""
                if len(entry) >= 2 and entry[0].kind == "NAME" and entry[1].text == "=":
                    key, entry = entry[0].text, entry[2:]
                items, buf, depth = [], [], 0
                for tok in entry + [Token("OP", ",", 0, 0)]:
                    if tok.kind == "OP" and tok.text in "([":
                        depth += 1
                    elif tok.kind == "OP" and tok.text in ")]":
                        depth -= 1
                    if depth == 0 and tok.kind == "OP" and tok.text == ",":
                        if buf:
                            items.append("".join(buf))
                        buf = []
                        continue
                    buf.append(tok.value if tok.kind == "STR" else tok.text)
                if items or key:
                    values.setdefault(key, []).extend(items)
        return Property(name, index, values, at.line)

    def _param_or_property(self, params: list[ParamDecl], properties: list[Property],
                           deep: list[ParamDecl] | None = None):
        ts = self.ts
        if ts.at("@"):
            properties.append(self._property())
            ts.expect(";")
            return
        first = ts.tok
        if ts.at("*") or (ts.tok.kind == "NAME" and ts.peek().text in (".", "[")):
            self._deep_assignment(deep)
            return
        is_volatile = ts.accept("volatile")
        ptype = None
        if ts.tok.text in ("bool", "int", "double", "string") and ts.peek().kind == "NAME":
            ptype = ts.next().text
        if is_volatile and ptype is None:
            ts.error("'volatile' must be followed by a parameter type")
        name_tok = ts.tok
        name = ts.expect_name("a parameter name")
        if name in NED_KEYWORDS:  # OMNeT++'s parser rejects these as names; so do we
            raise NedError(f"'{name}' is a NED keyword and cannot name a parameter", self.file, name_tok.line)
        unit = None
        while ts.at("@"):
            prop = self._property()
            if prop.name == "unit":
                unit = prop.value()
        value, is_default = None, False
        if ts.accept("="):
            value, is_default = self._value()
        ts.expect(";")
        params.append(ParamDecl(name, ptype, unit, is_volatile, value, is_default, self.file, first.line))

    def _deep_assignment(self, deep: list[ParamDecl] | None) -> None:
        """`path.pattern = value;`: a parameter of a submodule (or deeper) assigned from here, as OMNeT++
        allows in a compound module's (or a submodule block's) parameters section."""
        ts = self.ts
        first = ts.tok
        parts: list[str] = []
        while not ts.at("="):
            tok = ts.tok
            if tok.kind == "EOF" or ts.at(";"):
                ts.error(f"expected '=' in the parameter assignment '{''.join(parts)}'", first)
            if tok.kind == "NUM":
                parts.append(str(int(tok.value[0])) if float(tok.value[0]).is_integer() else tok.text)
            elif tok.kind in ("NAME", "OP") and (tok.kind == "NAME" or tok.text in (".", "[", "]", "*", "..")):
                parts.append(tok.text)
            else:
                ts.error(f"unexpected {ts.describe(tok)} in the parameter path '{''.join(parts)}'", tok)
            ts.next()
        pattern = "".join(parts)
        if deep is None:
            raise NedError(f"'{pattern}': a path cannot be assigned here, only parameters of this component", self.file, first.line)
        ts.expect("=")
        value, is_default = self._value()
        ts.expect(";")
        deep.append(ParamDecl(pattern, None, None, False, value, is_default, self.file, first.line))

    def _value(self) -> tuple[Node, bool]:
        ts = self.ts
        if ts.at("default") and ts.peek().text == "(":
            ts.next()
            ts.expect("(")
            v = parse_expression(ts)
            ts.expect(")")
            return v, True
        return parse_expression(ts), False

    def _gate_decl(self) -> GateDecl:
        ts = self.ts
        first = ts.tok
        gtype = None
        if ts.tok.text in ("input", "output", "inout"):
            gtype = ts.next().text
        name = ts.expect_name("a gate name")
        is_vector, size = False, None
        if ts.accept("["):
            is_vector = True
            if not ts.at("]"):
                size = parse_expression(ts)
            ts.expect("]")
        while ts.at("@"):
            self._property()
        ts.expect(";")
        return GateDecl(name, gtype, is_vector, size, first.line)

    def _submodule(self) -> SubmoduleDecl:
        ts = self.ts
        first = ts.tok
        name = ts.expect_name("a submodule name")
        vsize = None
        if ts.accept("["):
            vsize = parse_expression(ts)
            ts.expect("]")
        ts.expect(":")
        if ts.at("<"):
            sub = self._parametric_submodule(name, vsize, first)
        else:
            sub = SubmoduleDecl(name, self._dotted_name(), vsize, [], [], None, first.line)
        if ts.accept("if"):
            sub.condition = parse_expression(ts)
        if ts.accept("{"):
            section = "parameters"
            while not ts.accept("}"):
                if ts.tok.kind == "EOF":
                    ts.error(f"missing '}}' in submodule {name}")
                if ts.tok.text in ("parameters", "gates") and ts.peek().text == ":":
                    section = ts.next().text
                    ts.expect(":")
                    continue
                if section == "parameters":
                    self._param_or_property(sub.params, [], sub.deep_params)
                else:
                    sub.gates.append(self._gate_decl())
            ts.accept(";")
        else:
            ts.expect(";")
        return sub

    def _parametric_submodule(self, name: str, vsize: Node | None, first: Token) -> SubmoduleDecl:
        """`<expr> like IFace`, `<default(expr)> like IFace` or `<> like IFace`."""
        ts = self.ts
        ts.expect("<")
        inner: list[Token] = []
        depth = 0
        while not (depth == 0 and ts.at(">")):  # `>` inside the brackets would read as a comparison
            tok = ts.next()
            if tok.kind == "EOF":
                ts.error("missing '>' after the submodule type expression", first)
            depth += tok.text in ("(", "[") and tok.kind == "OP"
            depth -= tok.text in (")", "]") and tok.kind == "OP"
            inner.append(tok)
        ts.expect(">")
        expr, is_default = None, False
        if inner:
            sub_ts = TokenStream(inner + [Token("EOF", "", inner[-1].line, inner[-1].col)], self.file)
            if sub_ts.at("default") and sub_ts.peek().text == "(":
                sub_ts.next()
                sub_ts.expect("(")
                expr, is_default = parse_expression(sub_ts), True
                sub_ts.expect(")")
            else:
                expr = parse_expression(sub_ts)
            if sub_ts.tok.kind != "EOF":
                sub_ts.error(f"unexpected {sub_ts.describe(sub_ts.tok)} in the submodule type expression")
        ts.expect("like")
        iface = self._dotted_name()
        return SubmoduleDecl(name, None, vsize, [], [], None, first.line, like=iface, typename=expr,
                             typename_is_default=is_default)

    def _gate_ref(self) -> GateRef:
        ts = self.ts
        first = ts.tok
        name = ts.expect_name("a module or gate name")
        index = None
        if ts.at("[") and ts.peek().text != "]":
            ts.next()
            index = parse_expression(ts) if not ts.at("++") else None
            if ts.accept("++"):
                ts.expect("]")
                return GateRef(None, None, name, None, True, first.line)
            ts.expect("]")
        module, module_index = None, None
        if ts.accept("."):
            module, module_index = name, index
            name = ts.expect_name("a gate name")
            index = None
            if ts.at("$"):
                ts.next()
                name += "$" + ts.expect_name("i or o")
            plusplus = False
            if ts.accept("++"):
                plusplus = True
            elif ts.accept("["):
                if ts.accept("++"):
                    plusplus = True
                else:
                    index = parse_expression(ts)
                ts.expect("]")
            return GateRef(module, module_index, name, index, plusplus, first.line)
        if ts.at("$"):
            ts.next()
            name += "$" + ts.expect_name("i or o")
            if ts.accept("["):
                index = parse_expression(ts)
                ts.expect("]")
        plusplus = ts.accept("++")
        return GateRef(None, None, name, index, plusplus, first.line)

    def _connections(self) -> list:
        ts = self.ts
        line = ts.tok.line
        if ts.accept("for"):
            loops = []
            while True:
                var = ts.expect_name("a loop variable")
                ts.expect("=")
                lo = parse_expression(ts)
                ts.expect("..")
                hi = parse_expression(ts)
                loops.append((var, lo, hi))
                if not ts.accept(","):
                    break
            ts.expect("{")
            members: list = []
            while not ts.accept("}"):
                if ts.tok.kind == "EOF":
                    ts.error("missing '}' after for loop")
                members.extend(self._connections())
            return [ConnectionGroup(loops, [], members, line)]
        if ts.accept("if"):
            cond = parse_expression(ts)
            ts.expect("{")
            members = []
            while not ts.accept("}"):
                members.extend(self._connections())
            return [ConnectionGroup([], [cond], members, line)]
        first = ts.tok
        left = self._gate_ref()
        if ts.tok.text not in ("-->", "<--", "<-->"):
            ts.error(f"expected '-->', '<--' or '<-->', found {ts.describe(ts.tok)}")
        arrow = ts.next().text
        ctype, cparams = None, []
        if not (ts.tok.kind == "NAME" and ts.peek().text in (".", "[", "$", ";", "++") and not self._is_channel_type_ahead()):
            if ts.tok.kind == "NAME" and self._is_channel_type_ahead():
                ctype = self._dotted_name()
            if ts.accept("{"):
                while not ts.accept("}"):
                    self._param_or_property(cparams, [])
            if ctype is not None or cparams:
                if ts.next().text != arrow:
                    ts.error(f"expected '{arrow}' after the channel spec")
        right = self._gate_ref()
        local_loops: list = []
        local_conds: list = []
        while ts.tok.text in ("for", "if"):
            if ts.accept("for"):
                var = ts.expect_name("a loop variable")
                ts.expect("=")
                lo = parse_expression(ts)
                ts.expect("..")
                local_loops.append((var, lo, parse_expression(ts)))
            else:
                ts.next()
                local_conds.append(parse_expression(ts))
        ts.expect(";")
        src, dst = (right, left) if arrow == "<--" else (left, right)
        return [ConnectionDecl(src, dst, arrow == "<-->", ctype, cparams, local_loops, local_conds, first.line)]

    def _is_channel_type_ahead(self) -> bool:
        """After an arrow: is this a channel type name (followed by { or another arrow)?"""
        k = 0
        if self.ts.peek(0).kind != "NAME":
            return False
        while self.ts.peek(k + 1).text == "." and self.ts.peek(k + 2).kind == "NAME":
            k += 2
        return self.ts.peek(k + 1).text in ("{", "-->", "<--", "<-->")


# ---- built-in types -----------------------------------------------------------------

_BUILTIN_NED = """
package ned;
channel IdealChannel { @class(cIdealChannel); }
channel DelayChannel {
    @class(cDelayChannel);
    double delay @unit(s) = default(0s);
    bool disabled = default(false);
}
channel DatarateChannel {
    @class(cDatarateChannel);
    double delay @unit(s) = default(0s);
    double datarate @unit(bps) = default(0bps);
    double ber = default(0);
    double per = default(0);
    bool disabled = default(false);
}
"""


# ---- type registry ------------------------------------------------------------------


class NedTypes:
    """All NED types found on a NED path, resolvable by name as OMNeT++ does."""

    def __init__(self):
        self.types: dict[str, NedType] = {}
        self.namespaces: dict[str, str] = {}  # package -> C++ namespace (@namespace in package.ned)
        self._add_text(_BUILTIN_NED, "<built-in>")

    def _add_text(self, text: str, file: str) -> None:
        parser = _NedParser(text, file)
        types = parser.parse()
        for prop in parser.file_properties:
            if prop.name == "namespace" and Path(file).name == "package.ned":
                self.namespaces[parser.package] = prop.value() or ""
        for t in types:
            if t.qualified_name in self.types:
                other = self.types[t.qualified_name]
                raise NedError(f"type {t.qualified_name} is already defined at {other.file}:{other.line}", file, t.line)
            self.types[t.qualified_name] = t

    def load_file(self, path: str | os.PathLike) -> None:
        """Parses one .ned file."""
        p = Path(path)
        self._add_text(read_utf8(p, NedError, "NED file"), str(p))

    def load_path(self, nedpath: list[str | os.PathLike]) -> None:
        """Loads every .ned file under each folder of the NED path (sorted, so order is stable)."""
        for folder in nedpath:
            folder = Path(folder)
            if not folder.is_dir():
                raise NedError(f"NED path entry is not a folder: {folder}")
            for f in sorted(folder.rglob("*.ned")):
                self.load_file(f)

    def resolve(self, name: str, context: NedType | None = None, line: int | None = None) -> NedType:
        """Finds a type by (qualified or simple) name from `context`'s package and imports."""
        if name in self.types:
            return self.types[name]
        candidates = []
        if context is not None:
            if context.package:
                candidates.append(f"{context.package}.{name}")
            for imp in context.imports:
                if imp.endswith(".*") and f"{imp[:-2]}.{name}" in self.types:
                    candidates.append(f"{imp[:-2]}.{name}")
                elif imp.rsplit(".", 1)[-1] == name:
                    candidates.append(imp)
        candidates.append(f"ned.{name}")
        for c in candidates:
            if c in self.types:
                return self.types[c]
        similar = sorted(q for q in self.types if q.rsplit(".", 1)[-1] == name)
        hint = f" (did you mean to import {' or '.join(similar)}?)" if similar else ""
        file = context.file if context else None
        raise NedError(f"NED type '{name}' not found{hint}", file, line)

    def resolve_network(self, name: str, ini_folder: str | os.PathLike) -> NedType:
        """The network an ini file names: fully qualified, or a type defined in the ini file's folder
        (OMNeT++ resolves an unqualified network name in the package of the ini file's folder)."""
        if name in self.types:
            return self.types[name]
        folder = Path(ini_folder).resolve()
        local = [t for t in self.types.values()
                 if t.name == name and t.file != "<built-in>" and Path(t.file).resolve().parent == folder]
        if len(local) == 1:
            return local[0]
        return self.resolve(name)

    def implementations(self, iface: NedType) -> list[NedType]:
        """Types that declare `like <iface>` (directly or through a base type)."""
        out = []
        for t in self.types.values():
            try:
                if any(self._names(i, typ, iface) for typ in self.chain(t) for i in typ.interfaces):
                    out.append(t)
            except NedError:
                continue  # it builds on types that are not loaded (an INET-facing module): not one of these
        return out

    def _names(self, name: str, typ: NedType, target: NedType) -> bool:
        """Whether `name`, as `typ` refers to it, is `target`."""
        return self.resolve(name, typ, typ.line).qualified_name == target.qualified_name

    def chain(self, t: NedType) -> list[NedType]:
        """The type and its bases, most derived first."""
        out, seen = [t], {t.qualified_name}
        while out[-1].extends:
            base = self.resolve(out[-1].extends, out[-1], out[-1].line)
            if base.qualified_name in seen:
                raise NedError(f"cycle in 'extends' of {t.qualified_name}", t.file, t.line)
            seen.add(base.qualified_name)
            out.append(base)
        return out

    def cpp_class(self, t: NedType) -> str:
        """C++ class of a simple module: @class (relative to @namespace) or the namespace + type name."""
        for typ in self.chain(t):
            prop = typ.property("class")
            if prop and prop.value():
                cls = prop.value()
                if cls.startswith("::") or "::" in cls:
                    return cls.lstrip(":")
                ns = self.namespace_of(typ.package)
                return f"{ns}::{cls}" if ns else cls
        base = self.chain(t)[-1]
        ns = self.namespace_of(base.package)
        return f"{ns}::{base.name}" if ns else base.name

    def namespace_of(self, package: str) -> str:
        parts = package.split(".") if package else []
        while parts:
            p = ".".join(parts)
            if p in self.namespaces:
                return self.namespaces[p]
            parts.pop()
        return self.namespaces.get("", "")


def statistic_decls(types: NedTypes, t: NedType) -> list[Property]:
    """@statistic properties of a type, base types' first, derived ones overriding by name."""
    by_name: dict[str, Property] = {}
    for typ in reversed(types.chain(t)):
        for p in typ.properties:
            if p.name == "statistic" and p.index:
                by_name[p.index] = p
    return list(by_name.values())


__all__ = ["NedTypes", "NedType", "ParamDecl", "GateDecl", "SubmoduleDecl", "ConnectionDecl", "GateRef", "Property",
           "statistic_decls", "Token"]
