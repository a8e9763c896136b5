"""Keys handed to applications inside a simulation (ETSI GS QKD 014 and 004 in KeyManager), exported to key
files, and served from those files by the live KME."""

from __future__ import annotations

import asyncio
import base64
import time
from pathlib import Path

import pytest

from qcity import results
from qcity.kms.keyfile import KeyFileError, KeyFileReader, read_key_file
from qcity.sim.runner import execute_run

INI = Path(__file__).resolve().parent.parent / "omnetpp_models" / "scenarios" / "qkd_link" / "omnetpp.ini"


def _scalars(out: Path) -> dict[tuple[str, str], float]:
    sc = results.get_scalars(results.read_result_files(str(out)))
    return {(m.split(".", 1)[1], n): v for m, n, v in zip(sc.module, sc.name, sc.value)}


@pytest.fixture(scope="module")
def delivery(tmp_path_factory):
    out = tmp_path_factory.mktemp("delivery")
    cwd = Path.cwd()
    import os
    os.chdir(out)  # keyExportDir is relative to the run's working folder
    try:
        execute_run(INI, "KeyDelivery", 0, result_dir=str(out / "results"), sim_time_limit="3s")
    finally:
        os.chdir(cwd)
    return out, _scalars(out / "results")


def test_sessions_and_streams_take_their_keys_through_the_key_manager(delivery):
    _, s = delivery
    chunks = s[("streamSource", "streamKeys:count")]
    sessions = s[("keys", "keyAgreementDelay:count")] - chunks  # keys that reached both ends, less the chunks
    # QKD and hybrid sessions take a key; PQC sessions (before the first key, or the hook's choice) take none
    assert 0 < sessions <= s[("sessions", "sessionMode:count")] and chunks > 0
    # 014: master and slave are both served, one key each per session; 004: one chunk at each end
    assert s[("keys", "keysServed:sum")] == 2 * sessions + 2 * chunks
    assert s[("keys", "consumedBits:sum")] == 256 * sessions + 1024 * chunks
    assert s[("keys", "refusedUnauthorised:count")] == 0 and s[("keys", "refusedBadRequest:count")] == 0
    # the first GET_KEY comes before the first key block: refused for lack of key, asked again
    assert s[("keys", "refusedNoKey:count")] == s[("streamSource", "streamFailures:count")] * 2 > 0
    assert s[("keys", "poolEmptyTime:sum")] > 0


def test_both_ends_of_a_key_stream_get_the_same_bits(delivery):
    _, s = delivery
    assert s[("streamSource", "streamKeys:count")] == s[("streamDestination", "streamKeys:count")]
    assert s[("streamSource", "keyDigest:sum")] == s[("streamDestination", "keyDigest:sum")] > 0


def test_the_key_file_holds_every_block_the_store_took(delivery):
    out, s = delivery
    (path,) = (out / "keys" / "KeyDelivery-0").glob("*.keys")
    header, blocks = read_key_file(path)
    assert header.sae_ids == ("gateway", "controlCentre") and header.link == "KeyDelivery.keys"
    stored = s[("keys", "poolLevel:last")] + s[("keys", "consumedBits:sum")]
    assert sum(8 * len(b.key) for b in blocks) == pytest.approx(stored, abs=8 * len(blocks))
    assert [b.block for b in blocks] == sorted({b.block for b in blocks})


def test_the_live_kme_serves_the_keys_a_run_exported(delivery, tmp_path):
    pytest.importorskip("aiohttp", reason="the live KME needs aiohttp (pip install 'qcity[kme]')")
    from test_kme import KmeProcess

    from qcity.kms.certs import make_test_pki

    out, _ = delivery
    folder = out / "keys" / "KeyDelivery-0"
    make_test_pki(tmp_path / "certs", ["gateway", "controlCentre"])
    server = KmeProcess(tmp_path, [folder], tmp_path / "kme.db")
    try:
        enc, dec = asyncio.run(_round_trip(tmp_path / "certs", server.port, {"number": 4, "size": 256}))
    finally:
        server.stop()
    _, blocks = read_key_file(next(folder.glob("*.keys")))
    assert enc == dec
    # the first keys are the first bytes the run's link delivered
    assert base64.b64decode(enc["keys"][0]["key"]) == blocks[0].key[:32]


