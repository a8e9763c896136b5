"""A durable key store for a KME: key material per link, keys handed out once to each end.

Key material enters per QKD link (blocks of a key file, each imported once: importing the same
file again adds nothing). A master SAE's request carves keys off the oldest material of the link
joining it to the slave, gives each a fresh UUID and keeps it for the slave; the slave's request
by key ID hands it over and deletes it. Every change is one SQLite transaction in WAL mode with
full synchronisation, committed before the answer leaves: a KME killed at any point and restarted
serves no key twice and has lost none it had not yet handed out.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .etsi014 import Etsi014Error, KeyRequest, Limits
from .keyfile import KeyBlock, KeyFileHeader

_SCHEMA = """
CREATE TABLE IF NOT EXISTS links (
    link TEXT PRIMARY KEY, sae_a TEXT NOT NULL, sae_b TEXT NOT NULL,
    imported_bytes INTEGER NOT NULL DEFAULT 0, dropped_bytes INTEGER NOT NULL DEFAULT 0);
-- material holds what is left of a block; a used-up block stays (empty) so it is never imported again
CREATE TABLE IF NOT EXISTS blocks (
    link TEXT NOT NULL, block INTEGER NOT NULL, time REAL NOT NULL, material BLOB NOT NULL,
    PRIMARY KEY (link, block));
