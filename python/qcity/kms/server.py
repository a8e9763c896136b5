"""The live KME: the ETSI GS QKD 014 v1.1.1 REST API over HTTPS with mutual TLS (aiohttp).

The client certificate's common name is the calling SAE's ID. A master SAE asks
``/api/v1/keys/{slave_SAE_ID}/status`` and ``.../enc_keys``; its slave asks
``/api/v1/keys/{master_SAE_ID}/dec_keys`` with the key IDs the master passed on. Keys come from
key files a run exported (KeyManager's ``keyFile``), imported into a durable :class:`KeyStore`;
with ``follow`` the files are read on as a simulation running beside the server writes them, and
with ``pace`` each block becomes available only when the wall-clock time since start reaches its
simulated time divided by ``pace``. With a :class:`CoSimulation` the server starts that run itself and
follows the key files it writes.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from aiohttp import web

from .cosim import CoSimulation
from .etsi014 import Etsi014Error, Limits, key_container, parse_key_ids, parse_key_request, status_document
from .keyfile import KeyBlock, KeyFileError, KeyFileReader
from .store import KeyStore

JSON = "application/json"


@dataclass
class KmeConfig:
    store: Path                       # the SQLite key store (created if missing)
    key_paths: list[Path]             # key files to import
    ca: Path                          # CA that signed the SAEs' client certificates
    cert: Path                        # the KME's server certificate and key
    key: Path
    host: str = "127.0.0.1"
    port: int = 8443                  # 0: any free port (printed)
    key_folders: list[Path] = field(default_factory=list)  # with follow: looked at again for new key files
    follow: bool = False              # keep reading the key files as they grow
    pace: float | None = None         # release blocks at simulated time = pace x wall time since start
    poll: float = 0.5                 # seconds between reads of growing key files
    limits: Limits = field(default_factory=Limits)


def server_ssl_context(ca: Path, cert: Path, key: Path) -> ssl.SSLContext:
    """TLS 1.2+ server context that requires a client certificate signed by ``ca``."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(ca))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_cert_chain(str(cert), str(key))
    return ctx


def client_ssl_context(ca: Path, cert: Path, key: Path) -> ssl.SSLContext:
    """Context for an SAE: trusts the KME's CA and presents the SAE's certificate."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(ca))
    ctx.load_cert_chain(str(cert), str(key))
    return ctx


def _caller(request: web.Request) -> str:
    cert = request.transport.get_extra_info("peercert") if request.transport else None
    for rdn in (cert or {}).get("subject", ()):
        for name, value in rdn:
            if name == "commonName":
                return value
    raise Etsi014Error(401, "no client certificate with a common name (the SAE ID)")


class Importer:
    """Moves key blocks from key files into the store, once each, paced or not. With ``follow``, the
    ``folders`` are looked at again on every poll for key files that appeared since."""

    def __init__(self, store: KeyStore, paths: list[Path], follow: bool, pace: float | None,
                 folders: list[Path] = ()):
        self.store = store
        self.follow = follow
        self.folders = list(folders)
        self.readers: list[KeyFileReader] = []
        self.waiting: dict[int, list[KeyBlock]] = {}
        for p in paths:
            self._add_reader(p)
        self.pace = pace
        self.started = time.monotonic()

    def _add_reader(self, path: Path) -> None:
        self.waiting[len(self.readers)] = []
        self.readers.append(KeyFileReader(path, follow=self.follow))

    def _look_in_folders(self) -> None:
        known = {r.path for r in self.readers}
        for folder in self.folders:
            for path in sorted(folder.glob("*.keys")):
                if str(path) not in known:
                    self._add_reader(path)

    def poll(self) -> int:
        """Reads what the files gained and stores what is due; returns key bytes added."""
        if self.follow:
            self._look_in_folders()
        added = 0
        due_time = None if self.pace is None else (time.monotonic() - self.started) * self.pace
        for i, reader in enumerate(self.readers):
            self.waiting[i].extend(reader.blocks())
            if reader.header is None:
                continue
            try:
                self.store.add_link(reader.header)
            except ValueError as e:
                raise KeyFileError(str(e), reader.path, 1) from None
            due = self.waiting[i] if due_time is None else [b for b in self.waiting[i] if b.time <= due_time]
            if due:
                added += self.store.add_blocks(reader.header.link, due)
                self.waiting[i] = self.waiting[i][len(due):]
        return added


class GroupCommit:
    """Runs store steps on one thread, the steps queued meanwhile in one transaction (KeyStore.run_batch):
    requests arriving while a commit is flushed to disk share the next flush."""

    def __init__(self, store: KeyStore):
        self.store = store
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kme-store")
        self.queue: list[tuple[Callable[[], Any], asyncio.Future]] = []
        self.draining = False

    async def run(self, step: Callable[[], Any]) -> Any:
        future = asyncio.get_running_loop().create_future()
        self.queue.append((step, future))
        if not self.draining:
            self.draining = True
            asyncio.create_task(self._drain())
        return await future

    async def call(self, fn: Callable[[], Any]) -> Any:
        """Runs ``fn`` on the store's thread outside any batch (imports, shutdown)."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn)

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self.queue:
                batch, self.queue = self.queue, []
                try:
                    results = await loop.run_in_executor(self.executor, self.store.run_batch, [s for s, _ in batch])
                except Exception as e:  # the commit itself failed: every request of the batch gets the error
                    results = [e] * len(batch)
                for (_, future), result in zip(batch, results):
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self.draining = False


