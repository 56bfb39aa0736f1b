"""A per-node cache of what manifest GETs read: repository switches, tag → digest, digest → manifest.

Writes on this node invalidate a repository's entries at once, so a single node is strongly consistent.
Other nodes' writes are seen within `ttl` seconds: entries expire, which bounds staleness when several
nodes share one database (and costs one database read per key per `ttl` under load).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

    from cerulean.core.digests import Digest
    from cerulean.registry.models import ChangeableAttributes, ManifestRecord, TagRecord

__all__ = ["ContentCache"]

_MAX_ENTRIES_PER_REPOSITORY: Final = 1024
_K = TypeVar("_K")
_V = TypeVar("_V")


@dataclass(slots=True)
class _Entry:
    expires: float
    attributes: ChangeableAttributes | None
    tags: dict[str, tuple[float, TagRecord | None]] = field(default_factory=dict)
    manifests: dict[Digest, tuple[float, ManifestRecord | None]] = field(default_factory=dict)


class ContentCache:
    """Bounded, expiring, invalidated per repository. `None` values cache a known absence."""

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
        self._repositories: OrderedDict[str, _Entry] = OrderedDict()

    @property
    def enabled(self) -> bool:
        """A zero ttl turns the cache off."""
        return self._ttl > 0

    def invalidate(self, repository: str) -> None:
        """Forget everything about `repository` (after any write to it)."""
        self._repositories.pop(repository, None)

    def clear(self) -> None:
        """Forget everything."""
        self._repositories.clear()

    def _entry(self, repository: str) -> _Entry | None:
        entry = self._repositories.get(repository)
        if entry is None:
            return None
        if entry.expires <= self._now():
            del self._repositories[repository]
            return None
        self._repositories.move_to_end(repository)
        return entry

    def attributes(self, repository: str) -> tuple[bool, ChangeableAttributes | None]:
        """(hit, repository switches or None when the repository does not exist)."""
        entry = self._entry(repository)
        return (False, None) if entry is None else (True, entry.attributes)

    def put_attributes(self, repository: str, attributes: ChangeableAttributes | None) -> None:
        """Remember a repository's switches (None: it does not exist)."""
        if not self.enabled:
            return
        self._repositories[repository] = _Entry(self._now() + self._ttl, attributes)
        self._repositories.move_to_end(repository)
        while len(self._repositories) > self._max_repositories:
            self._repositories.popitem(last=False)

    def tag(self, repository: str, tag: str) -> tuple[bool, TagRecord | None]:
        """(hit, tag record or None when the tag does not exist)."""
        entry = self._entry(repository)
        cached = None if entry is None else entry.tags.get(tag)
        if cached is None or cached[0] <= self._now():
            return False, None
        return True, cached[1]

    def put_tag(self, repository: str, tag: str, record: TagRecord | None) -> None:
        """Remember a tag (only while the repository entry is cached)."""
        entry = self._entry(repository)
        if entry is not None:
            _bounded_put(entry.tags, tag, (self._now() + self._ttl, record))

    def manifest(self, repository: str, digest: Digest) -> tuple[bool, ManifestRecord | None]:
        """(hit, manifest or None when it does not exist)."""
        entry = self._entry(repository)
        cached = None if entry is None else entry.manifests.get(digest)
        if cached is None or cached[0] <= self._now():
            return False, None
        return True, cached[1]

    def put_manifest(self, repository: str, digest: Digest, record: ManifestRecord | None) -> None:
        """Remember a manifest (only while the repository entry is cached)."""
        entry = self._entry(repository)
        if entry is not None:
            _bounded_put(entry.manifests, digest, (self._now() + self._ttl, record))


def _bounded_put(mapping: dict[_K, _V], key: _K, value: _V) -> None:
    if len(mapping) >= _MAX_ENTRIES_PER_REPOSITORY and key not in mapping:
        mapping.pop(next(iter(mapping)))
    mapping[key] = value
