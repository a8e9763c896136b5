"""ETSI GS QKD 014 v1.1.1: the documents a KME exchanges with SAEs, its limits, and its errors.

Pure functions over dicts; no I/O. The field names are the standard's (clause 6): Status,
Key request, Key container, Key IDs and Error. Sizes are in bits and must be multiples of 8.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..nedparams import Parameter


@dataclass(frozen=True)
class Limits:
    """What a KME promises in its Status document (ETSI 014, clause 6.1)."""

    key_size: int = 256             # bits of a key when a request names no size
    min_key_size: int = 64
    max_key_size: int = 8192
    max_key_per_request: int = 128
    max_key_count: int = 100_000    # keys of key_size the store holds per pair at most
    max_sae_id_count: int = 0       # additional slave SAEs per request: none (no multicast)

    def __post_init__(self) -> None:
        for name in ("key_size", "min_key_size", "max_key_size", "max_key_per_request", "max_key_count"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        for name in ("key_size", "min_key_size", "max_key_size"):
            if getattr(self, name) % 8:
                raise ValueError(f"{name} must be a multiple of 8 bits, got {getattr(self, name)}")
        if not self.min_key_size <= self.key_size <= self.max_key_size:
            raise ValueError(f"key_size {self.key_size} is outside [{self.min_key_size}, {self.max_key_size}]")


#: KeyManager.ned's (and KeyRelay.ned's) limits and the Limits fields that carry them: the live KME
#: promises what a simulated one does unless told otherwise (tests/test_ned_defaults.py)
PARAMETERS: tuple[Parameter, ...] = (
    Parameter("keySize", "", Limits, "key_size"),
    Parameter("minKeySize", "", Limits, "min_key_size"),
    Parameter("maxKeySize", "", Limits, "max_key_size"),
    Parameter("maxKeyPerRequest", "", Limits, "max_key_per_request"),
)


@dataclass
class Etsi014Error(Exception):
    """A request the KME refuses: the HTTP status and the standard's Error document."""

    status: int                 # 400 bad request, 401 unauthorised, 503 error on the KME's side
    message: str
    details: list[dict[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.status}: {self.message}"

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"message": self.message}
        if self.details:
            doc["details"] = self.details
        return doc


def bad_request(message: str, detail: str | None = None) -> Etsi014Error:
    return Etsi014Error(400, message, [{"parameter": detail}] if detail else [])


@dataclass(frozen=True)
class KeyRequest:
    """A master SAE's request for ``number`` keys of ``size`` bits each."""

    number: int
    size: int


def _int_field(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise bad_request(f"{name} must be an integer", name)
    if isinstance(value, str):
        value = value.strip()
        if not value.lstrip("-").isdigit():
            raise bad_request(f"{name} must be an integer, got {value!r}", name)
        return int(value)
    if not isinstance(value, int):
        raise bad_request(f"{name} must be an integer", name)
    return value


def parse_key_request(doc: Mapping[str, Any], limits: Limits) -> KeyRequest:
    """The Key request of a POST body or GET query (clause 6.2), checked against ``limits``."""
    if not isinstance(doc, Mapping):
        raise bad_request("the key request must be a JSON object")
    number = _int_field(doc.get("number", 1), "number")
    size = _int_field(doc.get("size", limits.key_size), "size")
    if number < 1:
        raise bad_request(f"number must be at least 1, got {number}", "number")
    if number > limits.max_key_per_request:
        raise bad_request(f"number {number} exceeds max_key_per_request {limits.max_key_per_request}", "number")
    if size % 8:
        raise bad_request(f"size must be a multiple of 8, got {size}", "size")
    if not limits.min_key_size <= size <= limits.max_key_size:
        raise bad_request(f"size {size} is outside [{limits.min_key_size}, {limits.max_key_size}]", "size")
    if doc.get("additional_slave_SAE_IDs"):
        raise bad_request("additional_slave_SAE_IDs is not supported (max_SAE_ID_count is 0)",
                          "additional_slave_SAE_IDs")
    if doc.get("extension_mandatory"):
        names = [next(iter(e), "?") if isinstance(e, Mapping) else str(e) for e in doc["extension_mandatory"]] \
            if isinstance(doc["extension_mandatory"], list) else ["?"]
        raise bad_request("not all extension_mandatory parameters are supported",
                          "extension_mandatory: " + ", ".join(map(str, names)))
    return KeyRequest(number, size)


def parse_key_ids(doc: Mapping[str, Any], limits: Limits) -> list[str]:
    """The key IDs of a Key IDs document (clause 6.4), in request order, without repeats."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("key_IDs"), list) or not doc["key_IDs"]:
        raise bad_request("the request must carry a non-empty key_IDs list", "key_IDs")
    ids: list[str] = []
    for entry in doc["key_IDs"]:
        key_id = entry.get("key_ID") if isinstance(entry, Mapping) else None
        if not isinstance(key_id, str) or not key_id:
            raise bad_request("every key_IDs entry needs a key_ID string", "key_IDs")
        if key_id in ids:
            raise bad_request(f"key_ID {key_id} is repeated", "key_IDs")
        ids.append(key_id)
    if len(ids) > limits.max_key_per_request:
        raise bad_request(f"{len(ids)} key IDs exceed max_key_per_request {limits.max_key_per_request}", "key_IDs")
    return ids


def status_document(source_kme: str, target_kme: str, master: str, slave: str, stored_key_count: int,
                    limits: Limits) -> dict[str, Any]:
    """The Status document (clause 6.1) of the pair master -> slave."""
    return {
        "source_KME_ID": source_kme,
        "target_KME_ID": target_kme,
        "master_SAE_ID": master,
        "slave_SAE_ID": slave,
        "key_size": limits.key_size,
        "stored_key_count": stored_key_count,
        "max_key_count": limits.max_key_count,
        "max_key_per_request": limits.max_key_per_request,
        "max_key_size": limits.max_key_size,
        "min_key_size": limits.min_key_size,
        "max_SAE_ID_count": limits.max_sae_id_count,
    }


def key_container(keys: list[tuple[str, bytes]]) -> dict[str, Any]:
    """The Key container (clause 6.3): key IDs with their keys in base64."""
    import base64
    return {"keys": [{"key_ID": key_id, "key": base64.b64encode(key).decode("ascii")} for key_id, key in keys]}
