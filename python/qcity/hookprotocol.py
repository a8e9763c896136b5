"""The protocol of stateful hooks that a module calls for more than one kind of request.

A module that talks to its hook about several things (a federated-learning client's set-up,
training and model rounds; a trust router's start, decisions and their outcomes) sends dicts
whose ``"event"`` entry names the kind of request. Such a hook is a class deriving from
:class:`EventHook`: the hook registry gives every module its own instance
(:mod:`qcity.sim.hooks`), and the instance answers each event with the handler its
:meth:`~EventHook.handlers` table names, so the events a hook understands are listed in one place.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

#: the request entry that names the event
EVENT = "event"


class EventHook:
    """Base of a stateful hook: dispatches ``{"event": name, ...}`` to the handler named ``name``."""

    def __init__(self) -> None:
        self._handlers = dict(self.handlers())

    def handlers(self) -> Mapping[str, Callable[[dict], Any]]:
        """The event names this hook answers, each with the bound method that answers it."""
        raise NotImplementedError(f"{type(self).__name__} must list its handlers")

    def __call__(self, request: dict) -> Any:
        if EVENT not in request:
            raise ValueError(f"{type(self).__name__}: a request names its event in {EVENT!r}, got the entries {sorted(request)}")
        handler = self._handlers.get(request[EVENT])
        if handler is None:
            raise ValueError(f"{type(self).__name__}: unknown event {request[EVENT]!r} "
                             f"(it handles {', '.join(sorted(self._handlers))})")
        return handler(request)
