"""The data plane's remembered verdicts, on a server with the default policy cache (1 s).

The other compat servers check the policy on every request (`CERULEAN_POLICY_CACHE_SECONDS=0`), so a
remembered verdict is never used there. Here it is: a client repeats one token quickly, as a pull does,
and the verdict must still lapse when the token expires and when the registry switches permission mode.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import httpx
import pytest

from cerulean.access import AccessEntry
from cerulean.auth.administration import RegistryAdministration
from support.client import push_image
from support.oci import make_image
from support.registry_admin import REGISTRY, administer
from support.registry_tokens import mint
from support.server import RunningServer, start_server

ACCESS_MINUTES = 75  # the server's default access-token lifetime, which `mint` uses too
SKEW = 60  # seconds of clock skew a registry token is accepted for after it expires
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("memo"), env={"CERULEAN_POLICY_CACHE_SECONDS": "1"})
    try:
        assert running.admin is not None
        with httpx.Client(base_url=running.url, auth=running.admin) as admin:
            push_image(admin, "memo/app", make_image(), "v1")
        yield running
    finally:
        running.stop()


def _token(server: RunningServer, *, issued: dt.datetime | None = None) -> str:
    login = server.url.split("//", 1)[1]
    entry = (AccessEntry("repository", "memo/app", ("pull",)),)
    return mint(server.database_url, login, access=entry, at=issued)


def _hammer(server: RunningServer, token: str, seconds: float) -> list[tuple[float, int]]:
    """(time sent, status) of back-to-back manifest GETs with one token for `seconds`."""
    headers = {"Authorization": f"Bearer {token}", "Accept": MANIFEST}
    seen = []
    with httpx.Client(base_url=server.url, headers=headers) as client:
        end = time.time() + seconds
        while (sent := time.time()) < end:
            seen.append((sent, client.get("/v2/memo/app/manifests/v1").status_code))
    return seen


def test_a_remembered_verdict_lapses_when_its_token_expires(server: RunningServer) -> None:
    # Usable (expiry plus skew) for about 2 more seconds; the server checks whole seconds.
    issued = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=ACCESS_MINUTES, seconds=SKEW - 2)
    usable_until = int(issued.timestamp()) + ACCESS_MINUTES * 60 + SKEW
    seen = _hammer(server, _token(server, issued=issued), usable_until + 2.5 - time.time())
    before = [status for sent, status in seen if sent < usable_until]
    after = [status for sent, status in seen if sent >= usable_until + 1]
    assert len(before) > 20  # the verdict was remembered and reused
    assert set(before) == {200}
    assert after
    assert set(after) == {401}


def _set_mode(server: RunningServer, mode: str) -> None:
    async def run(admin: RegistryAdministration) -> None:
        await admin.update(REGISTRY, permission_mode=mode)

    administer(server.database_url, run)


def test_a_remembered_verdict_lapses_when_the_permission_mode_switches(server: RunningServer) -> None:
    token = _token(server)  # minted under the registry's mode, LegacyRegistryPermissions
    assert {status for _, status in _hammer(server, token, 0.5)} == {200}
    switched_at = time.time()
    _set_mode(server, "AbacRepositoryPermissions")
    try:
        seen = _hammer(server, token, 2.5)
    finally:
        _set_mode(server, "LegacyRegistryPermissions")
    restored_at = time.time()
    # The server sees each switch at its next policy check, within its 1 s cache.
    late = [status for sent, status in seen if sent > switched_at + 1.2]
    assert late
    assert set(late) == {401}
    back = [status for sent, status in _hammer(server, token, 2.0) if sent > restored_at + 1.2]
    assert back
    assert set(back) == {200}  # the token names the mode it was minted under: valid again
