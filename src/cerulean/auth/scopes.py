"""Docker token scopes as clients send them, and the challenge header ACR's clients parse.

A token request may carry several `scope` fields, each of which may hold several scopes separated by
spaces (`registry:catalog:* repository:*:pull`). The challenge must be exactly
``Bearer realm="…",service="…",scope="…"`` — no space after a comma: the Azure SDK and CLI split it
naively (azure-clients.md §3.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["MAX_SCOPES", "challenge", "split_scopes"]

MAX_SCOPES: Final = 64


def split_scopes(values: Iterable[str]) -> list[str]:
    """Every scope in the `scope` fields, in order, without duplicates (at most `MAX_SCOPES`)."""
    found: dict[str, None] = {}
    for value in values:
        for item in value.split():
            found.setdefault(item, None)
            if len(found) >= MAX_SCOPES:
                return list(found)
    return list(found)


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def challenge(realm: str, service: str, scope: str | None = None, error: str | None = None) -> str:
    """The `WWW-Authenticate` value of a 401."""
    parts = [f'Bearer realm="{_quoted(realm)}"', f'service="{_quoted(service)}"']
    if scope:
        parts.append(f'scope="{_quoted(scope)}"')
    if error:
        parts.append(f'error="{error}"')
    return ",".join(parts)
