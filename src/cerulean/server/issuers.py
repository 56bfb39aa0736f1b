"""The keys of external OIDC issuers (for federated credentials and trusted issuers), fetched and cached.

Discovery: ``{issuer}/.well-known/openid-configuration`` → `jwks_uri` → the key set, over https only,
cached for an hour. A token naming an unknown `kid` may force a refetch, at most once a minute per
issuer, so forged tokens cannot turn Cerulean into a traffic generator. An issuer listed in
`federation_jwks` is never fetched: its key set is read from the file (for machines without a route out).
"""

from __future__ import annotations

import json
import ssl
import time
from typing import TYPE_CHECKING, Final

import httpx
import structlog
from joserfc.jwk import KeySet

from cerulean.identity.errors import InvalidClientError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = ["HttpIssuerKeys"]

_CACHE_SECONDS: Final = 3600.0
_MIN_REFRESH_SECONDS: Final = 60.0
_MAX_DOCUMENT: Final = 256 * 1024
_log = structlog.get_logger("cerulean.identity")


def _unavailable(issuer: str) -> InvalidClientError:
    return InvalidClientError(
        50013, "Assertion failed signature validation: the issuer's signing keys could not be retrieved.",
        reason=f"keys of {issuer[:200]} unavailable",
    )  # fmt: skip


class HttpIssuerKeys:
    """`IssuerKeySource` over https, with per-issuer caching, or from configured files."""

    def __init__(
        self, files: Mapping[str, Path], ca_bundle: Path | None = None, timeout: float = 10.0
    ) -> None:
        self._files = dict(files)
        verify: ssl.SSLContext | bool = (
            ssl.create_default_context(cafile=str(ca_bundle)) if ca_bundle else True
        )
        self._client = httpx.AsyncClient(verify=verify, timeout=timeout, follow_redirects=False)
        self._cache: dict[str, tuple[float, KeySet]] = {}

    async def keys_for(self, issuer: str, *, refresh: bool = False) -> KeySet:
        """The issuer's key set (see the module docstring for caching)."""
        if issuer in self._files:
            return self._from_file(issuer)
        now = time.monotonic()
        cached = self._cache.get(issuer)
        if cached is not None:
            fetched_at, keys = cached
            fresh = now - fetched_at < _CACHE_SECONDS
            if fresh and (not refresh or now - fetched_at < _MIN_REFRESH_SECONDS):
                return keys
        keys = await self._fetch(issuer)
        self._cache[issuer] = (now, keys)
        return keys

    def _from_file(self, issuer: str) -> KeySet:
        try:
            return KeySet.import_key_set(json.loads(self._files[issuer].read_text()))
        except (OSError, ValueError) as exc:
            _log.warning("federation JWKS file unreadable", issuer=issuer, error=str(exc))
            raise _unavailable(issuer) from exc

    async def _get_json(self, url: str) -> dict[str, object]:
        if not url.startswith("https://"):
            raise ValueError(f"not https: {url[:200]}")
        response = await self._client.get(url, headers={"Accept": "application/json"})
        if response.status_code != 200 or len(response.content) > _MAX_DOCUMENT:  # noqa: PLR2004 - HTTP OK
            raise ValueError(f"{url[:200]}: HTTP {response.status_code}")
        document = response.json()
        if not isinstance(document, dict):
            raise TypeError(f"{url[:200]}: not a JSON object")
        return document

    async def _fetch(self, issuer: str) -> KeySet:
        try:
            configuration = await self._get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
            return KeySet.import_key_set(await self._get_json(_jwks_uri(configuration, issuer)))  # type: ignore[arg-type]
        except (httpx.HTTPError, ValueError, TypeError) as exc:
            _log.warning("federation keys unavailable", issuer=issuer, error=str(exc))
            raise _unavailable(issuer) from exc

    async def close(self) -> None:
        """Release the HTTP client."""
        await self._client.aclose()


def _jwks_uri(configuration: dict[str, object], issuer: str) -> str:
    if configuration.get("issuer") != issuer:
        raise ValueError("the discovery document names another issuer")
    jwks_uri = configuration.get("jwks_uri")
    if not isinstance(jwks_uri, str):
        raise TypeError("no jwks_uri")
    return jwks_uri