-- keys delivered to their master and waiting for their slave
CREATE TABLE IF NOT EXISTS keys (
    key_id TEXT PRIMARY KEY, link TEXT NOT NULL, master TEXT NOT NULL, slave TEXT NOT NULL, key BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS counters (link TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL,
    PRIMARY KEY (link, name));
"""


@dataclass(frozen=True)
class Link:
    name: str
    sae_ids: tuple[str, str]


class KeyStore:
    """Key material and pending keys of every link, in one SQLite database file."""

    def __init__(self, path: str | Path, limits: Limits | None = None):
        self.path = str(path)
        self.limits = limits or Limits()
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    # ---- key material -------------------------------------------------------------------------

    def add_link(self, header: KeyFileHeader) -> None:
        """Registers a link (idempotent); a link already known with other SAEs is an error."""
        row = self._db.execute("SELECT sae_a, sae_b FROM links WHERE link = ?", (header.link,)).fetchone()
        if row is None:
            self._db.execute("INSERT INTO links (link, sae_a, sae_b) VALUES (?, ?, ?)", (header.link, *header.sae_ids))
        elif tuple(row) != header.sae_ids:
            raise ValueError(f"link {header.link} joins {row[0]} and {row[1]} in the store, "
                             f"{header.sae_ids[0]} and {header.sae_ids[1]} in the key file")

    def add_blocks(self, link: str, blocks: list[KeyBlock]) -> int:
        """Adds the blocks of ``link`` not imported before (one transaction); returns the key bytes kept.
        Material beyond the pair's max_key_count keys is dropped (and counted)."""
        if not blocks:
            return 0
        capacity = self.limits.max_key_count * self.limits.key_size // 8
        with self._transaction() as db:
            level = self._level(db, link)
            kept = dropped = 0
            for b in blocks:
                room = max(0, capacity - level)
                material = b.key[:room]
                cur = db.execute("INSERT OR IGNORE INTO blocks (link, block, time, material) VALUES (?, ?, ?, ?)",
                                 (link, b.block, b.time, material))
                if cur.rowcount:
                    level += len(material)
                    kept += len(material)
                    dropped += len(b.key) - len(material)
            db.execute("UPDATE links SET imported_bytes = imported_bytes + ?, dropped_bytes = dropped_bytes + ? "
                       "WHERE link = ?", (kept, dropped, link))
        return kept

    # ---- ETSI 014 operations ------------------------------------------------------------------

    def link_between(self, a: str, b: str) -> Link | None:
        row = self._db.execute("SELECT link, sae_a, sae_b FROM links WHERE (sae_a = ? AND sae_b = ?) "
                               "OR (sae_a = ? AND sae_b = ?) ORDER BY link LIMIT 1", (a, b, b, a)).fetchone()
        return Link(row[0], (row[1], row[2])) if row else None

    def saes(self) -> set[str]:
        return {s for row in self._db.execute("SELECT sae_a, sae_b FROM links") for s in row}

    def stored_key_count(self, link: str) -> int:
        """Keys of the default size the link's material still gives."""
        return min(self._level(self._db, link) // (self.limits.key_size // 8), self.limits.max_key_count)

    def get_keys(self, link: str, master: str, slave: str, request: KeyRequest) -> list[tuple[str, bytes]]:
        """Carves ``request.number`` keys off the link's oldest material for the master, keeping them for the
        slave; 503 (nothing taken) when the material is short."""
        size = request.size // 8
        with self._transaction() as db:
            need = request.number * size
            level = self._level(db, link)
            if level < need:
                self._count(db, link, "refused_no_key")
                raise Etsi014Error(503, "not enough key material", [{"available_bytes": str(level),
                                                                     "requested_bytes": str(need)}])
            material = bytearray()
            # the oldest blocks with key left, enough of them to cover the request (blobs read only for those)
            use, have = [], 0
            for block, left in db.execute("SELECT block, length(material) FROM blocks WHERE link = ? AND "
                                          "length(material) > 0 ORDER BY block", (link,)):
                use.append(block)
                have += left
                if have >= need:
                    break
            for block in use:
                data = db.execute("SELECT material FROM blocks WHERE link = ? AND block = ?", (link, block)).fetchone()[0]
                take = min(len(data), need - len(material))
                material += data[:take]
                db.execute("UPDATE blocks SET material = ? WHERE link = ? AND block = ?", (data[take:], link, block))
            keys = [(str(uuid.uuid4()), bytes(material[i * size:(i + 1) * size])) for i in range(request.number)]
            db.executemany("INSERT INTO keys (key_id, link, master, slave, key) VALUES (?, ?, ?, ?, ?)",
                           [(kid, link, master, slave, key) for kid, key in keys])
            self._count(db, link, "served_master", request.number)
        return keys

    def get_keys_with_ids(self, master: str, slave: str, key_ids: list[str]) -> list[tuple[str, bytes]]:
        """Hands the slave the keys its master obtained, once; 400 (nothing handed out) if any ID is unknown."""
        with self._transaction() as db:
            found: dict[str, bytes] = {}
            for kid in key_ids:
                row = db.execute("SELECT key, link FROM keys WHERE key_id = ? AND master = ? AND slave = ?",
                                 (kid, master, slave)).fetchone()
                if row is not None:
                    found[kid] = row[0]
                    link = row[1]
            missing = [kid for kid in key_ids if kid not in found]
            if missing:
                raise Etsi014Error(400, "key_ID unknown, already delivered, or not of this master and slave",
                                   [{"key_ID": kid} for kid in missing])
            db.executemany("DELETE FROM keys WHERE key_id = ?", [(kid,) for kid in key_ids])
            self._count(db, link, "served_slave", len(key_ids))
        return [(kid, found[kid]) for kid in key_ids]

    def run_batch(self, steps: list[Callable[[], Any]]) -> list[Any]:
        """Runs each step (a call of this store's methods) in one transaction with one commit: the result of
        each, or the exception it raised (its changes undone unless it is a refusal). Concurrent requests
        share one disk flush this way (group commit); none is answered before the commit."""
        out: list[Any] = []
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for step in steps:
                try:
                    out.append(step())
                except Exception as e:  # noqa: BLE001 -- handed back to the request it belongs to
                    out.append(e)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return out

    def counters(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for link, name, value in self._db.execute("SELECT link, name, value FROM counters"):
            out.setdefault(link, {})[name] = value
        return out

    def pending_keys(self) -> int:
        """Keys delivered to a master whose slave has not fetched them yet."""
        return self._db.execute("SELECT count(*) FROM keys").fetchone()[0]

    def material_bytes(self) -> int:
        return self._db.execute("SELECT coalesce(sum(length(material)), 0) FROM blocks").fetchone()[0]

    # ---- helpers ------------------------------------------------------------------------------

    def _transaction(self):
        return _Transaction(self._db)

    @staticmethod
    def _level(db: sqlite3.Connection, link: str) -> int:
        return db.execute("SELECT coalesce(sum(length(material)), 0) FROM blocks WHERE link = ?", (link,)).fetchone()[0]

    @staticmethod
    def _count(db: sqlite3.Connection, link: str, name: str, n: int = 1) -> None:
        db.execute("INSERT INTO counters (link, name, value) VALUES (?, ?, ?) "
                   "ON CONFLICT (link, name) DO UPDATE SET value = value + excluded.value", (link, name, n))


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or a savepoint inside a batch's transaction (:meth:`KeyStore.run_batch`).

    A refused request (Etsi014Error) changes no key, only its counter: it is kept. Any other
    exception undoes the step."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.nested = False

    def __enter__(self) -> sqlite3.Connection:
        self.nested = self.db.in_transaction
        self.db.execute("SAVEPOINT step" if self.nested else "BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, value, tb) -> None:
        keep = kind is None or issubclass(kind, Etsi014Error)
        if self.nested:
            if not keep:
                self.db.execute("ROLLBACK TO step")
            self.db.execute("RELEASE step")
        else:
            self.db.execute("COMMIT" if keep else "ROLLBACK")
