"""Hook registry: turns "package.module:function" into a callable, once per module instance.

A hook may also name a class: each module then gets its own instance of it (a
stateful hook, e.g. a mode switch with hysteresis) and calls it like a function.

C++ modules name their hooks in NED/ini parameters; the kernel's hook bridge calls
`resolve()` during initialize() and keeps the callable for the rest of the run.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

from ..errors import HookError

#: hook modules that moved, so that an ini naming the old one is told where to look
MOVED = {
    "qcity.ids.hooks": "qcity.ids.qids.hooks",
    "qcity.ids.flowhooks": "qcity.ids.flow.hooks",
    "qcity.ids.fedhooks": "qcity.ids.federated.hooks",
    "qcity.crypto.hooks": "qcity.security.hooks",
    "qcity.routing.trust": "qcity.backbone.hooks",
}


def resolve(spec: str) -> Callable[..., Any]:
    """Imports `module` and returns `module.function` (dotted attribute paths allowed after the colon)."""
    if ":" not in spec:
        raise HookError(f"hook {spec!r} must have the form 'package.module:function'")
    module_name, _, attr_path = spec.partition(":")
    if not module_name or not attr_path:
        raise HookError(f"hook {spec!r} must have the form 'package.module:function'")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as e:
        moved = f" (it is {MOVED[module_name]} now)" if module_name in MOVED else ""
        raise HookError(f"hook {spec!r}: cannot import module {module_name!r}{moved}: {e}") from e
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise HookError(f"hook {spec!r}: module {module_name!r} has no attribute {attr_path!r}") from None
    if isinstance(obj, type):
        # a class is a stateful hook: each module that names it gets its own instance,
        # called at every decision epoch (state lives as long as the module, not longer)
        try:
            obj = obj()
        except Exception as e:
            raise HookError(f"hook {spec!r}: creating the hook object failed: {e}") from e
    if not callable(obj):
        raise HookError(f"hook {spec!r} is a {type(obj).__name__}, not a callable")
    return obj
