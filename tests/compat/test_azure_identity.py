"""The real azure-identity credentials against Cerulean's identity provider (TLS, loopback only)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import ssl
import time
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import (
    CertificateCredential,
    ClientSecretCredential,
    DeviceCodeCredential,
    EnvironmentCredential,
    ManagedIdentityCredential,
    UsernamePasswordCredential,
    WorkloadIdentityCredential,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from joserfc import jwt
from joserfc.jwk import RSAKey

from cerulean.tls import LocalAuthority
from support.identity import FakeIssuer, HttpsIssuerServer, ad, bootstrap, verified_claims
from support.server import RunningServer, start_server

pytestmark = pytest.mark.client

REGISTRY = "https://containerregistry.azure.net/.default"
CLI_ARM = "https://management.core.windows.net//.default"
PUBLIC_CLIENT = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"  # the Azure CLI's client id, as a public client
PASSWORD = "correct horse battery staple"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass
class Idp:
    """The server under test and what the tests need to reach it."""

    server: RunningServer
    url: str
    tenant: str
    client_id: str
    client_secret: str
    ca: str
    managed_identity_url: str
    offline: FakeIssuer
    online: FakeIssuer
    alice: dict[str, Any]

    @property
    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca)

    def token_url(self, tenant: str | None = None) -> str:
        return f"{self.url}/{tenant or self.tenant}/oauth2/v2.0/token"

    def post_token(self, form: dict[str, str], tenant: str | None = None) -> httpx.Response:
        return httpx.post(self.token_url(tenant), data=form, verify=self.tls, timeout=30)


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Idp]:
    """A TLS server with a managed identity listener, two federated issuers and a user."""
    work = tmp_path_factory.mktemp("idp")
    offline = FakeIssuer("https://offline-issuer.example")
    jwks_file = work / "offline-jwks.json"
    jwks_file.write_text(json.dumps(offline.jwks()))
    issuer_tls = LocalAuthority(work / "issuer-tls").ensure(["127.0.0.1"])
    online = FakeIssuer("")
    https_issuer = HttpsIssuerServer(online, issuer_tls.certificate, issuer_tls.key)
    env = {
        "CERULEAN_DEVICE_CODE_INTERVAL": "1",
        "CERULEAN_FEDERATION_JWKS": json.dumps({offline.issuer: str(jwks_file)}),
        "CERULEAN_FEDERATION_CA_BUNDLE": str(issuer_tls.ca_certificate),
        "CERULEAN_SIGNIN_FAILURES_PER_ADDRESS": "100000",
    }
    server = start_server(
        work / "data", extra_args=("--tls", "auto", "--identity-listen", "127.0.0.1:0"), env=env
    )
    try:
        found = next(
            m for line in server.output if (m := re.search(r"managed identity at (http://\S+)", line))
        )
        record = bootstrap(server)
        alice = ad(
            server, "user-create", "alice@cerulean.test", "--display-name", "Alice", stdin=PASSWORD + "\n"
        )
        yield Idp(
            server,
            server.url,
            record["tenantId"],
            record["clientId"],
            record["clientSecret"],
            record["caBundle"],
            found.group(1),
            offline,
            online,
            alice,
        )
    finally:
        https_issuer.close()
        assert server.stop() == 0, "\n".join(server.output)


@pytest.fixture(autouse=True)
def trust(idp: Idp, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CA trusted as the reference says users trust it."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", idp.ca)
    monkeypatch.setenv("SSL_CERT_FILE", idp.ca)
    for name in (
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_TENANT_ID",
        "AZURE_AUTHORITY_HOST",
        "IDENTITY_ENDPOINT",
        "IDENTITY_HEADER",
        "MSI_ENDPOINT",
        "MSI_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)


def _claims(idp: Idp, token: str) -> dict[str, Any]:
    return verified_claims(idp.server, token, idp.tenant, verify=idp.tls)


def _app(idp: Idp, name: str) -> dict[str, Any]:
    return ad(idp.server, "app", "create", name)


def _secret(idp: Idp, app_id: str, *extra: str) -> dict[str, Any]:
    return ad(idp.server, "app", "add-secret", app_id, *extra)


def _secret_credential(
    idp: Idp, client_id: str, secret: str, tenant: str | None = None
) -> ClientSecretCredential:
    return ClientSecretCredential(
        tenant or idp.tenant, client_id, secret, authority=idp.url, disable_instance_discovery=True
    )


# -- client secret ------------------------------------------------------------------------------------


def test_client_secret_credential_gets_registry_and_arm_tokens(idp: Idp) -> None:
    credential = _secret_credential(idp, idp.client_id, idp.client_secret)
    before = time.time()
    token = credential.get_token(REGISTRY)
    after = time.time()
    claims = _claims(idp, token.token)
    assert claims["aud"] == "https://containerregistry.azure.net"
    assert claims["iss"] == f"{idp.url}/{idp.tenant}/v2.0"
    assert (claims["tid"], claims["appid"], claims["idtyp"], claims["appidacr"]) == (
        idp.tenant,
        idp.client_id,
        "app",
        "1",
    )
    assert claims["exp"] - claims["iat"] == 3600
    # MSAL stamps expires_on from its own clock around the request, so it lies within the request's window.
    assert int(before) + 3600 - 1 <= token.expires_on <= int(after) + 3600 + 1
    assert int(before) - 1 <= claims["iat"] <= int(after) + 1
    arm = _claims(idp, credential.get_token(CLI_ARM).token)
    assert arm["aud"] == "https://management.core.windows.net/"
    assert arm["oid"] == claims["oid"]
    assert _claims(idp, credential.get_token("https://management.azure.com/.default").token)["aud"] == (
        "https://management.azure.com"
    )


def test_environment_credential(idp: Idp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_TENANT_ID", idp.tenant)
    monkeypatch.setenv("AZURE_CLIENT_ID", idp.client_id)
    monkeypatch.setenv("AZURE_CLIENT_SECRET", idp.client_secret)
    monkeypatch.setenv("AZURE_AUTHORITY_HOST", idp.url)
    claims = _claims(idp, EnvironmentCredential(disable_instance_discovery=True).get_token(REGISTRY).token)
    assert (claims["appid"], claims["tid"]) == (idp.client_id, idp.tenant)


def _altered(secret: str) -> str:
    """The same secret but for its last character (so the 3-character hint still matches)."""
    return secret[:-1] + ("x" if secret[-1] != "x" else "y")


def _refused(credential: Any, code: str, scope: str = REGISTRY) -> None:
    with pytest.raises(ClientAuthenticationError, match=code):
        credential.get_token(scope)


def test_wrong_secret_is_refused(idp: Idp) -> None:
    _refused(_secret_credential(idp, idp.client_id, _altered(idp.client_secret)), "AADSTS7000215")


def test_expired_secret_is_refused(idp: Idp) -> None:
    app = _app(idp, "expiring")
    secret = _secret(idp, app["appId"], "--lifetime-seconds", "1")
    time.sleep(1.5)
    _refused(_secret_credential(idp, app["appId"], secret["secretText"]), "AADSTS7000222")


def test_revoked_secret_is_refused(idp: Idp) -> None:
    app = _app(idp, "revoking")
    secret = _secret(idp, app["appId"])
    assert _secret_credential(idp, app["appId"], secret["secretText"]).get_token(REGISTRY).token
    ad(idp.server, "app", "remove-secret", app["appId"], secret["keyId"])
    _refused(_secret_credential(idp, app["appId"], secret["secretText"]), "AADSTS7000215")


def test_unknown_client_is_refused(idp: Idp) -> None:
    _refused(_secret_credential(idp, str(uuid.uuid4()), idp.client_secret), "AADSTS700016")


def test_client_of_another_tenant_is_refused(idp: Idp) -> None:
    other = ad(idp.server, "tenant-create", "Other", "--domain", "other.example")
    _refused(_secret_credential(idp, idp.client_id, idp.client_secret, other["tenantId"]), "AADSTS700016")


def test_unknown_tenant_is_refused_at_discovery(idp: Idp) -> None:
    response = httpx.get(f"{idp.url}/{uuid.uuid4()}/v2.0/.well-known/openid-configuration", verify=idp.tls)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_tenant"
    assert response.json()["error_codes"] == [90002]
    with pytest.raises(ClientAuthenticationError):
        _secret_credential(idp, idp.client_id, idp.client_secret, str(uuid.uuid4())).get_token(REGISTRY)


def test_refusals_issue_nothing_and_are_recorded(idp: Idp) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": idp.client_id,
        "client_secret": "nope" * 10,
        "scope": REGISTRY,
    }
    response = idp.post_token(form)
    assert response.status_code == 401
    body = response.json()
    assert "access_token" not in body
    assert body["error"] == "invalid_client"
    assert body["error_description"].startswith("AADSTS7000215: ")
    assert body["correlation_id"] == response.headers["x-ms-correlation-request-id"]
    assert "nope" not in response.text
    good = idp.post_token({**form, "client_secret": idp.client_secret})
    assert good.status_code == 200
    deadline = time.monotonic() + 10  # records are written in batches, a fraction of a second apart
    while True:
        recent = ad(idp.server, "signins", "--limit", "50")
        refused = next((s for s in recent if s["result"] == "failure" and s["errorCode"] == 7000215), None)
        allowed = [s for s in recent if s["result"] == "success" and s["clientId"] == idp.client_id]
        if (refused is not None and allowed) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert refused is not None
    assert refused["clientId"] == idp.client_id
    assert refused["ipAddress"] == "127.0.0.1"
    assert allowed[0]["identityType"] == "ServicePrincipal"


def test_unknown_resource_and_bad_requests(idp: Idp) -> None:
    base = {
        "grant_type": "client_credentials",
        "client_id": idp.client_id,
        "client_secret": idp.client_secret,
    }
    unknown = idp.post_token({**base, "scope": "https://vault.example/.default"})
    assert (unknown.status_code, unknown.json()["error_codes"]) == (400, [500011])
    missing = idp.post_token({"grant_type": "client_credentials", "client_id": idp.client_id})
    assert missing.json()["error_codes"] == [900144]
    unsupported = idp.post_token({"grant_type": "authorization_code", "client_id": idp.client_id})
    assert (unsupported.json()["error"], unsupported.json()["error_codes"]) == (
        "unsupported_grant_type",
        [70003],
    )
    wrong_type = httpx.post(idp.token_url(), json=base, verify=idp.tls)
    assert wrong_type.status_code == 400
    assert wrong_type.json()["error"] == "invalid_request"


def test_failed_sign_ins_are_throttled_per_client(idp: Idp) -> None:
    app = _app(idp, "throttled")
    secret = _secret(idp, app["appId"])
    form = {"grant_type": "client_credentials", "client_id": app["appId"], "scope": REGISTRY}
    for _ in range(10):
        assert idp.post_token({**form, "client_secret": "wrong-secret-value"}).status_code == 401
    blocked = idp.post_token({**form, "client_secret": secret["secretText"]})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) >= 1
    assert "access_token" not in blocked.json()
    assert blocked.json()["error_codes"] == [90055]


# -- certificates -------------------------------------------------------------------------------------


def _certificate(work: Path, name: str) -> tuple[Path, Path, rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    public = certificate.public_bytes(serialization.Encoding.PEM)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (work / f"{name}.crt").write_bytes(public)
    (work / f"{name}.pem").write_bytes(private + public)
    return work / f"{name}.crt", work / f"{name}.pem", key, certificate


@pytest.fixture(scope="module")
def cert_app(idp: Idp, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("certs")
    public, combined, key, certificate = _certificate(work, "certapp")
    app = _app(idp, "certapp")
    added = ad(idp.server, "app", "add-certificate", app["appId"], str(public))
    return {**app, **added, "combined": combined, "key": key, "certificate": certificate}


def test_certificate_credential(idp: Idp, cert_app: dict[str, Any]) -> None:
    credential = CertificateCredential(
        idp.tenant,
        cert_app["appId"],
        certificate_path=str(cert_app["combined"]),
        authority=idp.url,
        disable_instance_discovery=True,
    )
    claims = _claims(idp, credential.get_token(REGISTRY).token)
    assert (claims["appid"], claims["oid"], claims["appidacr"]) == (
        cert_app["appId"],
        cert_app["servicePrincipalId"],
        "2",
    )


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def _assertion(
    idp: Idp,
    app: dict[str, Any],
    *,
    key: Any = None,
    audience: str | None = None,
    lifetime: float = 600,
    algorithm: str = "RS256",
) -> str:
    certificate: x509.Certificate = app["certificate"]
    der = certificate.public_bytes(serialization.Encoding.DER)
    header: dict[str, Any] = {"alg": algorithm, "typ": "JWT"}
    if algorithm == "RS256":
        header["x5t"] = _b64(hashlib.sha1(der).digest())  # noqa: S324 - x5t is SHA-1 by definition; padded, as MSAL
    else:
        header["x5t#S256"] = _b64(hashlib.sha256(der).digest()).rstrip("=")
    now = time.time()
    claims = {
        "aud": audience or idp.token_url(),
        "iss": app["appId"],
        "sub": app["appId"],
        "jti": uuid.uuid4().hex,
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
    }
    pem = (key or app["key"]).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return jwt.encode(header, claims, RSAKey.import_key(pem), algorithms=[algorithm])


def _assertion_form(app: dict[str, Any], assertion: str) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": app["appId"],
        "scope": REGISTRY,
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": assertion,
    }


def test_ps256_assertion_with_sha256_thumbprint(idp: Idp, cert_app: dict[str, Any]) -> None:
    response = idp.post_token(_assertion_form(cert_app, _assertion(idp, cert_app, algorithm="PS256")))
    assert response.status_code == 200, response.text
    assert _claims(idp, response.json()["access_token"])["appid"] == cert_app["appId"]


@pytest.mark.parametrize(
    ("case", "code"),
    [("tampered", 700027), ("expired", 700024), ("other-audience", 50013), ("other-key", 700027)],
)
def test_bad_assertions_are_refused(idp: Idp, cert_app: dict[str, Any], case: str, code: int) -> None:
    if case == "tampered":
        head, body, signature = _assertion(idp, cert_app).split(".")
        claims = json.loads(base64.urlsafe_b64decode(body + "=="))
        claims["exp"] += 86400
        forged = _b64(json.dumps(claims).encode()).rstrip("=")
        assertion = f"{head}.{forged}.{signature}"
    elif case == "expired":
        assertion = _assertion(idp, cert_app, lifetime=-900)
    elif case == "other-audience":
        assertion = _assertion(idp, cert_app, audience="https://login.example/tenant/oauth2/v2.0/token")
    else:
        assertion = _assertion(
            idp, cert_app, key=rsa.generate_private_key(public_exponent=65537, key_size=2048)
        )
    response = idp.post_token(_assertion_form(cert_app, assertion))
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "invalid_client"
    assert response.json()["error_codes"] == [code]
    assert "access_token" not in response.json()


# -- managed identities -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workload(idp: Idp) -> dict[str, Any]:
    uami = ad(idp.server, "identity-create", "uami-one")
    created = ad(idp.server, "workload-create", "webapp", "--user-assigned", uami["id"])
    return {**created, "uami": uami}


def test_managed_identity_system_and_user_assigned(
    idp: Idp, workload: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IDENTITY_ENDPOINT", idp.managed_identity_url)
    monkeypatch.setenv("IDENTITY_HEADER", workload["identityHeader"])
    system = _claims(idp, ManagedIdentityCredential().get_token(REGISTRY).token)
    assert system["oid"] == workload["systemAssigned"]["principalId"]
    assert system["appid"] == workload["systemAssigned"]["clientId"]
    assert system["xms_mirid"] == workload["resourceId"]
    assert system["aud"] == "https://containerregistry.azure.net"
    uami = workload["uami"]
    user = _claims(idp, ManagedIdentityCredential(client_id=uami["clientId"]).get_token(CLI_ARM).token)
    assert (user["oid"], user["xms_mirid"], user["aud"]) == (
        uami["principalId"],
        uami["id"],
        "https://management.core.windows.net/",
    )


def test_managed_identity_refusals(
    idp: Idp, workload: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    query = {"api-version": "2019-08-01", "resource": "https://containerregistry.azure.net"}
    no_header = httpx.get(idp.managed_identity_url, params=query)
    assert no_header.status_code == 400
    assert "access_token" not in no_header.json()
    wrong = httpx.get(
        idp.managed_identity_url,
        params=query,
        headers={"X-IDENTITY-HEADER": workload["workloadId"] + ".forged"},
    )
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    other_identity = httpx.get(
        idp.managed_identity_url,
        params={**query, "client_id": str(uuid.uuid4())},
        headers={"X-IDENTITY-HEADER": workload["identityHeader"]},
    )
    assert other_identity.status_code == 400
    imds = idp.managed_identity_url.replace("/msi/token", "/metadata/identity/oauth2/token")
    assert (
        httpx.get(imds, params=query, headers={"X-IDENTITY-HEADER": workload["identityHeader"]}).status_code
        == 400
    )
    served = httpx.get(
        imds, params=query, headers={"Metadata": "true", "X-IDENTITY-HEADER": workload["identityHeader"]}
    )
    assert served.status_code == 200
    assert set(served.json()) >= {"access_token", "expires_in", "expires_on", "resource", "token_type"}
    monkeypatch.setenv("IDENTITY_ENDPOINT", idp.managed_identity_url)
    monkeypatch.setenv("IDENTITY_HEADER", workload["workloadId"] + ".forged")
    with pytest.raises(ClientAuthenticationError):
        ManagedIdentityCredential().get_token(REGISTRY)


# -- workload identity federation ---------------------------------------------------------------------

SUBJECT = "system:serviceaccount:builds:pusher"


@pytest.fixture(scope="module")
def federated_app(idp: Idp) -> dict[str, Any]:
    app = _app(idp, "federated")
    ad(
        idp.server,
        "federated-add",
        app["appId"],
        "--name",
        "offline",
        "--issuer",
        idp.offline.issuer,
        "--subject",
        SUBJECT,
    )
    ad(
        idp.server,
        "federated-add",
        app["appId"],
        "--name",
        "online",
        "--issuer",
        idp.online.issuer,
        "--subject",
        SUBJECT,
    )
    return app


def _workload_credential(idp: Idp, client_id: str, token: str, path: Path) -> WorkloadIdentityCredential:
    path.write_text(token)
    return WorkloadIdentityCredential(
        tenant_id=idp.tenant, client_id=client_id, token_file_path=str(path), authority=idp.url
    )


@pytest.mark.parametrize("which", ["offline", "online"])
def test_workload_identity_credential(
    idp: Idp, federated_app: dict[str, Any], tmp_path: Path, which: str
) -> None:
    issuer = idp.offline if which == "offline" else idp.online
    credential = _workload_credential(idp, federated_app["appId"], issuer.mint(SUBJECT), tmp_path / "token")
    claims = _claims(idp, credential.get_token(REGISTRY).token)
    assert (claims["oid"], claims["appid"], claims["appidacr"]) == (
        federated_app["servicePrincipalId"],
        federated_app["appId"],
        "2",
    )


def test_workload_identity_for_a_user_assigned_identity(idp: Idp, tmp_path: Path) -> None:
    uami = ad(idp.server, "identity-create", "uami-federated")
    ad(
        idp.server,
        "federated-add",
        uami["clientId"],
        "--name",
        "ci-runner",
        "--issuer",
        idp.offline.issuer,
        "--subject",
        SUBJECT,
    )
    credential = _workload_credential(idp, uami["clientId"], idp.offline.mint(SUBJECT), tmp_path / "token")
    claims = _claims(idp, credential.get_token(REGISTRY).token)
    assert (claims["oid"], claims["xms_mirid"]) == (uami["principalId"], uami["id"])


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("issuer", "AADSTS700211"),
        ("subject", "AADSTS700213"),
        ("audience", "AADSTS700212"),
        ("signature", "AADSTS50013"),
        ("expired", "AADSTS700024"),
    ],
)
def test_bad_federated_tokens_are_refused(
    idp: Idp, federated_app: dict[str, Any], tmp_path: Path, case: str, code: str
) -> None:
    issuer = idp.offline
    if case == "issuer":
        token = issuer.mint(SUBJECT, issuer="https://evil.example")
    elif case == "subject":
        token = issuer.mint("system:serviceaccount:builds:other")
    elif case == "audience":
        token = issuer.mint(SUBJECT, audience="api://something-else")
    elif case == "signature":
        impostor = RSAKey.generate_key(2048, {"kid": issuer.key.kid or ""})
        token = issuer.mint(SUBJECT, key=impostor)
    else:
        token = issuer.mint(SUBJECT, lifetime=-900)
    _refused(_workload_credential(idp, federated_app["appId"], token, tmp_path / "token"), code)


# -- users ---------------------------------------------------------------------------------------------


def test_device_code_credential(idp: Idp) -> None:
    def approve(verification_uri: str, user_code: str, _expires_on: dt.datetime) -> None:
        page = httpx.post(
            verification_uri,
            data={"user_code": user_code, "username": "alice@cerulean.test", "password": PASSWORD},
            verify=idp.tls,
        )
        assert page.status_code == 200, page.text

    credential = DeviceCodeCredential(
        client_id=PUBLIC_CLIENT,
        tenant_id=idp.tenant,
        authority=idp.url,
        disable_instance_discovery=True,
        prompt_callback=approve,
    )
    claims = _claims(idp, credential.get_token(REGISTRY).token)
    assert (claims["oid"], claims["idtyp"], claims["upn"]) == (idp.alice["id"], "user", "alice@cerulean.test")
    # A second resource comes from the refresh token, silently.
    assert _claims(idp, credential.get_token(CLI_ARM).token)["aud"] == "https://management.core.windows.net/"


def test_device_code_declined_or_wrong_password(idp: Idp) -> None:
    start = httpx.post(
        f"{idp.url}/{idp.tenant}/oauth2/v2.0/devicecode",
        data={"client_id": PUBLIC_CLIENT, "scope": REGISTRY},
        verify=idp.tls,
    ).json()
    poll = {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "client_id": PUBLIC_CLIENT,
        "device_code": start["device_code"],
    }
    assert idp.post_token(poll).json()["error"] == "authorization_pending"
    wrong = httpx.post(
        f"{idp.url}/devicelogin",
        verify=idp.tls,
        data={"user_code": start["user_code"], "username": "alice@cerulean.test", "password": "nope"},
    )
    assert wrong.status_code == 400
    assert idp.post_token(poll).json()["error"] == "authorization_pending"
    httpx.post(
        f"{idp.url}/devicelogin",
        data={"user_code": start["user_code"], "decision": "decline"},
        verify=idp.tls,
    )
    declined = idp.post_token(poll)
    assert declined.json()["error"] == "authorization_declined"
    assert "access_token" not in declined.json()


def test_device_code_approved_from_the_command_line(idp: Idp) -> None:
    start = httpx.post(
        f"{idp.url}/organizations/oauth2/v2.0/devicecode",
        data={"client_id": PUBLIC_CLIENT, "scope": f"{REGISTRY} offline_access"},
        verify=idp.tls,
    ).json()
    ad(idp.server, "device-approve", start["user_code"], "--user", "alice@cerulean.test")
    poll = {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "client_id": PUBLIC_CLIENT,
        "device_code": start["device_code"],
        "client_info": "1",
    }
    tokens = idp.post_token(poll, tenant="organizations").json()
    assert _claims(idp, tokens["access_token"])["tid"] == idp.tenant
    assert {"refresh_token", "id_token", "client_info", "scope"} <= set(tokens)
    again = idp.post_token(poll, tenant="organizations")
    assert again.status_code == 400  # a device code is redeemed once
    refreshed = idp.post_token(
        {
            "grant_type": "refresh_token",
            "client_id": PUBLIC_CLIENT,
            "refresh_token": tokens["refresh_token"],
            "scope": CLI_ARM,
        }
    )
    assert _claims(idp, refreshed.json()["access_token"])["aud"] == "https://management.core.windows.net/"
    as_access = idp.post_token(
        {
            "grant_type": "refresh_token",
            "client_id": PUBLIC_CLIENT,
            "refresh_token": tokens["access_token"],
            "scope": REGISTRY,
        }
    )
    assert as_access.json()["error"] == "invalid_grant"
    other_client = idp.post_token(
        {
            "grant_type": "refresh_token",
            "client_id": str(uuid.uuid4()),
            "refresh_token": tokens["refresh_token"],
            "scope": REGISTRY,
        }
    )
    assert other_client.json()["error"] == "invalid_grant"


def test_username_password_credential_with_adfs(idp: Idp) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # ROPC is deprecated in azure-identity
        credential = UsernamePasswordCredential(
            PUBLIC_CLIENT,
            "alice@cerulean.test",
            PASSWORD,
            tenant_id="adfs",
            authority=idp.url,
            disable_instance_discovery=True,
        )
        claims = _claims(idp, credential.get_token(REGISTRY).token)
        assert (claims["oid"], claims["tid"], claims["idtyp"]) == (idp.alice["id"], idp.tenant, "user")
        wrong = UsernamePasswordCredential(
            PUBLIC_CLIENT,
            "alice@cerulean.test",
            "wrong password",
            tenant_id="adfs",
            authority=idp.url,
            disable_instance_discovery=True,
        )
        _refused(wrong, "AADSTS50126")
        nobody = UsernamePasswordCredential(
            PUBLIC_CLIENT,
            "nobody@cerulean.test",
            PASSWORD,
            tenant_id="adfs",
            authority=idp.url,
            disable_instance_discovery=True,
        )
        _refused(nobody, "AADSTS50126")
