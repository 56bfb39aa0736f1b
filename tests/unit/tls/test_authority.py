from __future__ import annotations

import datetime as dt
import ipaddress
import stat
from pathlib import Path

from cryptography import x509

from cerulean.tls import LocalAuthority


def sans(path: Path) -> set[str]:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(v) for v in names.get_values_for_type(x509.IPAddress)} | set(
        names.get_values_for_type(x509.DNSName)
    )


def test_first_start_creates_a_ca_and_a_server_certificate(tmp_path: Path) -> None:
    files = LocalAuthority(tmp_path).ensure(["registry.example"])
    assert files.ca_created
    assert sans(files.certificate) == {"localhost", "127.0.0.1", "::1", "registry.example"}
    assert stat.S_IMODE(files.key.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "ca-key.pem").stat().st_mode) == 0o600
    assert (files.trust_dir / "ca.crt").read_bytes() == files.ca_certificate.read_bytes()
    ca = x509.load_pem_x509_certificate(files.ca_certificate.read_bytes())
    leaf = x509.load_pem_x509_certificate(files.certificate.read_bytes())
    leaf.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_restart_keeps_the_ca_and_reissues_only_for_new_names(tmp_path: Path) -> None:
    first = LocalAuthority(tmp_path).ensure()
    ca_bytes, cert_bytes = first.ca_certificate.read_bytes(), first.certificate.read_bytes()
    again = LocalAuthority(tmp_path).ensure()
    assert not again.ca_created
    assert again.certificate.read_bytes() == cert_bytes
    more = LocalAuthority(tmp_path).ensure(["10.1.2.3"])
    assert more.ca_certificate.read_bytes() == ca_bytes
    assert more.certificate.read_bytes() != cert_bytes
    assert str(ipaddress.ip_address("10.1.2.3")) in sans(more.certificate)


def test_certificate_close_to_expiry_is_renewed(tmp_path: Path) -> None:
    files = LocalAuthority(tmp_path).ensure()
    before = files.certificate.read_bytes()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=380)
    assert LocalAuthority(tmp_path, now=later).ensure().certificate.read_bytes() != before
