"""az's ``--repository REPO ACTION [ACTION ...]``, repeatable, for scope maps and tokens.

click gives an option exactly one value, so a command taking these flags accepts extra arguments
and reads them here, in order: each flag starts a group, its first word is the repository (``*`` or
a ``prefix/*`` wildcard allowed), the rest are actions. Anything outside a group is refused, so a
mistyped option is never silently ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import typer

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["ACTIONS", "RepositoryGrant", "grants_from", "scope_map_actions"]

ACTIONS: Final = ("content/read", "content/write", "content/delete", "metadata/read", "metadata/write")
_PREFIX: Final = "repositories/"

RepositoryGrant = tuple[str, tuple[str, ...]]


def grants_from(args: Sequence[str], flags: Sequence[str]) -> dict[str, list[RepositoryGrant]]:
    """The groups of each flag in `flags`, from a command's extra arguments."""
    found: dict[str, list[RepositoryGrant]] = {flag: [] for flag in flags}
    current: list[str] | None = None
    groups: list[tuple[str, list[str]]] = []
    for arg in args:
        if arg in found:
            current = []
            groups.append((arg, current))
        elif current is None or arg.startswith("-"):
            raise typer.BadParameter(f"unrecognized argument {arg!r}", param_hint="arguments")
        else:
            current.append(arg)
    for flag, words in groups:
        if len(words) < 2:  # noqa: PLR2004 - a repository and at least one action
            raise typer.BadParameter("expected REPOSITORY ACTION [ACTION ...]", param_hint=flag)
        repository, *actions = words
        unknown = [a for a in actions if a not in ACTIONS]
        if unknown:
            raise typer.BadParameter(
                f"unknown action {unknown[0]!r}; expected one of {', '.join(ACTIONS)}", param_hint=flag
            )
        found[flag].append((repository, tuple(dict.fromkeys(actions))))
    return found


def scope_map_actions(grants: Sequence[RepositoryGrant]) -> list[str]:
    """``repositories/<repository>/<action>`` strings, in order, without repeats."""
    return list(
        dict.fromkeys(
            f"{_PREFIX}{repository}/{action}" for repository, actions in grants for action in actions
        )
    )
