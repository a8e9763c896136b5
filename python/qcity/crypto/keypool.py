"""Key pools fed by QKD links: every key byte is handed out once, in order, and never again.

Trusted-node relay (as in the SECOQC and Beijing-Shanghai networks): to give A and C
a key through B, B takes k_AB and k_BC from its two pools and announces
k_AB XOR k_BC publicly; C XORs that with its own copy of k_BC and obtains k_AB.
The announcement is a one-time-pad encryption of k_AB, so it reveals nothing
without k_BC; B (trusted) knows the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class KeyExhausted(RuntimeError):
    """The pool holds fewer key bytes than requested; nothing was taken."""


@dataclass
class KeyPool:
    """Key material shared by the two ends of one link (both ends hold identical pools)."""

    capacity: int = 1 << 24  # bytes
    _buffer: bytearray = field(default_factory=bytearray, repr=False)
    _offset: int = 0  # bytes before this were handed out and are wiped
    delivered: int = 0
    consumed: int = 0
    dropped: int = 0

    def add(self, key: bytes) -> int:
        """Adds delivered key bytes (what does not fit is dropped); returns the bytes kept."""
        room = self.capacity - self.level
        kept = key[: max(0, room)]
        self._buffer += kept
        self.delivered += len(kept)
        self.dropped += len(key) - len(kept)
        return len(kept)

    @property
    def level(self) -> int:
        """Key bytes available."""
        return len(self._buffer) - self._offset

    def take(self, n: int) -> bytes:
        """Hands out the next n key bytes, wiping them from the pool; raises KeyExhausted if too few."""
        if n < 0:
            raise ValueError(f"cannot take a negative amount of key ({n})")
        if n > self.level:
            raise KeyExhausted(f"key pool holds {self.level} bytes, {n} requested")
        start = self._offset
        out = bytes(self._buffer[start : start + n])
        self._buffer[start : start + n] = bytes(n)  # wipe: a handed-out byte never exists here again
        self._offset += n
        self.consumed += n
        if self._offset > (1 << 20) and self._offset > len(self._buffer) // 2:
            del self._buffer[: self._offset]  # compact
            self._offset = 0
        return out


def relay(pools: list[KeyPool], n: int) -> tuple[bytes, bytes, list[bytes]]:
    """End-to-end key of n bytes over a path of links (pools[i] joins node i and i+1).

    Returns (key at the first node, key at the last node, the public announcements of
    the intermediate nodes). Each link's pool gives n bytes; nothing is taken unless
    every link has enough.
    """
    if not pools:
        raise ValueError("a relay path needs at least one link")
    if any(p.level < n for p in pools):
        short = [i for i, p in enumerate(pools) if p.level < n]
        raise KeyExhausted(f"links {short} hold fewer than {n} key bytes")
    hop_keys = [p.take(n) for p in pools]
    announcements = [bytes(a ^ b for a, b in zip(hop_keys[i], hop_keys[i + 1])) for i in range(len(hop_keys) - 1)]
    key = hop_keys[-1]
    for ann in reversed(announcements):  # the last node peels the pads back to the first link's key
        key = bytes(a ^ b for a, b in zip(ann, key))
    return hop_keys[0], key, announcements
