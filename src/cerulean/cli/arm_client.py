"""A thin client for Cerulean's HTTP APIs: the management API (ARM), Graph and the token endpoint.

Tokens come from the client-credentials grant at ``{authority}/{tenant}/oauth2/v2.0/token``, one per
audience, cached for the life of the command. Every error answer becomes an `ApiError` carrying the
protocol's own code (ARM's and Graph's ``error.code``, OAuth2's ``error``, OCI's ``errors[0].code``);
a transport failure becomes a `CliError`. Nothing here knows a resource type.
"""

from __future__ import annotations

import ssl
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

import httpx

from cerulean import __version__
from cerulean.cli.endpoints import ARM_API_VERSION, ARM_SCOPE, GRAPH_SCOPE, SUBSCRIPTIONS_API_VERSION
from cerulean.cli.errors import ApiError, CliError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from cerulean.cli.profile import Profile

__all__ = ["ApiClient", "error_of"]

_TIMEOUT: Final = 60.0
_MAX_PAGES: Final = 1000  # a nextLink loop is a server bug; stop rather than spin


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def error_of(response: httpx.Response) -> ApiError:
    """The error an answer carries, in whichever protocol's shape it came."""
    status = response.status_code
    fallback = response.reason_phrase.replace(" ", "") or f"Http{status}"
    try:
        body = response.json()
    except ValueError:
        return ApiError(fallback, _first_line(response.text) or f"HTTP {status}", status)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):  # ARM and Graph
            return ApiError(str(error.get("code") or fallback), str(error.get("message") or ""), status)
        if isinstance(error, str):  # OAuth2
            return ApiError(error, _first_line(str(body.get("error_description") or "")), status)
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):  # OCI
            first = errors[0]
            return ApiError(str(first.get("code") or fallback), str(first.get("message") or ""), status)
    return ApiError(fallback, f"HTTP {status}", status)


class ApiClient:
    """One command's connection to a Cerulean server, as one principal."""

    def __init__(self, profile: Profile, http: httpx.Client) -> None:
        self.profile = profile
        self._http = http
        self._tokens: dict[str, str] = {}
        self._subscription = profile.subscription_id

    @classmethod
    @contextmanager
    def open(cls, profile: Profile) -> Iterator[ApiClient]:
        """A client whose connections close when the block ends."""
        verify = ssl.create_default_context()
        for bundle in profile.ca_bundles:
            try:
                verify.load_verify_locations(cafile=bundle)
            except (OSError, ssl.SSLError) as exc:
                raise CliError("CaBundleUnreadable", f"{bundle}: {exc.strerror or exc}") from exc
        headers = {"User-Agent": f"cerulean-cli/{__version__}"}
        with httpx.Client(verify=verify, timeout=_TIMEOUT, headers=headers) as http:
            yield cls(profile, http)

    # -- transport ------------------------------------------------------------------------------------

    def send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:  # noqa: ANN401 - httpx's own
        """One request; transport failures become `CliError`."""
        try:
            return self._http.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise CliError("Timeout", f"{method} {url}: no answer within {_TIMEOUT:.0f} s") from exc
        except httpx.HTTPError as exc:
            raise CliError("ConnectionError", f"{method} {url}: {exc}") from exc

    def token(self, scope: str) -> str:
        """An access token for `scope` (client credentials), fetched once per command."""
        cached = self._tokens.get(scope)
        if cached is not None:
            return cached
        p = self.profile
        response = self.send(
            "POST",
            f"{p.authority}/{p.tenant_id}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": p.client_id,
                "client_secret": p.client_secret,
                "scope": scope,
            },
        )
        if response.status_code != httpx.codes.OK:
            raise error_of(response)
        token = str(response.json().get("access_token") or "")
        if not token:
            raise CliError("InvalidTokenResponse", "the token endpoint answered without an access_token")
        self._tokens[scope] = token
        return token

    def _call(
        self,
        scope: str,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        body: object | None,
    ) -> Any:  # noqa: ANN401 - JSON
        response = self.send(
            method,
            url,
            params=params,
            json=body,
            headers={"Authorization": f"Bearer {self.token(scope)}"},
        )
        if response.status_code >= httpx.codes.BAD_REQUEST:
            raise error_of(response)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise CliError("InvalidResponse", f"{method} {url}: the answer is not JSON") from exc

    # -- the management API ---------------------------------------------------------------------------

    def arm(
        self,
        method: str,
        path: str,
        *,
        api_version: str = ARM_API_VERSION,
        params: Mapping[str, str] | None = None,
        body: object | None = None,
    ) -> Any:  # noqa: ANN401 - JSON
        """A management API call on `path` (``/subscriptions/...``); the JSON answer, or None."""
        query = {"api-version": api_version, **(params or {})}
        return self._call(ARM_SCOPE, method, self.profile.resource_manager + path, query, body)

    def arm_list(
        self, path: str, *, api_version: str = ARM_API_VERSION, params: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Every item of an ARM collection, following ``nextLink``."""
        page = self.arm("GET", path, api_version=api_version, params=params)
        return self._pages(ARM_SCOPE, path, page, "nextLink")

    def _pages(self, scope: str, path: str, page: object, next_key: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for _ in range(_MAX_PAGES):
            if not isinstance(page, dict) or not isinstance(page.get("value", []), list):
                raise CliError("InvalidResponse", f"{path}: the answer is not a collection")
            items.extend(item for item in page.get("value") or [] if isinstance(item, dict))
            next_link = page.get(next_key)
            if not next_link:
                return items
            if not str(next_link).startswith(self.profile.resource_manager + "/"):
                # The bearer token goes only to the server it was asked for.
                raise CliError("InvalidResponse", f"{path}: a next page on another server: {next_link}")
            page = self._call(scope, "GET", str(next_link), None, None)
        raise CliError("TooManyPages", f"{path}: more than {_MAX_PAGES} pages")

    @property
    def subscription(self) -> str:
        """The subscription: --subscription, the record's, or the caller's only one."""
        if self._subscription is None:
            found = self.arm_list("/subscriptions", api_version=SUBSCRIPTIONS_API_VERSION)
            if len(found) != 1:
                raise CliError(
                    "SubscriptionNotFound",
                    f"the caller sees {len(found)} subscriptions; name one with --subscription",
                )
            self._subscription = str(found[0]["subscriptionId"])
        return self._subscription

    # -- Graph ----------------------------------------------------------------------------------------

    def graph(
        self, method: str, path: str, *, params: Mapping[str, str] | None = None, body: object | None = None
    ) -> Any:  # noqa: ANN401 - JSON
        """A Graph call on `path` (``/v1.0/...``, served by the same host as the management API)."""
        return self._call(GRAPH_SCOPE, method, self.profile.resource_manager + path, params, body)

    def graph_list(self, path: str, *, params: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        """Every item of a Graph collection, following ``@odata.nextLink``."""
        page = self.graph("GET", path, params=params)
        return self._pages(GRAPH_SCOPE, path, page, "@odata.nextLink")
