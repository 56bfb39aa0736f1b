"""Client assertions (RFC 7523): certificate-signed ones, and federated tokens from external issuers.

A certificate assertion is a JWT the client signs with a certificate registered on its application,
named in the header by SHA-1 (`x5t`, RS256) or SHA-256 (`x5t#S256`, PS256) thumbprint; its `aud` is
this token endpoint and `iss` = `sub` = the client id. MSAL writes `exp`/`iat` as floats.

A federated assertion is a token minted by another issuer (a Kubernetes service-account token, a CI
system's OIDC token): it matches a federated identity credential by `iss`, `sub` and one of its
`audiences`, and its signature is checked with the issuer's published keys.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from joserfc import jws
from joserfc.errors import JoseError

from cerulean.identity.certificates import thumbprint_from_header, verify_rsa_signature
from cerulean.identity.encoding import b64url_decode
from cerulean.identity.errors import InvalidClientError
from cerulean.identity.tokens import CLOCK_SKEW

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from cerulean.identity.interfaces import IssuerKeySource
    from cerulean.identity.models import CertificateCredential, FederatedCredential

__all__ = [
    "ASSERTION_TYPE",
    "Assertion",
    "parse_assertion",
    "verify_certificate_assertion",
    "verify_federated",
]

ASSERTION_TYPE: Final = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_MAX_ASSERTION: Final = 16 * 1024
_FEDERATED_ALGORITHMS: Final = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")


@dataclass(frozen=True, slots=True)
class Assertion:
    """A JWT split into its parts, not yet trusted."""

    text: str
    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes


def _malformed() -> InvalidClientError:
    return InvalidClientError(50027, "JWT token is invalid or malformed.", reason="malformed assertion")


def parse_assertion(text: str) -> Assertion:
    """Split a compact JWS; `AADSTS50027` if it is not one."""
    if len(text) > _MAX_ASSERTION or text.count(".") != 2:  # noqa: PLR2004 - header.payload.signature
        raise _malformed()
    head, body, signature = text.split(".")
    try:
        header = json.loads(b64url_decode(head))
        claims = json.loads(b64url_decode(body))
        raw_signature = b64url_decode(signature)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _malformed() from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise _malformed()
    return Assertion(text, header, claims, f"{head}.{body}".encode(), raw_signature)


def _number(claims: dict[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def check_lifetime(claims: dict[str, Any], now: dt.datetime) -> None:
    """`exp` required, `nbf` optional, both with the clock skew; floats accepted (MSAL sends them)."""
    stamp = now.timestamp()
    expires = _number(claims, "exp")
    not_before = _number(claims, "nbf")
    if (
        expires is None
        or expires <= stamp - CLOCK_SKEW
        or (not_before is not None and not_before > stamp + CLOCK_SKEW)
    ):
        raise InvalidClientError(
            700024,
            "Client assertion is not within its valid time range.",
            reason="assertion expired or early",
        )


def verify_certificate_assertion(
    assertion: Assertion,
    *,
    client_id: str,
    app_id: str,
    certificates: Sequence[CertificateCredential],
    token_endpoints: frozenset[str],
    now: dt.datetime,
) -> CertificateCredential:
    """The certificate that signed a valid assertion for `client_id`; `InvalidClientError` otherwise."""
    header, claims = assertion.header, assertion.claims
    algorithm = header.get("alg")
    if algorithm == "RS256" and isinstance(header.get("x5t"), str):
        wanted, attribute = thumbprint_from_header(header["x5t"]), "thumbprint_sha1"
    elif algorithm == "PS256" and isinstance(header.get("x5t#S256"), str):
        wanted, attribute = thumbprint_from_header(header["x5t#S256"]), "thumbprint_sha256"
    else:
        raise InvalidClientError(
            700027,
            "Client assertion failed signature validation. The header must name RS256 with x5t or PS256 with "
            "x5t#S256.",
            reason="unsupported assertion header",
        )
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        raise InvalidClientError(
            700021,
            "Client assertion application identifier doesn't match 'client_id' parameter.",
            reason="assertion iss/sub",
        )
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
    if not any(isinstance(value, str) and value.rstrip("/") in token_endpoints for value in audiences):
        raise InvalidClientError(
            50013, "Assertion audience claim does not match the required value.", reason="assertion audience"
        )
    certificate = next((c for c in certificates if getattr(c, attribute) == wanted and wanted), None)
    if certificate is None:
        raise InvalidClientError(
            700027,
            "The certificate with identifier used to sign the client assertion is not registered on "
            "application. [Reason - The key was not found., "
            f"Thumbprint of key used by client: '{wanted[:64]}', "
            f"Please visit the Azure Portal to verify the credentials of application '{app_id}'.]",
            reason="unknown certificate",
        )
    if not certificate.is_valid_at(now):
        raise InvalidClientError(
            700027,
            "The certificate used to sign the client assertion is outside its validity period on "
            f"application '{app_id}'.",
            reason="certificate expired",
        )
    if not verify_rsa_signature(
        certificate.certificate_pem, algorithm, assertion.signing_input, assertion.signature
    ):
        raise InvalidClientError(
            700027, "Client assertion failed signature validation.", reason="bad signature"
        )
    check_lifetime(claims, now)
    return certificate


async def verify_federated(
    assertion: Assertion,
    *,
    credentials: Sequence[FederatedCredential],
    keys: IssuerKeySource,
    now: dt.datetime,
) -> FederatedCredential:
    """The federated credential a valid external token matches; `InvalidClientError` otherwise."""
    issuer, subject = assertion.claims.get("iss"), assertion.claims.get("sub")
    audience = assertion.claims.get("aud")
    audiences = (
        {audience} if isinstance(audience, str) else set(audience) if isinstance(audience, list) else set()
    )
    shown = f"Assertion Issuer: '{str(issuer)[:200]}'. Assertion Subject: '{str(subject)[:200]}'."
    by_issuer = [c for c in credentials if c.issuer == issuer]
    if not by_issuer:
        raise InvalidClientError(
            700211, f"No matching federated identity record found for presented assertion issuer. {shown}",
            reason="federated issuer",
        )  # fmt: skip
    by_subject = [c for c in by_issuer if c.subject == subject]
    if not by_subject:
        raise InvalidClientError(
            700213, f"No matching federated identity record found for presented assertion subject. {shown}",
            reason="federated subject",
        )  # fmt: skip
    matched = next((c for c in by_subject if audiences & set(c.audiences)), None)
    if matched is None:
        raise InvalidClientError(
            700212, f"No matching federated identity record found for presented assertion audience. {shown}",
            reason="federated audience",
        )  # fmt: skip
    algorithm = assertion.header.get("alg")
    if algorithm not in _FEDERATED_ALGORITHMS:
        raise InvalidClientError(50013, "Assertion failed signature validation.", reason="federated alg")
    for refresh in (False, True):
        key_set = await keys.keys_for(matched.issuer, refresh=refresh)
        try:
            jws.deserialize_compact(assertion.text, key_set, algorithms=[algorithm])
        except (JoseError, ValueError):
            continue
        check_lifetime(assertion.claims, now)
        return matched
    raise InvalidClientError(50013, "Assertion failed signature validation.", reason="federated signature")
