"""Who is asking: an Entra principal, the admin account, a repository-scoped token, or nobody.

Entra principals (users, groups, service principals, managed identities) are matched to role
assignments by object id, together with every group they belong to — the `group_ids` the caller's
token carried plus the transitive closure over the snapshot's group memberships. The other three kinds
never match an assignment: the admin account has every repository right while `adminUserEnabled`, a
token has exactly its scope map, and the anonymous caller may pull when anonymous pull is on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from cerulean.access.errors import InvalidAssignmentError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from cerulean.access.conditions.attributes import AttributeValue

__all__ = ["Principal", "PrincipalKind"]


class PrincipalKind(StrEnum):
    """The kinds of caller ACR distinguishes."""

    USER = "User"
    GROUP = "Group"
    SERVICE_PRINCIPAL = "ServicePrincipal"
    MANAGED_IDENTITY = "ManagedIdentity"
    ADMIN = "Admin"
    TOKEN = "Token"  # noqa: S105 - a kind of caller, not a secret
    ANONYMOUS = "Anonymous"

    @property
    def is_entra(self) -> bool:
        """Whether role assignments can name principals of this kind."""
        return self in _ENTRA


_ENTRA = frozenset(
    {
        PrincipalKind.USER,
        PrincipalKind.GROUP,
        PrincipalKind.SERVICE_PRINCIPAL,
        PrincipalKind.MANAGED_IDENTITY,
    }
)


@dataclass(frozen=True, slots=True)
class Principal:
    """A caller. `object_id` is the Entra object id, the admin username, or the token name.

    `attributes` are the principal's Entra custom security attributes (`@Principal[...]` in a
    condition), keyed `attributeSet_attribute` as Azure writes them.
    """

    kind: PrincipalKind
    object_id: str = ""
    tenant_id: str = ""
    group_ids: frozenset[str] = frozenset()
    display_name: str = ""
    attributes: Mapping[str, AttributeValue] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, hash=False
    )

    def __post_init__(self) -> None:
        if self.kind.is_entra:
            if not self.object_id.strip():
                raise InvalidAssignmentError(f"a {self.kind} principal needs an object id")
            object.__setattr__(self, "object_id", self.object_id.strip().lower())
        elif self.kind is PrincipalKind.TOKEN and not self.object_id.strip():
            raise InvalidAssignmentError("a token principal needs the token name")
        object.__setattr__(self, "tenant_id", self.tenant_id.strip().lower())
        object.__setattr__(self, "group_ids", frozenset(g.strip().lower() for g in self.group_ids))
        object.__setattr__(self, "attributes", MappingProxyType(dict(self.attributes)))

    @classmethod
    def user(
        cls,
        object_id: str,
        *,
        tenant_id: str = "",
        group_ids: Iterable[str] = (),
        attributes: Mapping[str, AttributeValue] | None = None,
    ) -> Principal:
        """An Entra user."""
        return cls(PrincipalKind.USER, object_id, tenant_id, frozenset(group_ids), "", attributes or {})

    @classmethod
    def service_principal(
        cls, object_id: str, *, tenant_id: str = "", group_ids: Iterable[str] = ()
    ) -> Principal:
        """An Entra service principal (use its object id, not the application id)."""
        return cls(PrincipalKind.SERVICE_PRINCIPAL, object_id, tenant_id, frozenset(group_ids))

    @classmethod
    def managed_identity(
        cls, object_id: str, *, tenant_id: str = "", group_ids: Iterable[str] = ()
    ) -> Principal:
        """A system- or user-assigned managed identity (its principal id)."""
        return cls(PrincipalKind.MANAGED_IDENTITY, object_id, tenant_id, frozenset(group_ids))

    @classmethod
    def group(cls, object_id: str, *, tenant_id: str = "") -> Principal:
        """A group, asked about directly (for `explain`)."""
        return cls(PrincipalKind.GROUP, object_id, tenant_id)

    @classmethod
    def admin(cls, username: str = "") -> Principal:
        """The registry's admin account."""
        return cls(PrincipalKind.ADMIN, username)

    @classmethod
    def token(cls, name: str) -> Principal:
        """A repository-scoped (non-Entra) token, by name."""
        return cls(PrincipalKind.TOKEN, name.strip())

    @classmethod
    def anonymous(cls) -> Principal:
        """A caller with no credentials."""
        return cls(PrincipalKind.ANONYMOUS)

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        """A short human description."""
        if self.kind is PrincipalKind.ANONYMOUS:
            return "anonymous caller"
        if self.kind is PrincipalKind.ADMIN:
            return f"admin account {self.object_id!r}" if self.object_id else "admin account"
        if self.kind is PrincipalKind.TOKEN:
            return f"token {self.object_id!r}"
        label = self.display_name or self.object_id
        return f"{self.kind} {label}"
