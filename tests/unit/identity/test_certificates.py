from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from cerulean.identity.certificates import parse_certificate, parse_der_certificate
from cerulean.identity.errors import IdentityError

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _certificate(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "unit")])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1000)
        .not_valid_before(NOW)
        .not_valid_after(NOW + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


def test_der_and_pem_give_the_same_certificate() -> None:
    certificate = _certificate(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    der = certificate.public_bytes(serialization.Encoding.DER)
    parsed = parse_der_certificate(der)
    assert parsed == parse_certificate(certificate.public_bytes(serialization.Encoding.PEM).decode())
    assert parsed.thumbprint_sha1 == hashlib.sha1(der, usedforsecurity=False).hexdigest().upper()
    assert (parsed.not_before, parsed.not_after) == (NOW, NOW + dt.timedelta(days=365))


@pytest.mark.parametrize(
    ("der", "reason"),
    [
        (b"not a certificate", "not a DER-encoded X.509 certificate"),
        (
            _certificate(ec.generate_private_key(ec.SECP256R1())).public_bytes(serialization.Encoding.DER),
            "only RSA certificates can sign client assertions",
        ),
    ],
)
def test_unusable_certificates_are_refused(der: bytes, reason: str) -> None:
    with pytest.raises(IdentityError, match=reason):
        parse_der_certificate(der)
