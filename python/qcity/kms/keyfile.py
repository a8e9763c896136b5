"""Key files: the secret key a run's QKD links delivered, as KeyManager's ``keyFile`` writes it.

One JSON document per line. The first line names the link and the SAEs at its two ends::

    {"qcity_keys": 1, "link": "SmartCity.gateway[0].keys", "sae_ids": ["gateway[0]", "controlCentre"]}

Then one line per key block, in delivery order (``time`` in simulated seconds, ``key`` in hex,
``bits`` of it valid, most significant bit first)::

    {"block": 3, "time": 3.0, "bits": 1024, "key": "9f02..."}

A last line without a line end is complete when it parses; a file cut inside a line is an error
naming that line (or, when following a file being written, the line is read once it is whole).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import QcityError

FORMAT_VERSION = 1


class KeyFileError(QcityError):
    """A malformed key file."""


@dataclass(frozen=True)
class KeyFileHeader:
    link: str
    sae_ids: tuple[str, str]


@dataclass(frozen=True)
class KeyBlock:
    block: int
    time: float
    key: bytes  # whole bytes of the block's key (a trailing partial byte is not key material here)


def write_header(f, header: KeyFileHeader) -> None:
    f.write(json.dumps({"qcity_keys": FORMAT_VERSION, "link": header.link, "sae_ids": list(header.sae_ids)}) + "\n")


def write_block(f, block: KeyBlock) -> None:
    f.write(json.dumps({"block": block.block, "time": block.time, "bits": 8 * len(block.key),
                        "key": block.key.hex()}) + "\n")


def _parse(text: str, path: str, line: int) -> dict:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise KeyFileError(f"not a JSON line: {e.msg}", path, line, e.colno) from None
    if not isinstance(doc, dict):
        raise KeyFileError("expected a JSON object", path, line)
    return doc


def _header(doc: dict, path: str) -> KeyFileHeader:
    if doc.get("qcity_keys") != FORMAT_VERSION:
        raise KeyFileError(f"not a qcity key file of version {FORMAT_VERSION} (first line needs "
                           f'"qcity_keys": {FORMAT_VERSION})', path, 1)
    saes = doc.get("sae_ids")
    if not (isinstance(saes, list) and len(saes) == 2 and all(isinstance(s, str) and s for s in saes)
            and saes[0] != saes[1]):
        raise KeyFileError("sae_ids must name the two different SAEs at the link's ends", path, 1)
    if not isinstance(doc.get("link"), str) or not doc["link"]:
        raise KeyFileError("link must name the key manager that wrote the file", path, 1)
    return KeyFileHeader(doc["link"], (saes[0], saes[1]))


def _block(doc: dict, path: str, line: int) -> KeyBlock:
    try:
        number, time, bits, key_hex = doc["block"], doc["time"], doc["bits"], doc["key"]
    except KeyError as e:
        raise KeyFileError(f"key block without {e.args[0]!r}", path, line) from None
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise KeyFileError(f"block must be a non-negative integer, got {number!r}", path, line)
    if not isinstance(time, (int, float)) or isinstance(time, bool) or not time >= 0:
        raise KeyFileError(f"time must be a non-negative number, got {time!r}", path, line)
    if not isinstance(bits, int) or isinstance(bits, bool) or bits < 0:
        raise KeyFileError(f"bits must be a non-negative integer, got {bits!r}", path, line)
    try:
        key = bytes.fromhex(key_hex) if isinstance(key_hex, str) else None
    except ValueError:
        key = None
    if key is None:
        raise KeyFileError("key must be hex digits", path, line)
    if len(key) * 8 < bits:
        raise KeyFileError(f"key has {len(key) * 8} bits, {bits} declared", path, line)
    return KeyBlock(number, float(time), key[: bits // 8])


class KeyFileReader:
    """Reads a key file's header and blocks; with ``follow``, reads on as a running simulation appends."""

    def __init__(self, path: str | os.PathLike, follow: bool = False):
        self.path = str(path)
        self.follow = follow
        self.header: KeyFileHeader | None = None
        self._offset = 0  # bytes of whole lines consumed
        self._line = 0
        self._last_block = -1

    def blocks(self) -> Iterator[KeyBlock]:
        """The blocks not read yet, in file order; checks the header on the first call."""
        try:
            with open(self.path, "rb") as f:
                if os.fstat(f.fileno()).st_size < self._offset:
                    raise KeyFileError(f"the key file shrank below the {self._offset} bytes already read "
                                       "(rewritten by another run?)", self.path, self._line)
                f.seek(self._offset)
                data = f.read()
        except OSError as e:
            raise KeyFileError(f"cannot read key file: {e.strerror}", self.path) from None
        lines = data.split(b"\n")
        tail = lines.pop()  # after the last line end: empty, or a line still being written / without line end
        if tail and not self.follow:
            lines.append(tail)
            tail = b""
        for raw in lines:
            self._line += 1
            self._offset += len(raw) + 1
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise KeyFileError(f"byte {e.start} of the line cannot be decoded as UTF-8", self.path,
                                   self._line) from None
            if not text.strip():
                continue
            doc = _parse(text, self.path, self._line)
            if self.header is None:
                self.header = _header(doc, self.path)
                continue
            block = _block(doc, self.path, self._line)
            if block.block <= self._last_block:
                raise KeyFileError(f"block {block.block} follows block {self._last_block}: blocks must increase",
                                   self.path, self._line)
            self._last_block = block.block
            yield block
        if self.header is None and not self.follow:
            raise KeyFileError("empty key file (no header line)", self.path, 1)


def read_key_file(path: str | os.PathLike) -> tuple[KeyFileHeader, list[KeyBlock]]:
    """The header and every block of a complete key file."""
    reader = KeyFileReader(path)
    blocks = list(reader.blocks())
    assert reader.header is not None
    return reader.header, blocks


def key_files(paths: list[str | os.PathLike]) -> list[Path]:
    """The key files named, folders standing for the ``*.keys`` files in them."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(p.glob("*.keys")))
        elif p.exists():
            out.append(p)
        else:
            raise KeyFileError("no such key file or folder", str(p))
    return out
