"""Certificate credentials made and changed by the unmodified Azure CLI, then used by it to sign in.

`az ad sp create-for-rbac --create-cert` writes a self-signed certificate and its key to `~/tmp*.pem` and
sends the certificate as a `keyCredential` in `POST /v1.0/applications`; `az login --service-principal
--certificate` signs a client assertion with it. `az ad app credential reset --cert` PATCHes the whole
`keyCredentials` collection (with `--append`, what it read plus the new one), and `credential delete --cert`
PATCHes the rest. The attacker-side twins: a replaced or deleted certificate no longer signs in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from support.azure_cli import Az, Cerulean
from support.client import push_image
from support.oci import Image, make_image

REPOSITORY = "certs/hello"
MANIFEST_TYPES = "application/vnd.oci.image.manifest.v1+json"


@pytest.fixture(scope="module")
def pushed(cerulean: Cerulean) -> Image:
    image = make_image()
    owner = (cerulean.record["clientId"], cerulean.record["clientSecret"])
    with cerulean.http(auth=owner) as http:
        push_image(http, REPOSITORY, image, "v1")
    return image


def _thumbprint(pem_file: str) -> str:
    certificate = x509.load_pem_x509_certificate(Path(pem_file).read_bytes())
    der = certificate.public_bytes(serialization.Encoding.DER)
    return hashlib.sha1(der, usedforsecurity=False).hexdigest().upper()


def _own_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate of the user's own (`--cert @file`) and the key+certificate PEM `az login` reads."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "own")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=90))
        .sign(key, hashes.SHA256())
    )
    public = certificate.public_bytes(serialization.Encoding.PEM)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (directory / "own.crt").write_bytes(public)
    (directory / "own.pem").write_bytes(private + public)
    return directory / "own.crt", directory / "own.pem"


def _login(cloud: Az, cerulean: Cerulean, config: Path, app_id: str, pem: str | Path) -> tuple[Az, Any]:
    """`az login --service-principal --certificate` in a configuration directory of its own."""
    user = cloud.fork(config)
    result = user.run(
        "login", "--service-principal", "--username", app_id, "--certificate", str(pem),
        "--tenant", cerulean.record["tenantId"],
    )  # fmt: skip
    return user, result


def _pulls(user: Az, cerulean: Cerulean, image: Image) -> bool:
    """The registry token az gets with its certificate, exchanged as `az acr login` does, pulls REPOSITORY:v1.

    (`az acr login -n` itself needs the registry's ARM resource, which AcrPull does not show: see
    test_acr_login_fallback.py for that path.)
    """
    token = user.ok("account", "get-access-token", "--scope", "https://containerregistry.azure.net/.default")
    with cerulean.http() as http:
        exchanged = http.post(
            "/oauth2/exchange",
            data={
                "grant_type": "access_token",
                "service": cerulean.record["loginServer"],
                "tenant": cerulean.record["tenantId"],
                "access_token": token["accessToken"],
            },
        )
        assert exchanged.status_code == 200, exchanged.text
        granted = http.post(
            "/oauth2/token",
            data={
                "grant_type": "refresh_token",
                "service": cerulean.record["loginServer"],
                "scope": f"repository:{REPOSITORY}:pull",
                "refresh_token": exchanged.json()["refresh_token"],
            },
        )
        assert granted.status_code == 200, granted.text
        headers = {"Authorization": f"Bearer {granted.json()['access_token']}", "Accept": MANIFEST_TYPES}
        manifest = http.get(f"/v2/{REPOSITORY}/manifests/v1", headers=headers)
    return manifest.status_code == 200 and manifest.content == image.manifest


def test_create_for_rbac_with_a_new_certificate_logs_in_with_it_and_pulls(
    az: Az, cloud: Az, cerulean: Cerulean, pushed: Image, tmp_path: Path
) -> None:
    name = f"rbac-cert-{uuid.uuid4().hex[:6]}"
    created = az.ok(
        "ad", "sp", "create-for-rbac", "--name", name, "--create-cert", "--role", "AcrPull",
        "--scopes", cerulean.registry_id,
    )  # fmt: skip
    app_id, pem = created["appId"], created["fileWithCertAndPrivateKey"]
    assert created["password"] is None  # a certificate instead of a password
    [shown] = az.ok("ad", "app", "credential", "list", "--id", app_id, "--cert")
    assert (shown["customKeyIdentifier"], shown["type"], shown["usage"], shown["key"]) == (
        _thumbprint(pem),
        "AsymmetricX509Cert",
        "Verify",
        None,
    )
    assert az.ok("ad", "app", "credential", "list", "--id", app_id) == []  # and no password

    user, login = _login(cloud, cerulean, tmp_path / "first", app_id, pem)
    assert login.returncode == 0, login.explain()
    assert [a["id"] for a in login.json()] == [cerulean.record["subscriptionId"]]
    assert _pulls(user, cerulean, pushed)

    # `credential reset --create-cert` replaces the collection: the first certificate signs in no more.
    reset = az.ok("ad", "app", "credential", "reset", "--id", app_id, "--create-cert")
    new_pem = reset["fileWithCertAndPrivateKey"]
    [replaced] = az.ok("ad", "app", "credential", "list", "--id", app_id, "--cert")
    assert replaced["customKeyIdentifier"] == _thumbprint(new_pem)
    _, stale = _login(cloud, cerulean, tmp_path / "stale", app_id, pem)
    assert stale.returncode != 0
    assert "AADSTS700027" in stale.errors
    renewed, login = _login(cloud, cerulean, tmp_path / "renewed", app_id, new_pem)
    assert login.returncode == 0, login.explain()
    assert _pulls(renewed, cerulean, pushed)


def test_certificates_appended_with_cert_file_and_deleted(
    az: Az, cloud: Az, cerulean: Cerulean, pushed: Image, tmp_path: Path
) -> None:
    own_public, own_combined = _own_certificate(tmp_path)
    name = f"rbac-own-cert-{uuid.uuid4().hex[:6]}"
    # `--cert @file`: the user's certificate, no private key sent or kept.
    created = az.ok(
        "ad", "sp", "create-for-rbac", "--name", name, "--cert", f"@{own_public}", "--role", "AcrPull",
        "--scopes", cerulean.registry_id,
    )  # fmt: skip
    app_id = created["appId"]
    assert "fileWithCertAndPrivateKey" not in created
    _, login = _login(cloud, cerulean, tmp_path / "own", app_id, own_combined)
    assert login.returncode == 0, login.explain()

    # `--append` writes back what it read (key null) with the new one: both sign in.
    appended = az.ok("ad", "app", "credential", "reset", "--id", app_id, "--create-cert", "--append")
    made = appended["fileWithCertAndPrivateKey"]
    listed = az.ok("ad", "app", "credential", "list", "--id", app_id, "--cert")
    assert sorted(c["customKeyIdentifier"] for c in listed) == sorted(
        [_thumbprint(str(own_public)), _thumbprint(made)]
    )
    user, login = _login(cloud, cerulean, tmp_path / "made", app_id, made)
    assert login.returncode == 0, login.explain()
    assert _pulls(user, cerulean, pushed)

    # `credential delete --cert`: the rest PATCHed back; the deleted certificate no longer signs in.
    own_key_id = next(c["keyId"] for c in listed if c["customKeyIdentifier"] == _thumbprint(str(own_public)))
    az.ok("ad", "app", "credential", "delete", "--id", app_id, "--key-id", own_key_id, "--cert")
    [left] = az.ok("ad", "app", "credential", "list", "--id", app_id, "--cert")
    assert left["customKeyIdentifier"] == _thumbprint(made)
    _, refused = _login(cloud, cerulean, tmp_path / "deleted", app_id, own_combined)
    assert refused.returncode != 0
    assert "AADSTS700027" in refused.errors
