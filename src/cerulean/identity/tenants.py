"""Which tenant a request's first path segment names: a tenant id, a domain, or an alias.

`common`, `organizations` and `adfs` are aliases Entra and MSAL use; a single-directory server maps them
to its home tenant (the first one created), which is also what the issued tokens' `tid` then says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from cerulean.identity.errors import InvalidTenantError

if TYPE_CHECKING:
    from cerulean.identity.interfaces import DirectoryReader
    from cerulean.identity.models import Tenant

__all__ = ["ALIASES", "TenantResolver"]

ALIASES: Final = frozenset({"common", "organizations", "adfs"})
_MAX_SEGMENT: Final = 256
_MAX_KNOWN: Final = 10_000


class TenantResolver:
    """Resolves path segments to tenants, remembering the home tenant once known."""

    def __init__(self, directory: DirectoryReader) -> None:
        self._directory = directory
        self._home: Tenant | None = None
        self._known: dict[str, Tenant] = {}  # tenants are never deleted, so a found one stays valid

    async def home(self) -> Tenant:
        """The first tenant (created on first start)."""
        if self._home is None:
            tenants = await self._directory.list_tenants()
            if not tenants:
                raise InvalidTenantError(90002, "No tenant exists yet.")
            self._home = tenants[0]
        return self._home

    async def resolve(self, segment: str) -> Tenant:
        """The tenant named by `segment`; `AADSTS90002` if there is none."""
        name = segment.strip().lower()
        if name in ALIASES:
            return await self.home()
        tenant = self._known.get(name)
        if tenant is None and 0 < len(name) <= _MAX_SEGMENT:
            tenant = await self._directory.get_tenant(name) or await self._directory.tenant_by_domain(name)
            if tenant is not None and len(self._known) < _MAX_KNOWN:
                self._known[name] = tenant
        if tenant is None:
            raise InvalidTenantError(
                90002,
                f"Tenant '{segment[:100]}' not found. Check to make sure you have the correct tenant ID "
                "and are signing into the correct cloud. Check with your subscription administrator, this "
                "may happen if there are no active subscriptions for the tenant.",
            )
        return tenant
