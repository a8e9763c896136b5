"""Session keys and payload protection: QKD, post-quantum (ML-KEM), or both through HKDF; AES-256-GCM.

- QKD: 32 bytes from the link's key pool.
- PQC: ML-KEM-768 (FIPS 203) encapsulation to the peer's public key; the 32-byte
  shared secret is the key. ML-KEM-1024 keys work the same way (1568-byte ciphertext).
- hybrid: HKDF-SHA256 over the QKD key and the ML-KEM secret together, so the session
  key stays secret while either input does.
All primitives come from the `cryptography` package.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import mlkem
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .keypool import KeyPool

KEY_BYTES = 32
MODES = ("qkd", "pqc", "hybrid")


@dataclass(frozen=True)
class SessionKey:
    mode: str
    key: bytes  # 32 bytes, for AES-256-GCM
    kem_ciphertext: bytes = b""  # what the initiator sends the responder (PQC and hybrid)


def derive_hybrid(qkd_key: bytes, kem_secret: bytes, context: bytes = b"qcity hybrid session") -> bytes:
    """HKDF-SHA256 of both secrets (the QKD key first), 32 bytes out."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=context).derive(qkd_key + kem_secret)


def initiate(mode: str, pool: KeyPool | None, peer_public: mlkem.MLKEM768PublicKey | mlkem.MLKEM1024PublicKey | None) -> SessionKey:
    """The initiator's side: takes QKD key and/or encapsulates to the peer."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    qkd = pool.take(KEY_BYTES) if mode in ("qkd", "hybrid") else b""
    if mode == "qkd":
        return SessionKey(mode, qkd)
    if peer_public is None:
        raise ValueError(f"mode {mode} needs the peer's ML-KEM public key")
    secret, ciphertext = peer_public.encapsulate()
    return SessionKey(mode, derive_hybrid(qkd, secret) if mode == "hybrid" else secret, ciphertext)


def respond(mode: str, pool: KeyPool | None, own_private: mlkem.MLKEM768PrivateKey | mlkem.MLKEM1024PrivateKey | None, kem_ciphertext: bytes) -> bytes:
    """The responder's side: the same session key from its own pool copy and/or decapsulation."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    qkd = pool.take(KEY_BYTES) if mode in ("qkd", "hybrid") else b""
    if mode == "qkd":
        return qkd
    if own_private is None:
        raise ValueError(f"mode {mode} needs the responder's ML-KEM private key")
    secret = own_private.decapsulate(kem_ciphertext)
    return derive_hybrid(qkd, secret) if mode == "hybrid" else secret


class TamperedMessage(ValueError):
    """The ciphertext or its tag was modified: the message is rejected, never delivered."""


def seal(key: bytes, plaintext: bytes, associated: bytes = b"") -> bytes:
    """AES-256-GCM: a fresh 96-bit nonce, then ciphertext and 128-bit tag."""
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def open_sealed(key: bytes, message: bytes, associated: bytes = b"") -> bytes:
    """Decrypts and authenticates; raises TamperedMessage on any modification."""
    if len(message) < 12 + 16:
        raise TamperedMessage("message too short to hold a nonce and a tag")
    try:
        return AESGCM(key).decrypt(message[:12], message[12:], associated)
    except InvalidTag:
        raise TamperedMessage("authentication tag does not match: message rejected") from None
