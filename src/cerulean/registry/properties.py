"""ACR's metadata API over repositories, tags and manifests (``/acr/v1/``): details and lock switches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cerulean.core.names import is_valid_tag
from cerulean.registry.errors import (
    DisallowedOperationError,
    ManifestUnknownError,
    NameUnknownError,
    TagUnknownError,
)
from cerulean.registry.locks import require_deletable

if TYPE_CHECKING:
    from cerulean.core.clock import Clock
    from cerulean.core.digests import Digest
    from cerulean.registry.cache import ContentCache
    from cerulean.registry.interfaces import MetadataStore
    from cerulean.registry.models import (
        ChangeableAttributes,
        ManifestRecord,
        Page,
        Reference,
        RepositoryRecord,
        TagRecord,
    )

__all__ = ["AttributeChanges", "DeletedRepository", "PropertiesService"]


@dataclass(frozen=True, slots=True)
class AttributeChanges:
    """The switches a PATCH sets; None leaves a switch as it is."""

    delete_enabled: bool | None = None
    write_enabled: bool | None = None
    list_enabled: bool | None = None
    read_enabled: bool | None = None

    def apply(self, attributes: ChangeableAttributes) -> ChangeableAttributes:
        """The attributes after this change."""
        return attributes.updated(
            delete_enabled=self.delete_enabled,
            write_enabled=self.write_enabled,
            list_enabled=self.list_enabled,
            read_enabled=self.read_enabled,
        )


@dataclass(frozen=True, slots=True)
class DeletedRepository:
    """What deleting a repository removed."""

    manifests: tuple[Digest, ...]
    tags: tuple[str, ...]


class PropertiesService:
    """Repository, tag and manifest properties, with ACR's lock rules."""

    def __init__(self, metadata: MetadataStore, cache: ContentCache, clock: Clock) -> None:
        self._metadata = metadata
        self._cache = cache
        self._clock = clock

    async def repository(self, name: str) -> RepositoryRecord:
        """A repository's properties."""
        record = await self._metadata.get_repository(name)
        if record is None:
            raise NameUnknownError(detail={"name": name})
        return record

    async def update_repository(self, name: str, changes: AttributeChanges) -> RepositoryRecord:
        """Change a repository's switches."""
        current = await self.repository(name)
        updated = await self._metadata.set_repository_attributes(
            name, changes.apply(current.attributes), self._clock.now()
        )
        self._cache.invalidate(name)
        if updated is None:
            raise NameUnknownError(detail={"name": name})
        return updated

    async def delete_repository(self, name: str) -> DeletedRepository:
        """Delete a repository unless it, or anything in it, is locked."""
        current = await self.repository(name)
        require_deletable(current.attributes)
        if await self._metadata.has_locked_content(name):
            raise DisallowedOperationError("the repository holds locked tags or manifests")
        deleted = await self._metadata.delete_repository(name)
        self._cache.invalidate(name)
        if deleted is None:
            raise NameUnknownError(detail={"name": name})
        return DeletedRepository(manifests=tuple(deleted[0]), tags=tuple(deleted[1]))

    async def tags(
        self, name: str, last: str | None, limit: int, order: str, digest: Digest | None
    ) -> Page[TagRecord]:
        """A page of tag details."""
        await self.repository(name)
        return await self._metadata.list_tags(
            name, last, limit, order=order, digest=digest, listable_only=True
        )

    async def tag(self, name: str, tag: str) -> TagRecord:
        """One tag's details."""
        await self.repository(name)
        record = await self._metadata.get_tag(name, tag) if is_valid_tag(tag) else None
        if record is None:
            raise TagUnknownError(detail={"tag": tag[:128]})
        return record

    async def update_tag(self, name: str, tag: str, changes: AttributeChanges) -> TagRecord:
        """Change a tag's switches."""
        current = await self.tag(name, tag)
        await self._metadata.set_tag_attributes(
            name, tag, changes.apply(current.attributes), self._clock.now()
        )
        self._cache.invalidate(name)
        return await self.tag(name, tag)

    async def delete_tag(self, name: str, tag: str) -> None:
        """Untag, unless the repository or the tag is locked."""
        repository = await self.repository(name)
        current = await self.tag(name, tag)
        require_deletable(repository.attributes, current.attributes)
        await self._metadata.delete_tag(name, tag)
        self._cache.invalidate(name)

    async def manifests(self, name: str, last: str | None, limit: int, order: str) -> Page[ManifestRecord]:
        """A page of manifest details."""
        await self.repository(name)
        return await self._metadata.list_manifests(name, last, limit, order, listable_only=True)

    async def manifest(self, name: str, digest: Digest) -> tuple[ManifestRecord, list[Reference]]:
        """One manifest's details and the manifests it lists (for an index)."""
        await self.repository(name)
        record = await self._metadata.get_manifest(name, digest)
        if record is None:
            raise ManifestUnknownError(detail={"digest": str(digest)})
        references = [r for r in await self._metadata.references_of(name, digest) if r.is_manifest]
        return record, references

    async def update_manifest(
        self, name: str, digest: Digest, changes: AttributeChanges
    ) -> tuple[ManifestRecord, list[Reference]]:
        """Change a manifest's switches."""
        current, _ = await self.manifest(name, digest)
        await self._metadata.set_manifest_attributes(
            name, digest, changes.apply(current.attributes), self._clock.now()
        )
        self._cache.invalidate(name)
        return await self.manifest(name, digest)
