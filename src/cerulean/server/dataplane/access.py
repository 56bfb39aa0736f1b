"""What each data-plane request needs, and the gate that decides whether the caller has it.

Routes declare a `RequiredAccess` in `cerulean.server.dataplane.routes.ROUTES`; the dispatcher turns it
into concrete `ScopeNeed` values (with the repository name filled in, plus the source repository of a
cross-repository mount) and asks the `AccessGate` before any handler runs. The registry-authentication
issue plugs the token check in here; until then `OpenGate` serves everyone anonymously.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = ["AccessGate", "OpenGate", "RequiredAccess", "ScopeNeed"]


@dataclass(frozen=True, slots=True)
class RequiredAccess:
    """A route's need, before the repository name is known.

    `actions` are all needed; `alternative`, when set, is another set of actions that suffices on its
    own (tag listing: ``pull``, or ``metadata_read`` as ACR's metadata clients ask). `challenge` is the
    action list a 401 challenge asks for (pushes ask ``pull,push`` as Docker does).
    """

    resource_type: str
    actions: frozenset[str]
    alternative: frozenset[str] | None = None
    challenge: tuple[str, ...] = ()

    @classmethod
    def repository(
        cls,
        *actions: str,
        alternative: tuple[str, ...] | None = None,
        challenge: tuple[str, ...] = (),
    ) -> RequiredAccess:
        """A need on the request's repository."""
        return cls(
            "repository",
            frozenset(actions),
            None if alternative is None else frozenset(alternative),
            challenge or actions,
        )

    @classmethod
    def catalog(cls) -> RequiredAccess:
        """ACR's catalog scope, ``registry:catalog:*`` (the only action it has, even to read)."""
        return cls("registry", frozenset({"*"}), None, ("*",))


@dataclass(frozen=True, slots=True)
class ScopeNeed:
    """A concrete need: ``<type>:<name>:<actions>``, e.g. ``repository:team/app:pull``."""

    resource_type: str
    name: str
    actions: frozenset[str]
    alternative: frozenset[str] | None
    challenge: tuple[str, ...]

    @property
    def scope(self) -> str:
        """The Docker token scope string a challenge carries."""
        return f"{self.resource_type}:{self.name}:{','.join(self.challenge)}"


class AccessGate(Protocol):
    """Decides whether a request may proceed; raises the protocol error (401/403) if not."""

    async def authorize(self, request: Request, needs: tuple[ScopeNeed, ...]) -> None:
        """Return if every need is met, else raise."""
        ...


class OpenGate:
    """Serves every request anonymously (no authentication configured)."""

    async def authorize(self, request: Request, needs: tuple[ScopeNeed, ...]) -> None:  # noqa: ARG002 - the port's signature
        """Allow."""
        return
