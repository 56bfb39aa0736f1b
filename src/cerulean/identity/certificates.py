"""X.509 certificates registered on applications: parsing, thumbprints, and signature verification."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from cerulean.identity.encoding import b64url_decode
from cerulean.identity.errors import IdentityError

if TYPE_CHECKING:
    import datetime as dt

__all__ = [
    "ParsedCertificate",
    "parse_certificate",
    "parse_der_certificate",
    "thumbprint_from_header",
    "verify_rsa_signature",
]


@dataclass(frozen=True, slots=True)
class ParsedCertificate:
    """What the directory keeps about a certificate."""

    pem: str
    thumbprint_sha1: str
    thumbprint_sha256: str
    not_before: dt.datetime
    not_after: dt.datetime


def parse_certificate(pem: str) -> ParsedCertificate:
    """Parse the first certificate of a PEM (an RSA public key only); `IdentityError` if unusable."""
    try:
        certificate = x509.load_pem_x509_certificate(pem.encode())
    except ValueError as exc:
        raise IdentityError("not a PEM-encoded X.509 certificate") from exc
    return _parsed(certificate)


def parse_der_certificate(der: bytes) -> ParsedCertificate:
    """Parse a DER certificate, as Graph's `keyCredential.key` carries it; `IdentityError` if unusable."""
    try:
        certificate = x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise IdentityError("not a DER-encoded X.509 certificate") from exc
    return _parsed(certificate)


def _parsed(certificate: x509.Certificate) -> ParsedCertificate:
    # Client assertions are RS256 or PS256 (assertions.py), so any other key could never sign in.
    try:
        public_key = certificate.public_key()
    except ValueError as exc:  # an unknown or malformed key algorithm
        raise IdentityError("the certificate's public key cannot be read") from exc
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise IdentityError("only RSA certificates can sign client assertions")
    der = certificate.public_bytes(serialization.Encoding.DER)
    return ParsedCertificate(
        pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        thumbprint_sha1=hashlib.sha1(der, usedforsecurity=False).hexdigest().upper(),
        thumbprint_sha256=hashlib.sha256(der).hexdigest().upper(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


def thumbprint_from_header(value: str) -> str:
    """An `x5t` / `x5t#S256` header (base64url, padded or not) as upper-case hex; '' if malformed."""
    try:
        raw = b64url_decode(value)
    except ValueError:
        return ""
    return raw.hex().upper()


def verify_rsa_signature(pem: str, algorithm: str, signing_input: bytes, signature: bytes) -> bool:
    """Check an RS256 or PS256 signature with the certificate's public key."""
    public_key = x509.load_pem_x509_certificate(pem.encode()).public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        return False
    if algorithm == "RS256":
        scheme: padding.AsymmetricPadding = padding.PKCS1v15()
    elif algorithm == "PS256":
        scheme = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO)
    else:
        return False
    try:
        public_key.verify(signature, signing_input, scheme, hashes.SHA256())
    except InvalidSignature:
        return False
    return True