async def _round_trip(certs: Path, port: int, request: dict, wait_for_keys: int = 0) -> tuple[dict, dict]:
    """enc_keys as the gateway (master) with ``request``, then dec_keys as the control centre with the key IDs
    it got; with ``wait_for_keys``, first until the KME's status holds that many keys (up to a minute)."""
    import aiohttp

    from qcity.kms.server import client_ssl_context

    def session(sae: str) -> aiohttp.ClientSession:
        ssl = client_ssl_context(certs / "ca.pem", certs / f"{sae}.pem", certs / f"{sae}.key")
        return aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ssl))

    base = f"https://localhost:{port}/api/v1/keys"
    async with session("gateway") as master, session("controlCentre") as slave:
        for _ in range(600 if wait_for_keys else 0):
            async with master.get(f"{base}/controlCentre/status") as r:
                if r.status == 200 and (await r.json())["stored_key_count"] >= wait_for_keys:
                    break
            await asyncio.sleep(0.1)
        async with master.post(f"{base}/controlCentre/enc_keys", json=request) as r:
            enc = await r.json()
        ids = [{"key_ID": k["key_ID"]} for k in enc["keys"]]
        async with slave.post(f"{base}/gateway/dec_keys", json={"key_IDs": ids}) as r:
            dec = await r.json()
    return enc, dec


def test_a_bad_key_stream_qos_names_the_module(tmp_path):
    with pytest.raises(RuntimeError, match=r"OPEN_CONNECT.*status 7 \(QoS not met\).*KeyDelivery\.streamSource"):
        execute_run(INI, "KeyDelivery", 0, result_dir=str(tmp_path), sim_time_limit="1s",
                    overrides=["**.stream*.keyChunkBits=12b", f"**.keys.keyExportDir=\"{tmp_path}\""])


@pytest.mark.parametrize("text,line,message", [
    ('{"qcity_keys": 2, "link": "x", "sae_ids": ["a", "b"]}\n', 1, "version 1"),
    ('{"qcity_keys": 1, "link": "x", "sae_ids": ["a", "a"]}\n', 1, "two different SAEs"),
    ('{"qcity_keys": 1, "link": "x", "sae_ids": ["a", "b"]}\n{"block": 0, "time": 0, "bits": 8}\n', 2, "without 'key'"),
    ('{"qcity_keys": 1, "link": "x", "sae_ids": ["a", "b"]}\n{"block": 0, "time": 0, "bits": 16, "key": "ab"}\n', 2,
     "16 declared"),
    ('{"qcity_keys": 1, "link": "x", "sae_ids": ["a", "b"]}\n{"block": 1, "time": 0, "bits": 8, "key": "ab"}\n'
     '{"block": 1, "time": 0, "bits": 8, "key": "ab"}\n', 3, "blocks must increase"),
    ('{"qcity_keys": 1, "link": "x", "sae_ids": ["a", "b"]}\n{"block": 0, "time": -1, "bits": 8, "key": "ab"}\n', 2,
     "non-negative"),
    ('{"qcity_keys": 1, "link": "x", "sae_ids": ["a", "b"]}\n{"block": 0, "time": 0, "bits": 8, "ke', 2, "not a JSON"),
    ("", 1, "empty key file"),
])
def test_malformed_key_files_name_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "k.keys"
    path.write_text(text)
    with pytest.raises(KeyFileError, match=message) as e:
        read_key_file(path)
    assert e.value.file == str(path) and e.value.line == line


def test_a_last_line_without_line_end_is_complete_and_a_growing_file_is_read_whole_lines_only(tmp_path):
    path = tmp_path / "k.keys"
    head = '{"qcity_keys": 1, "link": "x", "sae_ids": ["a", "b"]}\n'
    path.write_text(head + '{"block": 0, "time": 0, "bits": 8, "key": "ab"}')
    assert [b.key for b in read_key_file(path)[1]] == [b"\xab"]
    reader = KeyFileReader(path, follow=True)
    assert list(reader.blocks()) == []  # the block line has no line end yet: still being written
    path.write_text(head + '{"block": 0, "time": 0, "bits": 8, "key": "ab"}\n{"block": 1, "ti')
    assert [b.block for b in reader.blocks()] == [0]
    with open(path, "a") as f:
        f.write('me": 1, "bits": 8, "key": "cd"}\n')
    assert [b.key for b in reader.blocks()] == [b"\xcd"]


