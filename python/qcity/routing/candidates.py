"""Reading a routing hook request's candidate columns and choosing among them."""

from __future__ import annotations

import numpy as np


def column(request: dict, name: str) -> np.ndarray:
    """One candidate column of a request as floats (one item per candidate)."""
    return np.asarray(request["candidates"][name], dtype=float)


def pick(request: dict, order_keys: list[np.ndarray]) -> int:
    """The candidate first in lexicographic order of ``order_keys`` (first key most significant)."""
    index = np.lexsort(tuple(reversed(order_keys)))[0]
    return int(request["candidates"]["address"][index])
