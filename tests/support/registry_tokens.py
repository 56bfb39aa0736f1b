"""Registry tokens made in the test process with the server's own signing key (read from its database).

They let the negative tests present tokens that are correctly signed but expired, not yet valid, for
another registry, or of the wrong kind, exactly as an attacker who replays or tampers with them would.
"""

from __future__ import annotations

import datetime as dt

from cerulean.access import AccessEntry, Principal, PrincipalKind
from cerulean.auth.tokens import RegistryTokens
from cerulean.core.clock import FixedClock
from cerulean.db import Database, RegistrySigningKeyStore
from cerulean.identity import KeyEncryptionKey
from cerulean.identity.keys import KeyRing
from support.registry_admin import with_database
from support.server import shared_key_file


def mint(
    database_url: str,
    login_server: str,
    *,
    kind: str = "access",
    at: dt.datetime | None = None,
    mode: str = "LegacyRegistryPermissions",
    access: tuple[AccessEntry, ...] = (),
    principal: Principal | None = None,
) -> str:
    """A token signed with the registry's current key, issued at `at` (default now)."""

    async def run(database: Database) -> str:
        clock = FixedClock(at or dt.datetime.now(dt.UTC))
        keys = KeyRing(
            RegistrySigningKeyStore(database),
            KeyEncryptionKey.load_or_create(shared_key_file()),
            clock,
            "ES256",
        )
        await keys.reload()
        tokens = RegistryTokens(
            keys,
            clock,
            login_server,
            access_lifetime=dt.timedelta(minutes=75),
            refresh_lifetime=dt.timedelta(hours=3),
        )
        who = principal or Principal(PrincipalKind.ADMIN, "cerulean", display_name="cerulean")
        if kind == "access":
            return tokens.mint_access(who, mode, access)[0]
        return tokens.mint_refresh(who, mode, ["*"])[0]

    return with_database(database_url, run)