class Kme:
    """The request handlers over one store."""

    def __init__(self, store: KeyStore):
        self.store = store
        self.limits = store.limits
        self.commits = GroupCommit(store)
        self.refused: Counter[str] = Counter()
        self.served_requests = 0

    def _link(self, caller: str, other: str):
        link = self.store.link_between(caller, other)
        if link is None:
            raise Etsi014Error(401, f"SAE {caller} shares no QKD link with SAE {other}",
                               [{"SAE_ID": caller}, {"SAE_ID": other}])
        return link

    async def _document(self, request: web.Request) -> dict:
        if request.method == "GET":
            return dict(request.query)
        try:
            doc = json.loads(await request.read() or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise Etsi014Error(400, "the request body is not JSON") from None
        return doc

    async def status(self, request: web.Request) -> web.Response:
        master = _caller(request)
        slave = request.match_info["sae"]

        def step():
            link = self._link(master, slave)
            return status_document(f"KME:{master}", f"KME:{slave}", master, slave,
                                   self.store.stored_key_count(link.name), self.limits)
        return web.json_response(await self.commits.run(step))

    async def enc_keys(self, request: web.Request) -> web.Response:
        master = _caller(request)
        slave = request.match_info["sae"]
        doc = await self._document(request)

        def step():
            link = self._link(master, slave)
            return self.store.get_keys(link.name, master, slave, parse_key_request(doc, self.limits))
        return web.json_response(key_container(await self.commits.run(step)))

    async def dec_keys(self, request: web.Request) -> web.Response:
        slave = _caller(request)
        master = request.match_info["sae"]
        if request.method == "GET":
            doc = {"key_IDs": [{"key_ID": k} for k in request.query.getall("key_ID", [])]}
        else:
            doc = await self._document(request)

        def step():
            self._link(slave, master)
            return self.store.get_keys_with_ids(master, slave, parse_key_ids(doc, self.limits))
        return web.json_response(key_container(await self.commits.run(step)))

    @web.middleware
    async def errors(self, request: web.Request, handler) -> web.StreamResponse:
        """Turns a refusal into the standard's Error document with its HTTP status."""
        try:
            response = await handler(request)
        except Etsi014Error as e:
            self.refused[str(e.status)] += 1
            return web.json_response(e.document(), status=e.status)
        except web.HTTPException as e:  # unknown path or method
            self.refused[str(e.status)] += 1
            return web.json_response({"message": e.reason}, status=e.status)
        self.served_requests += 1
        return response

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self.errors])
        app.add_routes([
            web.get("/api/v1/keys/{sae}/status", self.status),
            web.get("/api/v1/keys/{sae}/enc_keys", self.enc_keys),
            web.post("/api/v1/keys/{sae}/enc_keys", self.enc_keys),
            web.get("/api/v1/keys/{sae}/dec_keys", self.dec_keys),
            web.post("/api/v1/keys/{sae}/dec_keys", self.dec_keys),
        ])
        return app


async def run_kme(config: KmeConfig, ready=None, stop: asyncio.Event | None = None,
                  simulation: CoSimulation | None = None) -> None:
    """Serves until ``stop`` is set (or the task is cancelled); ``ready(port)`` is called once listening.
    A ``simulation`` (exporting to one of ``config.key_folders``) is started once the server listens and
    stopped with it."""
    if simulation:
        simulation.clear_key_dir()
    store = KeyStore(config.store, config.limits)
    kme = Kme(store)
    importer = Importer(store, config.key_paths, config.follow, config.pace, config.key_folders)
    try:
        await kme.commits.call(importer.poll)
        runner = web.AppRunner(kme.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, config.host, config.port,
                           ssl_context=server_ssl_context(config.ca, config.cert, config.key))
        await site.start()
    except BaseException:
        await kme.commits.call(store.close)
        raise
    port = runner.addresses[0][1]
    if ready:
        ready(port)
    stop = stop or asyncio.Event()
    try:
        if simulation:
            simulation.start()
        while not stop.is_set():
            if simulation:
                simulation.finished()
            if config.follow or any(importer.waiting.values()):
                await kme.commits.call(importer.poll)
            try:
                await asyncio.wait_for(stop.wait(), config.poll)
            except asyncio.TimeoutError:
                pass
    finally:
        if simulation:
            simulation.stop()
        await runner.cleanup()
        await kme.commits.call(store.close)
        kme.commits.executor.shutdown()
        print(f"KME stopped: {kme.served_requests} requests served, refused by status: {dict(kme.refused) or 0}",
              file=sys.stderr, flush=True)
