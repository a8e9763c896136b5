"""Network builder: instantiates a NED network for one run inside the embedded kernel.

Parameter values follow OMNeT++'s precedence: a non-default assignment in NED
(the type, then the enclosing submodule block) is final; otherwise the first
matching ini entry; otherwise the NED ``default(...)``. A parameter left without
a value is an error naming the module and the NED line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import units
from ..errors import IniError, NedError
from ..patterns import compile_pattern
from .ini import Entry, RunConfig
from .ned import (
    ConnectionDecl,
    ConnectionGroup,
    GateRef,
    NedType,
    NedTypes,
    ParamDecl,
    SubmoduleDecl,
    statistic_decls,
)
from .nedexpr import (
    EvalContext,
    ExprError,
    Node,
    Quantity,
    RunTime,
    evaluate,
    node_text,
    parse_expression_text,
    tree_in_unit,
)

KNOWN_RECORDERS = ("count", "sum", "mean", "min", "max", "last", "vector", "histogram", "timeavg", "stats")
RESULT_FILTERS = ("count", "sum", "mean", "min", "max", "timeavg", "sumPerDuration", "packetBytes", "packetBits")
_ARITH = {"+": ("add", "add"), "-": ("sub", "rsub"), "*": ("mul", "mul"), "/": ("div", "rdiv")}


def compile_source(node: Node) -> tuple[str, list[tuple[str, float]]]:
    """A @statistic source expression as (signal name, filter chain), e.g.
    `sum(packetBytes(rx)) * 8` -> ("rx", [("packetBytes", 0), ("sum", 0), ("mul", 8)])."""
    kind = node[0]
    if kind == "ref" and len(node[1]) == 1:
        return node[1][0], []
    if kind == "call" and node[1] in RESULT_FILTERS and len(node[2]) == 1:
        signal, ops = compile_source(node[2][0])
        return signal, ops + [(node[1], 0.0)]
    if kind == "unop" and node[1] == "-":
        signal, ops = compile_source(node[2])
        return signal, ops + [("neg", 0.0)]
    if kind == "binop" and node[1] in _ARITH:
        left_const, right_const = _constant(node[2]), _constant(node[3])
        if right_const is not None and left_const is None:
            signal, ops = compile_source(node[2])
            return signal, ops + [(_ARITH[node[1]][0], right_const)]
        if left_const is not None and right_const is None:
            signal, ops = compile_source(node[3])
            return signal, ops + [(_ARITH[node[1]][1], left_const)]
    raise ExprError(f"unsupported source expression {node_text(node)!r}: use a signal, result filters "
                    f"({', '.join(RESULT_FILTERS)}) and arithmetic with constants")


def _constant(node: Node) -> float | None:
    if node[0] == "num" and node[2] is None:
        return float(node[1])
    if node[0] == "unop" and node[1] == "-" and node[2][0] == "num" and node[2][2] is None:
        return -float(node[2][1])
    return None


@dataclass
class _Source:
    """Where a parameter's value comes from, and in which context to evaluate it."""

    node: Node
    context: "_Module"
    file: str | None
    line: int | None
    index_of: "_Module"  # whose index `index` means


@dataclass
class _Module:
    path: str
    type: NedType
    index: int  # -1: not in a vector
    vector_size: int
    parent: "_Module | None"
    block: SubmoduleDecl | None  # the submodule block that created it
    id: int = 0
    params: dict[str, Quantity] = field(default_factory=dict)
    param_texts: dict[str, str] = field(default_factory=dict)  # NED source of each value, for the result files
    decls: dict[str, ParamDecl] = field(default_factory=dict)
    submodules: dict[str, list["_Module"]] = field(default_factory=dict)
    gate_types: dict[str, tuple[str, bool]] = field(default_factory=dict)  # name -> (type, is_vector)
    gate_sizes: dict[str, int] = field(default_factory=dict)
    resolving: set[str] = field(default_factory=set)


