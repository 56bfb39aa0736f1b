"""Certificates as Graph's `keyCredentials` on applications: what az sends, and what must be refused.

`az ad sp create-for-rbac --create-cert` puts the certificate in `POST /applications` (or, for a name that
exists, in `PATCH`); `az ad app credential reset --cert` PATCHes the whole collection, and `--append` or
`credential delete --cert` write back what they read, with `key` null.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from joserfc import jwt
from joserfc.jwk import RSAKey

from support.identity import ad, bootstrap
from support.server import RunningServer, start_server

REGISTRY = "https://containerregistry.azure.net/.default"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass
class Graph:
    server: RunningServer
    tenant: str
    admin: httpx.Client

    def token_response(self, form: dict[str, str]) -> httpx.Response:
        return httpx.post(f"{self.server.url}/{self.tenant}/oauth2/v2.0/token", data=form)

    def token_url(self) -> str:
        return f"{self.server.url}/{self.tenant}/oauth2/v2.0/token"

    def client_for(self, client_id: str, secret: str) -> httpx.Client:
        response = self.token_response(
            {
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
                "scope": f"{self.server.url}/.default",
            }
        )
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        return httpx.Client(
            base_url=self.server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )


@dataclass
class Cert:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def thumbprint(self) -> str:
        return hashlib.sha1(self.der, usedforsecurity=False).hexdigest().upper()

    def az_key(self) -> str:
        """The key as az sends it: the PEM without its armour lines, line breaks kept."""
        pem = self.certificate.public_bytes(serialization.Encoding.PEM).decode()
        return "\n".join(line for line in pem.splitlines() if not line.startswith("-----"))


def _make_cert(name: str, *, days: int = 30, key: Any = None) -> Cert:
    private = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(private, hashes.SHA256())
    )
    return Cert(private, certificate)


def _entry(cert: Cert, **extra: Any) -> dict[str, Any]:
    """A keyCredential as az's `_build_key_credentials` writes it."""
    return {
        "@odata.type": "#microsoft.graph.keyCredential",
        "displayName": None,
        "keyId": str(uuid.uuid4()),
        "key": cert.az_key(),
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
        **extra,
    }


def _assertion(graph: Graph, app_id: str, cert: Cert) -> dict[str, str]:
    header = {
        "alg": "RS256",
        "typ": "JWT",
        "x5t": base64.urlsafe_b64encode(hashlib.sha1(cert.der, usedforsecurity=False).digest()).decode(),
    }
    now = time.time()
    claims = {
        "aud": graph.token_url(),
        "iss": app_id,
        "sub": app_id,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    pem = cert.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assertion = jwt.encode(header, claims, RSAKey.import_key(pem), algorithms=["RS256"])
    return {
        "grant_type": "client_credentials",
        "client_id": app_id,
        "scope": REGISTRY,
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": assertion,
    }


def _signs_in(graph: Graph, app_id: str, cert: Cert) -> bool:
    response = graph.token_response(_assertion(graph, app_id, cert))
    assert response.status_code in {200, 401}, response.text
    return response.status_code == 200


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Graph]:
    server = start_server(tmp_path_factory.mktemp("graph-certs"))
    try:
        record = bootstrap(server)
        probe = Graph(server, record["tenantId"], httpx.Client())
        with probe.client_for(record["clientId"], record["clientSecret"]) as admin:
            yield Graph(server, record["tenantId"], admin)
    finally:
        assert server.stop() == 0, "\n".join(server.output)