def _wait_for_children(pid: int, timeout: float = 120) -> None:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if not children.exists():
        pytest.skip("this system does not list a process's children in /proc")
    deadline = time.monotonic() + timeout
    while children.read_text().strip() and time.monotonic() < deadline:
        time.sleep(0.1)


def test_the_live_kme_runs_a_simulation_itself_and_serves_its_keys_as_they_come(tmp_path):
    pytest.importorskip("aiohttp", reason="the live KME needs aiohttp (pip install 'qcity[kme]')")
    from test_kme import KmeProcess

    from qcity.kms.certs import make_test_pki

    c = tmp_path / "certs"
    make_test_pki(c, ["gateway", "controlCentre"])
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "old.keys").write_text("left by an earlier run\n")  # removed before the run starts, never read
    server = KmeProcess(tmp_path, [], tmp_path / "kme.db", "--simulate", str(INI), "-c", "KeyDelivery",
                        "--sim-time-limit", "2s", "--keys-dir", str(keys), cwd=tmp_path)

    try:
        # the run needs a few seconds to start and deliver its first blocks
        enc, dec = asyncio.run(_round_trip(c, server.port, {"number": 2}, wait_for_keys=2))
        _wait_for_children(server.proc.pid)  # the run ends, and the KME notices (it reaps the process)
    finally:
        log = server.stop()
    assert enc == dec and len(enc["keys"]) == 2, log
    assert "the simulation finished" in log
    assert not (keys / "old.keys").exists()
    (path,) = keys.glob("*.keys")
    _, blocks = read_key_file(path)
    assert base64.b64decode(enc["keys"][0]["key"]) == blocks[0].key[:32]  # the run's first key, served once


def test_a_key_file_rewritten_under_a_follower_is_an_error(tmp_path):
    path = tmp_path / "k.keys"
    head = '{"qcity_keys": 1, "link": "x", "sae_ids": ["a", "b"]}\n'
    path.write_text(head + '{"block": 0, "time": 0, "bits": 8, "key": "ab"}\n')
    reader = KeyFileReader(path, follow=True)
    assert [b.block for b in reader.blocks()] == [0]
    path.write_text(head)  # a new run started writing the same file
    with pytest.raises(KeyFileError, match="shrank") as e:
        list(reader.blocks())
    assert e.value.file == str(path)


def test_a_followed_folder_is_looked_at_again_for_new_key_files(tmp_path):
    pytest.importorskip("aiohttp", reason="the live KME needs aiohttp (pip install 'qcity[kme]')")
    from qcity.kms.server import Importer
    from qcity.kms.store import KeyStore

    store = KeyStore(tmp_path / "kme.db")
    folder = tmp_path / "keys"
    folder.mkdir()
    importer = Importer(store, [], follow=True, pace=None, folders=[folder])
    assert importer.poll() == 0
    (folder / "a.keys").write_text('{"qcity_keys": 1, "link": "x", "sae_ids": ["a", "b"]}\n'
                                   '{"block": 0, "time": 0, "bits": 16, "key": "abcd"}\n')
    assert importer.poll() == 2 and importer.poll() == 0
    store.close()


@pytest.mark.parametrize("args,message", [
    ([], "name the key files to serve, or a simulation"),
    (["--simulate", "nowhere.ini"], "nowhere.ini: no such ini file"),
])
def test_kme_serve_without_keys_or_with_a_missing_simulation_says_so(tmp_path, capsys, args, message):
    from qcity.cli import main
    from qcity.kms.certs import make_test_pki

    make_test_pki(tmp_path / "certs", ["a", "b"])
    assert main(["kme", "serve", "--certs", str(tmp_path / "certs"), *args]) == 1
    assert message in capsys.readouterr().err