class NetworkBuilder:
    """Builds the network of one run into a `qcity._core.Simulation`."""

    def __init__(self, sim: Any, types: NedTypes, run: RunConfig):
        self.sim = sim
        self.types = types
        self.run = run
        self.looked_up: list[str] = []  # every parameter/option path asked for, to spot ini typos
        self._connected: set[tuple[int, str, int, str]] = set()  # (module id, gate, index, side)
        self.modules: list[_Module] = []
        self._parsed: dict[tuple[str, str, int], Node] = {}  # ini values and statistic sources, parsed once

    # ---- entry point ----

    def build(self, network_name: str) -> _Module:
        net_type = self.types.resolve_network(network_name, Path(self.run.ini_file).parent)
        if net_type.kind not in ("network", "module"):
            raise NedError(f"'{network_name}' is a {net_type.kind}, not a network", net_type.file, net_type.line)
        top = self._create(net_type, net_type.name, -1, 1, None, None)
        self._build_inside(top)
        return top

    # ---- modules ----

    def _create(self, t: NedType, name: str, index: int, vsize: int, parent: _Module | None, block: SubmoduleDecl | None) -> _Module:
        full = name if index < 0 else f"{name}[{index}]"
        path = f"{parent.path}.{full}" if parent else full
        m = _Module(path, t, index, vsize, parent, block)
        chain = self.types.chain(t)
        if chain[-1].kind == "simple":
            cls = self.types.cpp_class(t)
        elif t.kind in ("module", "network"):
            cls = ""
        else:
            raise NedError(f"cannot instantiate {t.kind} {t.qualified_name} as a module", t.file, t.line)
        try:
            m.id = self.sim.create_module(cls, name, parent.id if parent else 0, index, vsize)
        except RuntimeError as e:
            where = block or t
            raise NedError(f"{path}: {e}", (parent.type.file if parent else t.file), where.line) from None
        self.modules.append(m)
        self._refuse_deep_assignments(t, chain, block, parent)
        for typ in reversed(chain):
            for p in typ.params:
                if p.type is not None:
                    if p.name in m.decls:
                        raise NedError(f"parameter '{p.name}' redeclared", typ.file, p.line)
                    m.decls[p.name] = p
        if block:
            for p in block.params:
                if p.name != "typename" and p.name not in m.decls:
                    raise NedError(f"{t.qualified_name} has no parameter '{p.name}'", parent.type.file if parent else t.file, p.line)
        for pname in m.decls:
            self._param(m, pname)
        for decl in m.decls.values():
            self._add_param_to_kernel(m, decl)
        self._setup_gates(m, chain)
        self._setup_rngs(m)
        self._setup_statistics(m)
        return m

    @staticmethod
    def _refuse_deep_assignments(t: NedType, chain: list[NedType], block: SubmoduleDecl | None, parent: _Module | None) -> None:
        """The embedded engine reads deep parameter assignments but does not apply them: building a
        module that has one would silently give its submodules other values than opp_run does."""
        where = [(typ.file, p) for typ in chain for p in typ.deep_params]
        if block is not None and parent is not None:
            where += [(parent.type.file, p) for p in block.deep_params]
        if where:
            file, p = where[0]
            raise NedError(f"{t.qualified_name}: deep parameter assignments ('{p.name} = ...') are not applied by "
                           f"qcity's embedded engine; run this network under opp_run (docs/omnetpp.md)", file, p.line)

    def _build_inside(self, m: _Module) -> None:
        """Submodules, then this module's connections, then each submodule's inside: as OMNeT++ does, so a
        parent's `++` connections have sized a submodule's gate vectors before its own connections use them."""
        chain = self.types.chain(m.type)
        for typ in reversed(chain):
            for sub in typ.submodules:
                self._create_submodules(m, typ, sub)
        for typ in reversed(chain):
            for conn in typ.connections:
                self._connect(m, typ, conn)
        for subs in m.submodules.values():
            for s in subs:
                self._build_inside(s)

    def _create_submodules(self, m: _Module, typ: NedType, sub: SubmoduleDecl) -> None:
        if sub.condition is not None and not self._eval_bool(sub.condition, m, typ, sub.line):
            return
        sub_type = self._submodule_type(m, typ, sub) if sub.like else self.types.resolve(sub.type_name, typ, sub.line)
        if sub.vector_size is None:
            m.submodules[sub.name] = [self._create(sub_type, sub.name, -1, 1, m, sub)]
            return
        size = self._eval_int(sub.vector_size, m, typ, sub.line, "submodule vector size")
        if size < 0:
            raise NedError(f"negative vector size {size} for submodule {sub.name}", typ.file, sub.line)
        m.submodules[sub.name] = [self._create(sub_type, sub.name, i, size, m, sub) for i in range(size)]

    def _submodule_type(self, m: _Module, typ: NedType, sub: SubmoduleDecl) -> NedType:
        """The type of `name: <...> like IFace`: NED expression, else ini `typename`, else `<default(...)>`."""
        iface = self.types.resolve(sub.like, typ, sub.line)
        name, where = None, (typ.file, sub.line)
        block = {p.is_default: p for p in sub.params if p.name == "typename" and p.value is not None}
        if False in block:  # `typename = "X";` in the submodule's block is final
            return self._implementation(iface, self._eval(block[False].value, m, typ, block[False].line, "typename").value,
                                        m, sub, (typ.file, block[False].line))
        if True in block and sub.typename is None:
            sub = SubmoduleDecl(sub.name, None, sub.vector_size, sub.params, sub.gates, sub.condition, sub.line, sub.like,
                                block[True].value, True)
        if sub.typename is not None and not sub.typename_is_default:
            name = self._eval(sub.typename, m, typ, sub.line, "submodule type").value
        else:
            # a vector's elements share one type; its first element's path is what ini keys match
            element = f"{sub.name}[0]" if sub.vector_size is not None else sub.name
            entry = self._ini_entry(f"{m.path}.{element}.typename")
            if entry is not None:
                try:
                    q = evaluate(self._parse(entry.value, entry.file, entry.line), self._context(m))
                except (ExprError, NedError) as e:
                    raise IniError(f"typename: {getattr(e, 'message', e)}", entry.file, entry.line) from None
                name, where = q.value, (entry.file, entry.line)
            elif sub.typename is not None:
                name = self._eval(sub.typename, m, typ, sub.line, "submodule type").value
        if not name:
            raise NedError(f"no type for submodule {m.path}.{sub.name}: set '{m.path}.{sub.name}.typename' in the ini "
                           f"file to a type that is `like {sub.like}`", typ.file, sub.line)
        return self._implementation(iface, name, m, sub, where)

    def _implementation(self, iface: NedType, name, m: _Module, sub: SubmoduleDecl, where) -> NedType:
        if not isinstance(name, str):
            raise NedError(f"submodule type must be a string, got {name!r}", *where)
        impls = self.types.implementations(iface)
        matches = [t for t in impls if t.qualified_name == name] or [t for t in impls if t.name == name]
        if len(matches) != 1:
            known = ", ".join(sorted(t.qualified_name for t in impls)) or "none"
            problem = "is ambiguous" if matches else f"is not a type that is `like {iface.qualified_name}`"
            raise (IniError if where[0] and where[0].endswith(".ini") else NedError)(
                f"submodule {m.path}.{sub.name}: '{name}' {problem} (implementations: {known})", *where)
        return matches[0]

    # ---- parameters ----

    def _context(self, m: _Module, index_of: _Module | None = None, extra: dict[str, Quantity] | None = None) -> EvalContext:
        owner = index_of or m

        def lookup(parts: list[str]) -> Quantity:
            if len(parts) == 1:
                if extra and parts[0] in extra:
                    return extra[parts[0]]
                if parts[0] in m.decls:
                    return self._shared(m, parts[0])
                hint = f" (did you mean 'parent.{parts[0]}'?)" if m.parent and parts[0] in m.parent.decls else ""
                raise ExprError(f"no parameter '{parts[0]}' in {m.path} ({m.type.qualified_name}){hint}")
            if parts[0] == "parent" and m.parent:
                return self._context(m.parent).lookup(parts[1:])
            if parts[0] == "this":
                return lookup(parts[1:])
            subs = m.submodules.get(parts[0])
            if subs and len(subs) == 1 and subs[0].index < 0 and len(parts) == 2:
                return self._shared(subs[0], parts[1])
            raise ExprError(f"cannot resolve '{'.'.join(parts)}' in {m.path}")

        def index() -> int:
            if owner.index < 0:
                raise ExprError(f"'index' used outside a submodule vector ({owner.path})")
            return owner.index

        def sizeof(name: str) -> int:
            if name in m.submodules:
                return len(m.submodules[name])
            if name in m.gate_sizes:
                return m.gate_sizes[name]
            if owner.block and owner.block.name == name:
                return owner.vector_size
            raise ExprError(f"sizeof({name}): no submodule or gate vector '{name}' in {m.path}")

        return EvalContext(lookup, index, sizeof)

    def _shared(self, m: _Module, name: str) -> Quantity:
        """A parameter's value for use in another expression. A random non-volatile parameter is
        drawn once: others refer to its value (a PARAM node) instead of repeating the draw."""
        q = self._param(m, name)
        decl = m.decls[name]
        if q.is_runtime and not decl.volatile and decl.type in ("int", "double"):
            ref = ("param", float(m.id), name)
            f = units.factor(decl.unit) if decl.unit else 1.0
            own = (decl.unit, ref) if decl.unit else None  # the value in its declared unit, as OMNeT++ holds it
            return Quantity(RunTime(ref if f == 1 else ("mul", ("num", f), ref), own), units.base(decl.unit) if decl.unit else None)
        return q

    def _sources(self, m: _Module, name: str) -> tuple[_Source | None, bool]:
        """The value's source, and whether the NED assignment was a default."""
        fixed: _Source | None = None
        default: _Source | None = None
        for typ in self.types.chain(m.type):  # most derived first
            for p in typ.params:
                if p.name == name and p.value is not None:
                    src = _Source(p.value, m, typ.file, p.line, m)
                    if not p.is_default and fixed is None:
                        fixed = src
                    if p.is_default and default is None:
                        default = src
        if m.block and m.parent:
            for p in m.block.params:
                if p.name == name and p.value is not None:
                    # OMNeT++ 6 semantics: a plain name here is the submodule's own parameter ("this"),
                    # the enclosing module's is "parent.name"
                    src = _Source(p.value, m, m.parent.type.file, p.line, m)
                    if not p.is_default:
                        fixed = fixed or src
                    else:
                        default = src  # the enclosing block's default overrides the type's
        if fixed:
            return fixed, False
        entry = self._ini_entry(f"{m.path}.{name}")
        if entry is not None:
            if entry.value == "default":
                if default is None:
                    raise IniError(f"'{m.path}.{name} = default', but the parameter has no NED default", entry.file, entry.line)
                return default, True
            if entry.value == "ask":
                raise IniError(f"'{m.path}.{name} = ask': interactive input is not available; give a value", entry.file, entry.line)
            try:
                node = self._parse(entry.value, entry.file, entry.line)
            except NedError as e:
                raise IniError(e.message, entry.file, entry.line) from None
            return _Source(node, m, entry.file, entry.line, m), False
        return default, True

    def _parse(self, text: str, file: str, line: int) -> Node:
        """An expression's tree; a text met again (the same ini line for every device) is parsed once.
        Trees are tuples, never changed, so sharing them is safe."""
        key = (text, file, line)
        node = self._parsed.get(key)
        if node is None:
            node = self._parsed[key] = parse_expression_text(text, file, line)
        return node

    def _ini_entry(self, path: str) -> Entry | None:
        self.looked_up.append(path)
        return self.run.lookup(path)

    def _param(self, m: _Module, name: str) -> Quantity:
        if name in m.params:
            return m.params[name]
        decl = m.decls[name]
        if name in m.resolving:
            raise NedError(f"parameter '{name}' of {m.path} depends on itself", decl.file, decl.line)
        m.resolving.add(name)
        src, _ = self._sources(m, name)
        if src is None:
            raise NedError(f"no value for parameter {m.path}.{name} (type {m.type.qualified_name}): assign it in the ini "
                           f"file or give it a default", decl.file, decl.line)
        ctx = self._context(src.context, index_of=src.index_of)
        try:
            q = evaluate(src.node, ctx)
            q = self._coerce(q, decl)
        except ExprError as e:
            raise (IniError if src.file and src.file.endswith(".ini") else NedError)(
                f"{m.path}.{name}: {e}", src.file, src.line) from None
        m.resolving.discard(name)
        m.params[name] = q
        m.param_texts[name] = node_text(src.node)
        return q

    @staticmethod
    def _coerce(q: Quantity, decl: ParamDecl) -> Quantity:
        """Checks type and unit; converts numbers to the declared unit."""
        t = decl.type
        v = q.value
        if t == "string":
            if not isinstance(v, str):
                raise ExprError(f"expected a string, got {v!r}")
            return q
        if t == "bool":
            if isinstance(v, RunTime):
                return q
            if not isinstance(v, bool):
                raise ExprError(f"expected true or false, got {v!r}")
            return q
        if isinstance(v, (str, bool)):
            raise ExprError(f"expected a number, got {v!r}")
        if decl.unit and q.unit is None and not (isinstance(v, (int, float)) and v == 0):
            raise ExprError(f"missing unit: expected a value in {decl.unit} (e.g. {v}{decl.unit})")
        if not decl.unit and q.unit is not None:
            raise ExprError(f"unexpected unit {q.unit}: the parameter is dimensionless")
        if isinstance(v, RunTime):
            if decl.unit:
                if q.unit and units.base(decl.unit) != q.unit:
                    raise ExprError(f"unit mismatch: {q.unit} cannot be converted to {decl.unit}")
                return Quantity(RunTime(tree_in_unit(q, decl.unit)), decl.unit)
            return q
        if decl.unit and q.unit:
            try:
                v = units.convert(v, q.unit, decl.unit)
            except ValueError as e:
                raise ExprError(str(e)) from None
        if t == "int":
            if isinstance(v, float):
                if not math.isfinite(v) or v != int(v):
                    raise ExprError(f"expected an integer, got {v}")
                v = int(v)
            if not -(2**63) <= v < 2**63:  # OMNeT++'s intpar_t
                raise ExprError(f"integer {v} does not fit a 64-bit int parameter")
        else:
            v = float(v)
        return Quantity(v, decl.unit)

    def _add_param_to_kernel(self, m: _Module, decl: ParamDecl, component: int | None = None) -> None:
        q = m.params[decl.name]
        text = m.param_texts[decl.name]
        cid = m.id if component is None else component
        if isinstance(q.value, RunTime):
            self.sim.add_param(cid, decl.name, decl.type, decl.unit or "", decl.volatile, expr=q.value.tree, text=text)
        else:
            self.sim.add_param(cid, decl.name, decl.type, decl.unit or "", decl.volatile, value=q.value)

    # ---- gates and connections ----

    def _setup_gates(self, m: _Module, chain: list[NedType]) -> None:
        decls = {}
        for typ in reversed(chain):
            for g in typ.gates:
                if g.type is None:
                    raise NedError(f"gate '{g.name}' needs a type (input, output or inout)", typ.file, g.line)
                decls[g.name] = (typ, g)
        sizes: dict[str, int] = {}
        for name, (typ, g) in decls.items():
            if g.size is not None:
                sizes[name] = self._eval_int(g.size, m, typ, g.line, "gate vector size")
        if m.block:
            for g in m.block.gates:
                if g.name not in decls:
                    raise NedError(f"{m.path} has no gate '{g.name}'", m.parent.type.file, g.line)
                if g.size is not None:
                    # OMNeT++ 6: names inside a submodule's braces are the submodule's own (parent.x for the enclosing module's)
                    sizes[g.name] = self._eval_int(g.size, m, m.parent.type, g.line, "gate vector size")
        for name, (typ, g) in decls.items():
            size = sizes.get(name, 0) if g.is_vector else 1
            if size < 0:
                raise NedError(f"negative gate vector size {size}", typ.file, g.line)
            self.sim.add_gate(m.id, name, g.type, g.is_vector, size)
            m.gate_types[name] = (g.type, g.is_vector)
            m.gate_sizes[name] = size

    def _connect(self, m: _Module, typ: NedType, conn: ConnectionDecl | ConnectionGroup,
                 outer: dict[str, Quantity] | None = None) -> None:
        """A connection, or a group's connections for each loop value in turn (OMNeT++'s order)."""
        for env in self._loop_envs(m, typ, conn, outer or {}):
            if all(self._eval_bool(c, m, typ, conn.line, env) for c in conn.conditions):
                if isinstance(conn, ConnectionGroup):
                    for member in conn.members:
                        self._connect(m, typ, member, env)
                else:
                    self._connect_once(m, typ, conn, env)

    def _loop_envs(self, m: _Module, typ: NedType, conn: ConnectionDecl | ConnectionGroup, outer: dict[str, Quantity]):
        def rec(k: int, env: dict[str, Quantity]):
            if k == len(conn.loops):
                yield dict(env)
                return
            var, lo, hi = conn.loops[k]
            a = self._eval_int(lo, m, typ, conn.line, "loop bound", extra=env)
            b = self._eval_int(hi, m, typ, conn.line, "loop bound", extra=env)
            for i in range(a, b + 1):
                env[var] = Quantity(i)
                yield from rec(k + 1, env)
            env.pop(var, None)

        yield from rec(0, dict(outer))

    def _connect_once(self, m: _Module, typ: NedType, conn: ConnectionDecl, env: dict[str, Quantity]) -> None:
        src_mod, src_gate, src_idx = self._gate_end(m, typ, conn.src, env, conn)
        dst_mod, dst_gate, dst_idx = self._gate_end(m, typ, conn.dst, env, conn)
        src_inside, dst_inside = src_mod is m, dst_mod is m

        def half(mod: _Module, gate: str, sending: bool, inside: bool) -> str:
            gtype = mod.gate_types[gate.split("$")[0]][0]
            if "$" in gate or gtype != "inout":
                return gate
            # seen from the connection: a submodule sends on its output half; the compound's own gate sends from its input half
            return gate + ("$o" if sending != inside else "$i")

        pairs = [(half(src_mod, src_gate, True, src_inside), half(dst_mod, dst_gate, False, dst_inside))]
        if conn.bidirectional:
            pairs = [(half(src_mod, src_gate, True, src_inside), half(dst_mod, dst_gate, False, dst_inside)),
                     (half(dst_mod, dst_gate, True, dst_inside), half(src_mod, src_gate, False, src_inside))]
            ends = [((src_mod, src_idx), (dst_mod, dst_idx)), ((dst_mod, dst_idx), (src_mod, src_idx))]
        else:
            ends = [((src_mod, src_idx), (dst_mod, dst_idx))]
        for (sg, dg), ((sm, si), (dm, di)) in zip(pairs, ends):
            self._check_direction(sm, sg, sm is m, True, conn, typ)
            self._check_direction(dm, dg, dm is m, False, conn, typ)
            channel = self._make_channel(m, typ, conn, f"{sm.path}.{sg}" + (f"[{si}]" if si >= 0 else ""))
            try:
                self.sim.connect(sm.id, sg, si, dm.id, dg, di, channel)
            except RuntimeError as e:
                raise NedError(str(e), typ.file, conn.line) from None

    def _check_direction(self, mod: _Module, gate: str, inside: bool, sending: bool, conn: ConnectionDecl, typ: NedType):
        base = gate.split("$")[0]
        gtype = mod.gate_types[base][0]
        if gtype == "inout":
            gtype = "input" if gate.endswith("$i") else "output"
        wanted = ("input" if inside else "output") if sending else ("output" if inside else "input")
        if gtype != wanted:
            raise NedError(f"wrong gate direction: {mod.path}.{gate} is an {gtype} gate", typ.file, conn.line)

    def _gate_end(self, m: _Module, typ: NedType, ref: GateRef, env: dict[str, Quantity], conn: ConnectionDecl):
        if ref.module is None:
            mod = m
        else:
            subs = m.submodules.get(ref.module)
            if subs is None:
                raise NedError(f"no submodule '{ref.module}' in {m.type.qualified_name}", typ.file, ref.line)
            if ref.module_index is None:
                if len(subs) != 1 or subs[0].index >= 0:
                    raise NedError(f"submodule '{ref.module}' is a vector: give an index", typ.file, ref.line)
                mod = subs[0]
            else:
                k = self._eval_int(ref.module_index, m, typ, ref.line, "submodule index", extra=env)
                if not 0 <= k < len(subs):
                    raise NedError(f"index {k} out of range for {ref.module}[{len(subs)}]", typ.file, ref.line)
                mod = subs[k]
        base = ref.gate.split("$")[0]
        if base not in mod.gate_types:
            raise NedError(f"{mod.path} has no gate '{base}'", typ.file, ref.line)
        gtype, is_vector = mod.gate_types[base]
        if not is_vector:
            if ref.gate_index is not None or ref.plusplus:
                raise NedError(f"gate '{base}' of {mod.path} is not a vector", typ.file, ref.line)
            return mod, ref.gate, -1
        side = "in" if mod is m else "out"
        if ref.plusplus:
            k = 0
            while (mod.id, ref.gate, k, side) in self._connected:
                k += 1
            if k >= mod.gate_sizes[base]:
                mod.gate_sizes[base] = k + 1
                self.sim.set_gate_size(mod.id, base, gtype, k + 1)
        elif ref.gate_index is None:
            raise NedError(f"gate '{base}' of {mod.path} is a vector: give an index or '++'", typ.file, ref.line)
        else:
            k = self._eval_int(ref.gate_index, m, typ, ref.line, "gate index", extra=env)
            if not 0 <= k < mod.gate_sizes[base]:
                raise NedError(f"gate index {k} out of range for {mod.path}.{base}[{mod.gate_sizes[base]}]", typ.file, ref.line)
        self._connected.add((mod.id, ref.gate, k, side))
        return mod, ref.gate, k

    def _make_channel(self, m: _Module, typ: NedType, conn: ConnectionDecl, src_path: str) -> int:
        names = {p.name for p in conn.channel_params}
        if conn.channel_type:
            ctype = self.types.resolve(conn.channel_type, typ, conn.line)
        elif not names:
            return 0
        elif names & {"datarate", "ber", "per"}:
            ctype = self.types.resolve("ned.DatarateChannel")
        elif names & {"delay", "disabled"}:
            ctype = self.types.resolve("ned.DelayChannel")
        else:
            ctype = self.types.resolve("ned.IdealChannel")
        chain = self.types.chain(ctype)
        if ctype.kind != "channel":
            raise NedError(f"{ctype.qualified_name} is not a channel type", typ.file, conn.line)
        builtin = chain[-1].qualified_name
        cid = self.sim.create_channel(builtin)
        # a channel's parameters behave like a module's: NED values, then ini (<src gate>.channel.<param>)
        pseudo = _Module(f"{src_path}.channel", ctype, -1, 1, m, SubmoduleDecl("channel", ctype.name, None,
                                                                              conn.channel_params, [], None, conn.line))
        pseudo.id = cid
        for t in reversed(chain):
            for p in t.params:
                if p.type is not None:
                    pseudo.decls[p.name] = p
        for p in conn.channel_params:
            if p.name not in pseudo.decls:
                raise NedError(f"channel {ctype.qualified_name} has no parameter '{p.name}'", typ.file, p.line)
        for name, decl in pseudo.decls.items():
            self._param(pseudo, name)
            self._add_param_to_kernel(pseudo, decl)
        return cid

    # ---- RNGs and statistics ----

    def _setup_rngs(self, m: _Module) -> None:
        mapping: list[int] = []
        k = 0
        while True:
            e = self._ini_entry(f"{m.path}.rng-{k}")
            if e is None:
                break
            try:
                mapping.append(int(e.value))
            except ValueError:
                raise IniError(f"rng-{k} must be an integer RNG index, got {e.value!r}", e.file, e.line) from None
            k += 1
        if mapping:
            self.sim.set_rng_map(m.id, mapping)

    def _setup_statistics(self, m: _Module) -> None:
        for prop in statistic_decls(self.types, m.type):
            name = prop.index
            source_text = prop.value("source", name) or name
            try:
                signal, filters = compile_source(self._parse(source_text, m.type.file, prop.line))
            except (ExprError, NedError) as e:
                raise NedError(f"@statistic[{name}]: {getattr(e, 'message', e)}", m.type.file, prop.line) from None
            modes = list(prop.values.get("record", []))
            for mode in modes:
                bare = mode.rstrip("?")
                if bare not in KNOWN_RECORDERS:
                    raise NedError(f"@statistic[{name}]: unknown recorder '{mode}' (known: {', '.join(KNOWN_RECORDERS)})",
                                   m.type.file, prop.line)
            modes = self._recording_modes(m, name, modes)
            if modes:
                self.sim.add_statistic(m.id, name, signal, modes, prop.value("title", "") or "", prop.value("unit", "") or "",
                                       prop.value("interpolationmode", "") or "", filters=filters,
                                       source_text=source_text if filters else "")

    def _recording_modes(self, m: _Module, stat: str, declared: list[str]) -> list[str]:
        default = [x for x in declared if not x.endswith("?")]
        optional = [x.rstrip("?") for x in declared if x.endswith("?")]
        modes = list(default)
        e = self._ini_entry(f"{m.path}.{stat}.result-recording-modes")
        if e is not None:
            modes = []
            for item in (s.strip() for s in e.value.split(",")):
                if item in ("default", ""):
                    modes += [x for x in default if x not in modes]
                elif item == "all":
                    modes += [x for x in default + optional if x not in modes]
                elif item.startswith("-"):
                    modes = [x for x in modes if x != item[1:]] if modes else [x for x in default if x != item[1:]]
                else:
                    item = item.lstrip("+")
                    if item not in KNOWN_RECORDERS:
                        raise IniError(f"unknown recording mode '{item}'", e.file, e.line)
                    modes.append(item)
        # as OMNeT++ names what a @statistic records: the vector <statistic>:vector, each scalar
        # (and statistic object) <statistic>:<mode>, e.g. **.ping.roundTripTime:vector.vector-recording
        if not self._flag(f"{m.path}.{stat}:vector.vector-recording"):
            modes = [x for x in modes if x != "vector"]
        return [x for x in modes if x == "vector" or self._flag(f"{m.path}.{stat}:{x}.scalar-recording")]

    def scalar_wanted(self, module: str, name: str) -> bool:
        """Whether a scalar a module records itself is wanted (``<module>.<name>.scalar-recording``, as OMNeT++)."""
        return self._flag(f"{module}.{name}.scalar-recording")

    def _flag(self, path: str) -> bool:
        e = self._ini_entry(path)
        if e is None:
            return True
        if e.value not in ("true", "false"):
            raise IniError(f"expected true or false, got {e.value!r}", e.file, e.line)
        return e.value == "true"

    # ---- helpers ----

    def _eval(self, node: Node, m: _Module, typ: NedType, line: int, what: str, extra=None, index_of=None) -> Quantity:
        try:
            q = evaluate(node, self._context(m, index_of=index_of, extra=extra))
        except ExprError as e:
            raise NedError(f"{what}: {e}", typ.file, line) from None
        if q.is_runtime:
            raise NedError(f"{what} cannot be random", typ.file, line)
        return q

    def _eval_int(self, node: Node, m: _Module, typ: NedType, line: int, what: str, extra=None, index_of=None) -> int:
        q = self._eval(node, m, typ, line, what, extra, index_of)
        if isinstance(q.value, bool) or not isinstance(q.value, (int, float)) or q.value != int(q.value) or q.unit:
            raise NedError(f"{what} must be an integer, got {q.value!r}", typ.file, line)
        return int(q.value)

    def _eval_bool(self, node: Node, m: _Module, typ: NedType, line: int, extra=None) -> bool:
        q = self._eval(node, m, typ, line, "condition", extra)
        if not isinstance(q.value, bool):
            raise NedError(f"condition must be true or false, got {q.value!r}", typ.file, line)
        return q.value

    def unused_entries(self) -> list[Entry]:
        """Ini parameter entries whose key matches no parameter or option at all (likely typos);
        an entry shadowed by a more specific one still matches, so it is not reported."""
        keyed = [e for e in self.run.entries if "." in e.key or e.key.startswith("**")]
        return [e for e in keyed if not any(compile_pattern(e.key).match(p) for p in self.looked_up)]