def _create(graph: Graph, name: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    created = graph.admin.post("/v1.0/applications", json={"displayName": name, "keyCredentials": entries})
    assert created.status_code == 201, created.text
    principal = graph.admin.post("/v1.0/servicePrincipals", json={"appId": created.json()["appId"]})
    assert principal.status_code == 201, principal.text
    app: dict[str, Any] = created.json()
    return app


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    return error


def test_a_certificate_given_at_creation_is_stored_and_signs_in(graph: Graph) -> None:
    cert = _make_cert("created")
    start, end = dt.datetime.now(dt.UTC).replace(microsecond=0), cert.certificate.not_valid_after_utc
    entry = _entry(
        cert,
        displayName="CN=created",
        startDateTime=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        endDateTime=(end - dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    app = _create(graph, "with-cert", [entry])
    [shown] = app["keyCredentials"]
    assert shown == {
        "customKeyIdentifier": cert.thumbprint,
        "displayName": "CN=created",
        "endDateTime": entry["endDateTime"],
        "key": None,
        "keyId": entry["keyId"],
        "startDateTime": entry["startDateTime"],
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
    }
    assert app["passwordCredentials"] == []
    assert graph.admin.get(f"/v1.0/applications/{app['id']}").json()["keyCredentials"] == [shown]
    assert _signs_in(graph, app["appId"], cert)
    assert not _signs_in(graph, app["appId"], _make_cert("stranger"))


def test_the_key_is_shown_only_when_selected_on_one_application(graph: Graph) -> None:
    cert = _make_cert("selected")
    app = _create(graph, "selected", [_entry(cert)])
    listed = graph.admin.get("/v1.0/applications", params={"$filter": "displayName eq 'selected'"}).json()
    assert [c["key"] for a in listed["value"] for c in a["keyCredentials"]] == [None]
    selected = graph.admin.get(f"/v1.0/applications/{app['id']}", params={"$select": "keyCredentials"})
    assert selected.status_code == 200, selected.text
    assert set(selected.json()) == {"@odata.context", "keyCredentials"}
    assert base64.b64decode(selected.json()["keyCredentials"][0]["key"]) == cert.der
    unknown = graph.admin.get(f"/v1.0/applications/{app['id']}", params={"$select": "nonsense"})
    _error(unknown, 400, "Request_BadRequest")


def test_patch_replaces_the_collection_and_keeps_the_secrets(graph: Graph) -> None:
    first, second, third = _make_cert("first"), _make_cert("second"), _make_cert("third")
    app = _create(graph, "rotated", [_entry(first)])
    path = f"/v1.0/applications/{app['id']}"
    secret = graph.admin.post(f"{path}/addPassword", json={}).json()
    replaced = graph.admin.patch(path, json={"keyCredentials": [_entry(second)]})
    assert (replaced.status_code, replaced.content) == (204, b"")
    assert not _signs_in(graph, app["appId"], first)
    assert _signs_in(graph, app["appId"], second)
    after = graph.admin.get(path).json()
    assert [c["customKeyIdentifier"] for c in after["keyCredentials"]] == [second.thumbprint]
    assert [c["keyId"] for c in after["passwordCredentials"]] == [secret["keyId"]]
    # `credential reset --append`: what was read (key null) written back, plus a new one.
    appended = graph.admin.patch(path, json={"keyCredentials": [*after["keyCredentials"], _entry(third)]})
    assert appended.status_code == 204, appended.text
    assert _signs_in(graph, app["appId"], second)
    assert _signs_in(graph, app["appId"], third)
    # `credential delete --cert`: the rest written back.
    kept = [
        c
        for c in graph.admin.get(path).json()["keyCredentials"]
        if c["keyId"] != after["keyCredentials"][0]["keyId"]
    ]
    assert graph.admin.patch(path, json={"keyCredentials": kept}).status_code == 204
    assert not _signs_in(graph, app["appId"], second)
    assert _signs_in(graph, app["appId"], third)
    assert graph.admin.patch(path, json={"keyCredentials": []}).status_code == 204
    assert not _signs_in(graph, app["appId"], third)
    final = graph.admin.get(path).json()
    assert final["keyCredentials"] == []
    assert [c["keyId"] for c in final["passwordCredentials"]] == [secret["keyId"]]


def _refusals() -> dict[str, dict[str, Any]]:
    cert = _make_cert("refused")
    ec_cert = _make_cert("ec", key=ec.generate_private_key(ec.SECP256R1()))
    not_after = cert.certificate.not_valid_after_utc
    return {
        "garbage": _entry(cert, key="bm90IGEgY2VydGlmaWNhdGU="),
        "not-base64": _entry(cert, key="***"),
        "ec-key": _entry(ec_cert),
        "symmetric": _entry(cert, type="Symmetric"),
        "sign-usage": _entry(cert, usage="Sign"),
        "bad-key-id": _entry(cert, keyId="not-a-guid"),
        "bad-date": _entry(cert, endDateTime="tomorrow"),
        "beyond-the-certificate": _entry(
            cert, endDateTime=(not_after + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        ),
        "unknown-key-id-without-key": _entry(cert, key=None),
        "not-an-object": "MIIB",  # type: ignore[dict-item]
    }


@pytest.mark.parametrize("case", list(_refusals()))
def test_an_unusable_key_credential_is_refused_and_nothing_is_stored(graph: Graph, case: str) -> None:
    entry = _refusals()[case]
    name = f"refused-{case}"
    created = graph.admin.post("/v1.0/applications", json={"displayName": name, "keyCredentials": [entry]})
    _error(created, 400, "Request_BadRequest")
    found = graph.admin.get("/v1.0/applications", params={"$filter": f"displayName eq '{name}'"}).json()
    assert found["value"] == []
    good = _make_cert("kept")
    app = _create(graph, f"kept-{case}", [_entry(good)])
    path = f"/v1.0/applications/{app['id']}"
    patched = graph.admin.patch(path, json={"displayName": "renamed", "keyCredentials": [entry]})
    _error(patched, 400, "Request_BadRequest")
    after = graph.admin.get(path).json()
    assert after["displayName"] == f"kept-{case}"
    assert after["keyCredentials"] == app["keyCredentials"]
    assert _signs_in(graph, app["appId"], good)


def test_the_same_key_id_twice_or_a_collection_that_is_not_a_list_is_refused(graph: Graph) -> None:
    cert = _make_cert("twice")
    key_id = str(uuid.uuid4())
    twice = [_entry(cert, keyId=key_id), _entry(_make_cert("other"), keyId=key_id)]
    _error(
        graph.admin.post("/v1.0/applications", json={"displayName": "t", "keyCredentials": twice}),
        400,
        "Request_BadRequest",
    )
    for given in ({"key": "x"}, "x", 5):
        response = graph.admin.post("/v1.0/applications", json={"displayName": "t", "keyCredentials": given})
        _error(response, 400, "Request_BadRequest")
    extra = graph.admin.post(
        "/v1.0/applications", json={"displayName": "t", "keyCredentials": [_entry(cert, value="x")]}
    )
    assert _error(extra, 400, "Request_BadRequest")["message"] == "Invalid property 'value'."


def test_key_credentials_are_refused_to_callers_without_the_role(graph: Graph) -> None:
    cert = _make_cert("guarded")
    app = _create(graph, "guarded-certs", [_entry(cert)])
    path = f"/v1.0/applications/{app['id']}"
    attacker = _make_cert("attacker")
    for role in (None, "directory-readers", "user-administrator"):
        caller = ad(graph.server, "app", "create", f"cert-caller-{role}")
        if role:
            ad(graph.server, "role-grant", caller["servicePrincipalId"], "--role", role)
        secret = ad(graph.server, "app", "add-secret", caller["appId"])["secretText"]
        with graph.client_for(caller["appId"], secret) as client:
            replaced = client.patch(path, json={"keyCredentials": [_entry(attacker)]})
            _error(replaced, 403, "Authorization_RequestDenied")
            created = client.post(
                "/v1.0/applications", json={"displayName": "sneaky", "keyCredentials": [_entry(attacker)]}
            )
            _error(created, 403, "Authorization_RequestDenied")
    _error(
        httpx.patch(f"{graph.server.url}{path}", json={"keyCredentials": []}),
        401,
        "InvalidAuthenticationToken",
    )
    assert not _signs_in(graph, app["appId"], attacker)
    assert _signs_in(graph, app["appId"], cert)
    assert graph.admin.get(path).json()["keyCredentials"] == app["keyCredentials"]
