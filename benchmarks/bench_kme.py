"""Live KME throughput and latency: keys/s and p50/p99 request latency at 1, 8 and 64 concurrent
SAE pairs, each master asking for one 256-bit key (enc_keys) and its slave fetching it (dec_keys),
over HTTPS with mutual TLS on loopback.

Beside it, in the same run: the same aiohttp server with the same TLS set-up answering every
request with a fixed key container and no store (the framework's ceiling), so the figure shows
what the durable store (one fsync'd SQLite transaction per request) costs.

    python benchmarks/bench_kme.py [--seconds 5] [--clients 1 8 64]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import aiohttp
import numpy as np

from qcity.kms.certs import file_stem, make_test_pki
from qcity.kms.keyfile import KeyBlock, KeyFileHeader, write_block, write_header
from qcity.kms.server import client_ssl_context, server_ssl_context

CC = "controlCentre"
GATEWAYS = [f"gateway[{i}]" for i in range(8)]


def reference_server(certs: Path) -> None:
    """aiohttp with the KME's TLS context, answering a fixed 256-bit key container: no store."""
    from aiohttp import web
    body = {"keys": [{"key_ID": "3f1c2a9e-0000-4000-8000-000000000000", "key": "A" * 43 + "="}]}

    async def handler(request):
        request.transport.get_extra_info("peercert")
        return web.json_response(body)

    async def main():
        app = web.Application()
        app.router.add_route("*", "/api/v1/keys/{sae}/{what}", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0,
                           ssl_context=server_ssl_context(certs / "ca.pem", certs / "kme.pem", certs / "kme.key"))
        await site.start()
        print(f"listening on https://127.0.0.1:{runner.addresses[0][1]}", file=sys.stderr, flush=True)
        await asyncio.Event().wait()
    asyncio.run(main())


def start(cmd: list[str]) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    line = proc.stderr.readline()
    port = re.search(r"https://[^:]+:(\d+)", line)
    if not port:
        raise RuntimeError(f"server did not start: {line}")
    return proc, int(port.group(1))


async def load(port: int, certs: Path, clients: int, seconds: float) -> tuple[int, list[float]]:
    """`clients` master/slave pairs in a closed loop for `seconds`: keys delivered (to both ends) and latencies."""
    latencies: list[float] = []
    keys = 0
    deadline = time.perf_counter() + seconds

    def sess(sae: str) -> aiohttp.ClientSession:
        ctx = client_ssl_context(certs / "ca.pem", certs / f"{file_stem(sae)}.pem", certs / f"{file_stem(sae)}.key")
        return aiohttp.ClientSession(f"https://localhost:{port}",
                                     connector=aiohttp.TCPConnector(ssl=ctx, limit=0))

    async def pair(gw: str, m: aiohttp.ClientSession, s: aiohttp.ClientSession) -> None:
        nonlocal keys
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            async with m.post(f"/api/v1/keys/{CC}/enc_keys", json={"number": 1}) as r:
                doc = await r.json()
                if r.status != 200:
                    raise RuntimeError(doc)
            t1 = time.perf_counter()
            async with s.post(f"/api/v1/keys/{quote(gw, safe='')}/dec_keys",
                              json={"key_IDs": [{"key_ID": doc["keys"][0]["key_ID"]}]}) as r:
                await r.json()
                if r.status != 200:
                    raise RuntimeError(await r.text())
            t2 = time.perf_counter()
            latencies.extend((t1 - t0, t2 - t1))
            keys += 1

    sessions = {sae: sess(sae) for sae in GATEWAYS + [CC]}
    try:
        await asyncio.gather(*(pair(GATEWAYS[i % len(GATEWAYS)], sessions[GATEWAYS[i % len(GATEWAYS)]], sessions[CC])
                               for i in range(clients)))
    finally:
        for s in sessions.values():
            await s.close()
    return keys, latencies


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 8, 64])
    ap.add_argument("--reference-server", metavar="CERTS", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reference_server:
        return reference_server(Path(args.reference_server))
    tmp = Path(tempfile.mkdtemp(prefix="kme-bench-"))
    certs = tmp / "certs"
    make_test_pki(certs, GATEWAYS + [CC])
    files = []
    for gw in GATEWAYS:  # 8 MiB of key per link: more than any run below takes
        path = tmp / f"{file_stem(gw)}.keys"
        with open(path, "w") as f:
            write_header(f, KeyFileHeader(f"Bench.{gw}.keys", (gw, CC)))
            for i in range(256):
                write_block(f, KeyBlock(i, float(i), os.urandom(32768)))
        files.append(str(path))
    kme, kme_port = start([sys.executable, "-m", "qcity.cli", "kme", "serve", *files, "--certs", str(certs),
                           "--port", "0", "--store", str(tmp / "kme.db")])
    ref, ref_port = start([sys.executable, __file__, "--reference-server", str(certs)])
    print(f"live KME, ETSI 014 over HTTPS + mutual TLS on loopback ({platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, aiohttp {aiohttp.__version__}); client and server share the cores")
    print("| concurrent SAE pairs | server | keys/s (both ends served) | request p50 (ms) | request p99 (ms) |")
    print("|---|---|---|---|---|")
    try:
        for clients in args.clients:
            for name, port in (("qcity kme serve", kme_port), ("aiohttp, fixed reply, no store", ref_port)):
                t0 = time.perf_counter()
                keys, lat = asyncio.run(load(port, certs, clients, args.seconds))
                elapsed = time.perf_counter() - t0
                ms = np.array(lat) * 1e3
                print(f"| {clients} | {name} | {keys / elapsed:.0f} | {np.percentile(ms, 50):.2f} | "
                      f"{np.percentile(ms, 99):.2f} |", flush=True)
    finally:
        for p in (kme, ref):
            p.terminate()
            p.wait()


if __name__ == "__main__":
    main()
