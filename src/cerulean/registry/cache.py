"""A per-node cache of what manifest GETs read: repository switches, tag → digest, digest → manifest.

Writes on this node invalidate a repository's entries at once, so a single node is strongly consistent.
Other nodes' writes are seen within `ttl` seconds: entries expire, which bounds staleness when several
nodes share one database.

Under load, many requests miss the same key at the same moment (when it expires): only the first loads
it, the others wait for that load (single flight), so the database sees one query per key per `ttl`. A
load that overlaps a write is used by its own callers but not kept: the write's invalidation wins.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Final, TypeVar

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Hashable

__all__ = ["ContentCache"]

_MAX_ENTRIES_PER_REPOSITORY: Final = 1024
_V = TypeVar("_V")


class _LeaderGone(Exception):  # noqa: N818 - an internal signal, never seen outside this module
    """The request that was loading a key was cancelled; a waiter loads it itself."""


class ContentCache:
    """Bounded, expiring, invalidated per repository, loading each missing key once at a time."""

    def __init__(
        self,
        *,
        ttl: float = 1.0,
        max_repositories: int = 1024,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max_repositories = max_repositories
        self._now = monotonic
        self._repositories: OrderedDict[str, dict[Hashable, tuple[float, object]]] = OrderedDict()
        self._loading: dict[tuple[str, Hashable], asyncio.Future[object]] = {}
        self._generation = 0

    @property
    def enabled(self) -> bool:
        """A zero ttl turns the cache off."""
        return self._ttl > 0

    def invalidate(self, repository: str) -> None:
        """Forget everything about `repository` (after any write to it)."""
        self._repositories.pop(repository, None)
        self._generation += 1

    def clear(self) -> None:
        """Forget everything."""
        self._repositories.clear()
        self._generation += 1

    def peek(self, repository: str, key: Hashable) -> tuple[bool, object]:
        """(hit, value) without loading."""
        entries = self._repositories.get(repository)
        cached = None if entries is None else entries.get(key)
        if cached is None or cached[0] <= self._now():
            return False, None
        self._repositories.move_to_end(repository)
        return True, cached[1]

    def put(self, repository: str, key: Hashable, value: object) -> None:
        """Remember a value (None is a remembered absence)."""
        if not self.enabled:
            return
        entries = self._repositories.get(repository)
        if entries is None:
            entries = self._repositories[repository] = {}
            while len(self._repositories) > self._max_repositories:
                self._repositories.popitem(last=False)
        elif len(entries) >= _MAX_ENTRIES_PER_REPOSITORY and key not in entries:
            entries.pop(next(iter(entries)))
        entries[key] = (self._now() + self._ttl, value)
        self._repositories.move_to_end(repository)

    async def get(self, repository: str, key: Hashable, load: Callable[[], Awaitable[_V]]) -> _V:
        """The cached value, or `load()`'s, loading it only once however many ask at the same time."""
        hit, value = self.peek(repository, key)
        if hit:
            return value  # type: ignore[return-value]
        flight = (repository, key)
        while (leader := self._loading.get(flight)) is not None:
            try:
                shared = await asyncio.shield(leader)
            except _LeaderGone:
                continue
            return shared  # type: ignore[return-value]
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        self._loading[flight] = future
        generation = self._generation
        try:
            loaded = await load()
        except BaseException as exc:
            del self._loading[flight]
            future.set_exception(exc if isinstance(exc, Exception) else _LeaderGone())
            future.exception()  # retrieved here: there may be no waiter to see it
            raise
        del self._loading[flight]
        if generation == self._generation:
            self.put(repository, key, loaded)
        future.set_result(loaded)
        return loaded
