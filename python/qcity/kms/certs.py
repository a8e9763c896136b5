"""A test certificate authority for the live KME: the KME's server certificate and one client
certificate per SAE, whose common name is the SAE ID (that is how the KME knows who asks).

For tests and trials on one machine; a deployment uses its own PKI.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_VALID_DAYS = 365


@dataclass(frozen=True)
class CertPaths:
    cert: Path
    key: Path


def file_stem(sae_id: str) -> str:
    """A file-name-safe form of an SAE ID (``gateway[3]`` -> ``gateway_3_``)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", sae_id)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "qcity test PKI"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(folder: Path, stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> CertPaths:
    paths = CertPaths(folder / f"{stem}.pem", folder / f"{stem}.key")
    paths.key.touch(mode=0o600)
    paths.key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return paths


def _issue(subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name, issuer_key, *, ca: bool,
           server_names: list[str] = (), client: bool = False) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=_VALID_DAYS))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                                      key_encipherment=False, data_encipherment=False,
                                                      key_agreement=False, key_cert_sign=True, crl_sign=True,
                                                      encipher_only=False, decipher_only=False), critical=True)
    if server_names:
        alt: list[x509.GeneralName] = []
        for n in server_names:
            try:
                alt.append(x509.IPAddress(ipaddress.ip_address(n)))
            except ValueError:
                alt.append(x509.DNSName(n))
        builder = builder.add_extension(x509.SubjectAlternativeName(alt), critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    if client:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def make_test_pki(folder: str | Path, sae_ids: list[str],
                  server_names: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")) -> dict[str, CertPaths]:
    """Writes ``ca.pem``, ``kme.pem``/``kme.key`` and ``<sae>.pem``/``<sae>.key`` for every SAE into ``folder``.

    An existing CA in the folder is reused, so SAEs can be added later. Returns the paths by name
    (``"ca"``, ``"kme"`` and each SAE ID)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stems = {sae: file_stem(sae) for sae in sae_ids}
    clash = {s for s in stems.values() if list(stems.values()).count(s) > 1} | (set(stems.values()) & {"ca", "kme"})
    if clash:
        raise ValueError(f"SAE IDs map to the same file names: {sorted(clash)}")
    ca_paths = CertPaths(folder / "ca.pem", folder / "ca.key")
    if ca_paths.cert.exists() and ca_paths.key.exists():
        ca_cert = x509.load_pem_x509_certificate(ca_paths.cert.read_bytes())
        ca_key = serialization.load_pem_private_key(ca_paths.key.read_bytes(), password=None)
    else:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_cert = _issue("qcity test CA", ca_key, _name("qcity test CA"), ca_key, ca=True)
        ca_paths = _write(folder, "ca", ca_cert, ca_key)
    out = {"ca": ca_paths}
    kme_key = ec.generate_private_key(ec.SECP256R1())
    out["kme"] = _write(folder, "kme", _issue("qcity KME", kme_key, ca_cert.subject, ca_key, ca=False,
                                              server_names=list(server_names)), kme_key)
    for sae, stem in stems.items():
        key = ec.generate_private_key(ec.SECP256R1())
        out[sae] = _write(folder, stem, _issue(sae, key, ca_cert.subject, ca_key, ca=False, client=True), key)
    return out
