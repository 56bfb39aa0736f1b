"""A local CA and a server certificate for it, kept in the data dir.

Layout (``<data dir>/tls/``): ``ca.pem`` and ``ca-key.pem`` (the authority), ``server.pem`` and
``server-key.pem`` (what the listener presents), ``trust/ca.crt`` (a copy for ``skopeo --cert-dir``).
Keys are written 0600. The server certificate is re-issued, by the same CA, when a requested name is
missing from it or it expires within `_RENEW_BEFORE`; the CA is made once and kept, so clients that trust
it keep working.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = ["LocalAuthority", "TlsFiles"]

_CA_LIFETIME: Final = dt.timedelta(days=3650)
_SERVER_LIFETIME: Final = dt.timedelta(days=397)
_RENEW_BEFORE: Final = dt.timedelta(days=30)
_DEFAULT_NAMES: Final = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """Paths the listener and the clients need, and whether the CA was created just now."""

    ca_certificate: Path
    certificate: Path
    key: Path
    trust_dir: Path
    ca_created: bool


class LocalAuthority:
    """Creates and renews the local CA and server certificate under `directory`."""

    def __init__(self, directory: Path, now: dt.datetime | None = None) -> None:
        self._dir = directory
        self._now = now or dt.datetime.now(dt.UTC)

    def ensure(self, hostnames: Iterable[str] = ()) -> TlsFiles:
        """Make sure a valid server certificate covers the default names plus `hostnames`."""
        self._dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        ca_cert_path, ca_key_path = self._dir / "ca.pem", self._dir / "ca-key.pem"
        created = not (ca_cert_path.exists() and ca_key_path.exists())
        if created:
            ca_key = ec.generate_private_key(ec.SECP256R1())
            ca_cert = self._issue_ca(ca_key)
            _write(ca_key_path, _key_pem(ca_key), 0o600)
            _write(ca_cert_path, ca_cert.public_bytes(serialization.Encoding.PEM), 0o644)
        else:
            loaded = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
            if not isinstance(loaded, ec.EllipticCurvePrivateKey):
                raise TypeError(f"{ca_key_path} is not an EC private key")
            ca_key = loaded
            ca_cert = x509.load_pem_x509_certificate(ca_cert_path.read_bytes())
        names = tuple(dict.fromkeys((*_DEFAULT_NAMES, *hostnames)))
        cert_path, key_path = self._dir / "server.pem", self._dir / "server-key.pem"
        if created or not self._covers(cert_path, names):
            server_key = ec.generate_private_key(ec.SECP256R1())
            server_cert = self._issue_server(server_key, names, ca_key, ca_cert)
            _write(key_path, _key_pem(server_key), 0o600)
            _write(cert_path, server_cert.public_bytes(serialization.Encoding.PEM), 0o644)
        trust_dir = self._dir / "trust"
        trust_dir.mkdir(exist_ok=True)
        _write(trust_dir / "ca.crt", ca_cert_path.read_bytes(), 0o644)
        return TlsFiles(ca_cert_path, cert_path, key_path, trust_dir, created)

    def _covers(self, cert_path: Path, names: tuple[str, ...]) -> bool:
        if not cert_path.exists():
            return False
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if cert.not_valid_after_utc - self._now < _RENEW_BEFORE:
            return False
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        present = {str(v) for v in sans.get_values_for_type(x509.IPAddress)}
        present |= set(sans.get_values_for_type(x509.DNSName))
        return all(_normal(n) in present for n in names)

    def _issue_ca(self, key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Cerulean"),
                x509.NameAttribute(NameOID.COMMON_NAME, "Cerulean local CA"),
            ]
        )
        return (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self._now - dt.timedelta(minutes=5))
            .not_valid_after(self._now + _CA_LIFETIME)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )

    def _issue_server(
        self,
        key: ec.EllipticCurvePrivateKey,
        names: tuple[str, ...],
        ca_key: ec.EllipticCurvePrivateKey,
        ca_cert: x509.Certificate,
    ) -> x509.Certificate:
        alternatives: list[x509.GeneralName] = []
        for name in names:
            try:
                alternatives.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                alternatives.append(x509.DNSName(name))
        return (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self._now - dt.timedelta(minutes=5))
            .not_valid_after(self._now + _SERVER_LIFETIME)
            .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )


def _normal(name: str) -> str:
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write(path: Path, data: bytes, mode: int) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    temporary.replace(path)
