"""NED parameters on the Python side: one row per parameter, from its NED name to its hook argument
to the Python class (or function) that carries it.

A module's NED file is the truth for its parameters and defaults. Its C++ hands some of them to its
Python hook in snake_case, and the Python classes behind the hook call some of them by the symbols
of the papers they follow. A table of :class:`Parameter` rows, kept next to the hook, is the only
place those names meet; tests/test_ned_defaults.py reads each module's NED file and checks that
every row's Python default equals the NED default, so Python code that wants a module's defaults
constructs the class with no arguments.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any, Callable, NamedTuple


class Parameter(NamedTuple):
    ned: str     # the NED parameter name
    hook: str    # its key in the hook's argument dict (the module's .cc); "" when it is not passed
    model: Any   # the Python dataclass (or function) that carries it ...
    field: str   # ... and its field (or keyword argument)


def python_default(p: Parameter) -> Any:
    """The default the Python side gives the parameter: the dataclass field's, or the keyword's."""
    if dataclasses.is_dataclass(p.model):
        f = p.model.__dataclass_fields__[p.field]
        return f.default_factory() if f.default is dataclasses.MISSING else f.default
    default = inspect.signature(p.model).parameters[p.field].default
    if default is inspect.Parameter.empty:
        raise ValueError(f"{p.model.__name__}({p.field}) has no default")
    return default


def model_fields(args: dict, table: tuple[Parameter, ...], model: type | Callable) -> dict:
    """The fields of ``model`` the hook arguments carry (absent arguments keep the Python default)."""
    return {p.field: args[p.hook] for p in table if p.model is model and p.hook and p.hook in args}
