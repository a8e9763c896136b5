"""Hybrid security: consume-once key pools, trusted-node relay, QKD/PQC/hybrid session keys, AES-GCM, switching."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.asymmetric import mlkem

from qcity.crypto.keypool import KeyExhausted, KeyPool, relay
from qcity.crypto.session import MODES, TamperedMessage, initiate, open_sealed, respond, seal
from qcity.crypto.switching import AdaptiveSwitch


def _pair(material: bytes) -> tuple[KeyPool, KeyPool]:
    a, b = KeyPool(), KeyPool()
    a.add(material)
    b.add(material)
    return a, b


def test_no_key_byte_is_handed_out_twice():
    material = os.urandom(4096)
    pool = KeyPool()
    pool.add(material)
    taken = [pool.take(n) for n in (32, 100, 1, 2000, 1963)]
    assert b"".join(taken) == material  # in order, each byte exactly once
    assert pool.level == 0 and pool.consumed == 4096
    with pytest.raises(KeyExhausted):
        pool.take(1)
    assert bytes(pool._buffer[:4096]) == bytes(4096) or pool._offset == 0  # wiped or compacted away


def test_exhaustion_takes_nothing_and_capacity_drops_the_excess():
    pool = KeyPool(capacity=100)
    assert pool.add(os.urandom(150)) == 100 and pool.dropped == 50
    with pytest.raises(KeyExhausted):
        pool.take(101)
    assert pool.level == 100
    with pytest.raises(ValueError):
        pool.take(-1)


def test_trusted_node_relay_gives_both_ends_the_same_key():
    links = [_pair(os.urandom(256)) for _ in range(3)]  # A-B, B-C, C-D
    first, last, announcements = relay([a for a, _ in links], 32)
    assert first == last and len(announcements) == 2
    assert all(ann != first for ann in announcements)  # what crosses the network is padded
    with pytest.raises(KeyExhausted):
        relay([KeyPool(), links[0][0]], 32)
    assert links[0][0].level == 256 - 32  # a failed relay took nothing


@pytest.mark.parametrize("mode", MODES)
def test_both_ends_derive_the_same_session_key(mode):
    alice_pool, bob_pool = _pair(os.urandom(64))
    bob_private = mlkem.MLKEM768PrivateKey.generate()
    sk = initiate(mode, alice_pool, bob_private.public_key())
    assert respond(mode, bob_pool, bob_private, sk.kem_ciphertext) == sk.key
    assert len(sk.key) == 32
    assert len(sk.kem_ciphertext) == (0 if mode == "qkd" else 1088)  # ML-KEM-768 ciphertext size
    expected_left = 64 - (32 if mode in ("qkd", "hybrid") else 0)
    assert alice_pool.level == bob_pool.level == expected_left


def test_hybrid_key_depends_on_both_inputs():
    pools = [_pair(os.urandom(32)) for _ in range(2)]
    private = mlkem.MLKEM768PrivateKey.generate()
    k1 = initiate("hybrid", pools[0][0], private.public_key())
    k2 = initiate("hybrid", pools[1][0], private.public_key())
    assert k1.key != k2.key


def test_gcm_rejects_any_tampering():
    key = os.urandom(32)
    msg = seal(key, b"temperature=21.5", b"device-7")
    assert open_sealed(key, msg, b"device-7") == b"temperature=21.5"
    for i in (0, 12, len(msg) - 1):  # nonce, ciphertext, tag
        bad = bytearray(msg)
        bad[i] ^= 1
        with pytest.raises(TamperedMessage):
            open_sealed(key, bytes(bad), b"device-7")
    with pytest.raises(TamperedMessage):
        open_sealed(key, msg, b"device-8")  # wrong associated data
    with pytest.raises(TamperedMessage):
        open_sealed(key, msg[:20])


def test_switch_goes_to_pqc_under_eavesdropping_and_back_without_flapping():
    sw = AdaptiveSwitch(epsilon_min=0.3, hysteresis=0.2, smoothing=0.5)
    trace = [(t, 0.8, 0.01) for t in range(10)]  # clean
    trace += [(t, 0.05, 0.15) for t in range(10, 20)]  # eavesdropped: QBER 15 %
    trace += [(t, 0.8, 0.01) for t in range(20, 30)]  # cleared
    modes = [sw.decide(t, k, q) for t, k, q in trace]
    assert modes[9] == "qkd" and modes[10] == "pqc"  # the health check switches at once
    assert all(m == "pqc" for m in modes[10:20])
    assert modes[-1] == "qkd"
    assert [e.mode for e in sw.events] == ["qkd", "pqc", "qkd"]
    assert "QBER 0.150" in sw.events[1].cause
    # a rate hovering at the threshold does not make the mode flap
    sw2 = AdaptiveSwitch(epsilon_min=0.3, hysteresis=0.2)
    for t in range(50):
        sw2.decide(t, 0.31 if t % 2 else 0.33, 0.02)
    assert len(sw2.events) <= 1


@pytest.mark.parametrize("mode", ["pqc", "hybrid"])
def test_ml_kem_1024_keys_work_like_768(mode):
    private = mlkem.MLKEM1024PrivateKey.generate()
    pool_a, pool_b = KeyPool(), KeyPool()
    shared = os.urandom(64)
    pool_a.add(shared)
    pool_b.add(shared)
    sk = initiate(mode, pool_a, private.public_key())
    assert len(sk.kem_ciphertext) == 1568  # FIPS 203, ML-KEM-1024
    assert respond(mode, pool_b, private, sk.kem_ciphertext) == sk.key
