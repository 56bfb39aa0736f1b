"""Reading and writing repository content: blobs, manifests, tags, referrers, the catalog.

The pull path (`manifest`, `blob`) reads through `ContentCache`; every write here invalidates the
repository it touched before returning, so this node never serves what it just changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.core.digests import Digest, InvalidDigestError
from cerulean.core.names import is_valid_tag
from cerulean.registry import mediatypes as mt
from cerulean.registry.errors import (
    BlobUnknownError,
    DigestInvalidError,
    ManifestBlobUnknownError,
    ManifestTooLargeError,
    ManifestUnknownError,
    NameUnknownError,
    TagInvalidError,
)
from cerulean.registry.locks import require_deletable, require_readable, require_writable
from cerulean.registry.manifests import ParsedManifest, parse_manifest
from cerulean.registry.models import (
    BlobRecord,
    ChangeableAttributes,
    ManifestRecord,
    Page,
    Platform,
    Reference,
    TagRecord,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

    from cerulean.core.clock import Clock
    from cerulean.registry.cache import ContentCache
    from cerulean.registry.interfaces import BlobStore, MetadataStore

__all__ = ["ContentService", "PushedManifest", "Referrers", "parse_digest", "parse_reference"]

MAX_MANIFEST_BYTES: Final = 4 << 20
_ATTRIBUTES: Final = "attributes"  # cache keys besides digests (which key manifests)
_TAG: Final = "tag"
_MAX_CONFIG_BYTES: Final = 1 << 20


def parse_digest(text: str) -> Digest:
    """A digest from the client, or DIGEST_INVALID."""
    try:
        return Digest.parse(text)
    except InvalidDigestError as exc:
        raise DigestInvalidError(str(exc), detail={"digest": text[:256]}) from exc


def parse_reference(reference: str) -> Digest | str:
    """A manifest reference: a digest if it has a colon, else a tag (grammar checked by the caller)."""
    return parse_digest(reference) if ":" in reference else reference


@dataclass(frozen=True, slots=True)
class PushedManifest:
    """What a manifest PUT stored."""

    digest: Digest
    subject: Digest | None
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Referrers:
    """A referrers listing as an OCI image index, and whether a filter was applied."""

    index: bytes
    filtered: bool


class ContentService:
    """Blobs, manifests, tags and referrers of repositories."""

    def __init__(
        self,
        blobs: BlobStore,
        metadata: MetadataStore,
        cache: ContentCache,
        clock: Clock,
        *,
        max_manifest_bytes: int = MAX_MANIFEST_BYTES,
    ) -> None:
        self._blobs = blobs
        self._metadata = metadata
        self._cache = cache
        self._clock = clock
        self.max_manifest_bytes = max_manifest_bytes

    # -- lookups through the cache ------------------------------------------------------------

    async def repository_attributes(self, repository: str) -> ChangeableAttributes | None:
        """The repository's switches, or None if it does not exist."""
        return await self._cache.get(
            repository, _ATTRIBUTES, lambda: self._metadata.repository_attributes(repository)
        )

    async def _tag(self, repository: str, tag: str) -> TagRecord | None:
        return await self._cache.get(repository, (_TAG, tag), lambda: self._metadata.get_tag(repository, tag))

    async def _manifest(self, repository: str, digest: Digest) -> ManifestRecord | None:
        return await self._cache.get(
            repository, digest, lambda: self._metadata.get_manifest(repository, digest)
        )

    async def _existing_repository(self, repository: str) -> ChangeableAttributes:
        attributes = await self.repository_attributes(repository)
        if attributes is None:
            raise NameUnknownError(detail={"name": repository})
        return attributes

    # -- blobs ---------------------------------------------------------------------------------

    async def blob(self, repository: str, digest: Digest) -> BlobRecord:
        """A blob this repository may serve (size from storage, the authority on bytes)."""
        attributes = await self.repository_attributes(repository)
        if attributes is None:
            raise BlobUnknownError(detail={"digest": str(digest)})
        require_readable(attributes)
        if await self._metadata.get_blob(repository, digest) is None:
            raise BlobUnknownError(detail={"digest": str(digest)})
        size = await self._blobs.stat(digest)
        if size is None:
            raise BlobUnknownError(detail={"digest": str(digest)})
        return BlobRecord(digest=digest, size=size)

    async def blob_redirect(self, digest: Digest) -> str | None:
        """Where the client may fetch the blob directly (object stores), if anywhere."""
        return await self._blobs.redirect_url(digest)

    def read_blob(self, digest: Digest, offset: int, length: int) -> AsyncIterator[bytes | memoryview]:
        """Stream part of a blob (call `blob` first: it checks the repository may serve it)."""
        return self._blobs.read(digest, offset, length)

    async def delete_blob(self, repository: str, digest: Digest) -> None:
        """Unlink a blob from a repository (its bytes are left for garbage collection)."""
        attributes = await self.repository_attributes(repository)
        if attributes is None:
            raise BlobUnknownError(detail={"digest": str(digest)})
        require_deletable(attributes)
        if not await self._metadata.unlink_blob(repository, digest):
            raise BlobUnknownError(detail={"digest": str(digest)})
        self._cache.invalidate(repository)

    # -- manifests -----------------------------------------------------------------------------

    async def manifest(self, repository: str, reference: Digest | str) -> ManifestRecord:
        """The manifest a tag or digest names, if every lock level allows reading it."""
        cached = self._cached_manifest(repository, reference)
        if cached is not None:
            return cached
        attributes = await self._existing_repository(repository)
        tag_attributes = None
        if isinstance(reference, str):
            tag = await self._tag(repository, reference) if is_valid_tag(reference) else None
            if tag is None:
                raise ManifestUnknownError(detail={"tag": reference[:128]})
            digest, tag_attributes = tag.digest, tag.attributes
        else:
            digest = reference
        record = await self._manifest(repository, digest)
        if record is None:
            raise ManifestUnknownError(detail={"digest": str(digest)})
        require_readable(attributes, record.attributes, tag_attributes)
        return record

    def _cached_manifest(self, repository: str, reference: Digest | str) -> ManifestRecord | None:
        """The hot path: everything already cached and readable, answered without awaiting."""
        peek = self._cache.peek
        attributes = peek(repository, _ATTRIBUTES)[1]
        if not isinstance(attributes, ChangeableAttributes) or not attributes.read_enabled:
            return None
        if isinstance(reference, str):
            tag = peek(repository, (_TAG, reference))[1]
            if not isinstance(tag, TagRecord) or not tag.attributes.read_enabled:
                return None
            reference = tag.digest
        record = peek(repository, reference)[1]
        if not isinstance(record, ManifestRecord) or not record.attributes.read_enabled:
            return None
        return record

    async def put_manifest(
        self,
        repository: str,
        reference: Digest | str,
        payload: bytes,
        content_type: str | None,
        extra_tags: Sequence[str] = (),
    ) -> PushedManifest:
        """Validate and store a manifest, then point the tags at it."""
        if len(payload) > self.max_manifest_bytes:
            raise ManifestTooLargeError(f"manifest exceeds {self.max_manifest_bytes} bytes")
        tags = [reference] if isinstance(reference, str) else []
        tags += [t for t in extra_tags if t not in tags]
        for tag in tags:
            if not is_valid_tag(tag):
                raise TagInvalidError(detail={"tag": tag[:128]})
        parsed = parse_manifest(payload, content_type)
        algorithm = reference.algorithm if isinstance(reference, Digest) else "sha256"
        digest = Digest.of(payload, algorithm)
        if isinstance(reference, Digest) and digest != reference:
            raise DigestInvalidError("manifest digest does not match its content")
        attributes = await self.repository_attributes(repository)
        require_writable(attributes)
        for tag in tags:
            existing = await self._metadata.get_tag(repository, tag)
            if existing is not None and existing.digest != digest:
                require_writable(existing.attributes)
        await self._require_references(repository, parsed)
        record = ManifestRecord(
            digest=digest,
            media_type=parsed.media_type,
            payload=payload,
            created_at=self._clock.now(),
            updated_at=self._clock.now(),
            artifact_type=parsed.artifact_type,
            config_media_type=None if parsed.config is None else parsed.config.media_type,
            subject=None if parsed.subject is None else parsed.subject.digest,
            annotations=parsed.annotations,
            platform=await self._platform(parsed),
            references=_references(parsed),
            image_size=len(payload) + sum(d.size for d in (*parsed.blobs, *parsed.children)),
        )
        await self._metadata.put_manifest(repository, record, tags, self._clock.now())
        self._cache.invalidate(repository)
        return PushedManifest(digest=digest, subject=record.subject, tags=tuple(tags))

    async def _require_references(self, repository: str, parsed: ParsedManifest) -> None:
        missing = await self._metadata.missing_blobs(repository, [d.digest for d in parsed.blobs])
        missing += await self._metadata.missing_manifests(repository, [d.digest for d in parsed.children])
        if missing:
            raise ManifestBlobUnknownError(
                f"manifest references {len(missing)} unknown blob(s) or manifest(s)",
                detail={"digests": [str(d) for d in missing[:20]]},
            )

    async def _platform(self, parsed: ParsedManifest) -> Platform:
        config = parsed.config
        if config is None or config.media_type not in {mt.OCI_CONFIG, mt.DOCKER_CONFIG}:
            return Platform()
        if config.size > _MAX_CONFIG_BYTES:
            return Platform()
        data = b"".join([chunk async for chunk in self._blobs.read(config.digest, 0, config.size)])
        try:
            document = json.loads(data)
        except ValueError:
            return Platform()
        if not isinstance(document, dict):
            return Platform()
        architecture, os_name = document.get("architecture"), document.get("os")
        return Platform(
            architecture=architecture if isinstance(architecture, str) else None,
            os=os_name if isinstance(os_name, str) else None,
        )

    async def delete_manifest(self, repository: str, reference: Digest | str) -> None:
        """Delete a manifest by digest (with its tags), or only a tag."""
        attributes = await self._existing_repository(repository)
        require_deletable(attributes)
        if isinstance(reference, str):
            tag = await self._metadata.get_tag(repository, reference) if is_valid_tag(reference) else None
            if tag is None:
                raise ManifestUnknownError(detail={"tag": reference[:128]})
            require_deletable(tag.attributes)
            await self._metadata.delete_tag(repository, reference)
        else:
            record = await self._metadata.get_manifest(repository, reference)
            if record is None:
                raise ManifestUnknownError(detail={"digest": str(reference)})
            require_deletable(record.attributes)
            for tag_name in record.tags:
                tag = await self._metadata.get_tag(repository, tag_name)
                require_deletable(None if tag is None else tag.attributes)
            await self._metadata.delete_manifest(repository, reference)
        self._cache.invalidate(repository)

    # -- listings ------------------------------------------------------------------------------

    async def tag_names(self, repository: str, last: str | None, limit: int) -> Page[str]:
        """A page of tag names in byte order (tags hidden by ``listEnabled`` are left out)."""
        await self._existing_repository(repository)
        page = await self._metadata.list_tags(repository, last, limit, listable_only=True)
        return Page(tuple(t.name for t in page.items), page.has_more)

    async def catalog(self, last: str | None, limit: int) -> Page[str]:
        """A page of repository names in byte order."""
        return await self._metadata.list_repositories(last, limit, listable_only=True)

    async def referrers(self, repository: str, subject: Digest, artifact_type: str | None) -> Referrers:
        """The manifests whose subject is `subject`, as an OCI image index (empty if none)."""
        records = await self._metadata.list_referrers(repository, subject)
        descriptors = []
        for record in records:
            kind = _referrer_artifact_type(record)
            if artifact_type is not None and kind != artifact_type:
                continue
            descriptor: dict[str, object] = {
                "mediaType": record.media_type,
                "digest": str(record.digest),
                "size": record.size,
            }
            if kind is not None:
                descriptor["artifactType"] = kind
            if record.annotations:
                descriptor["annotations"] = record.annotations
            descriptors.append(descriptor)
        index = {"schemaVersion": 2, "mediaType": mt.OCI_INDEX, "manifests": descriptors}
        return Referrers(
            index=json.dumps(index, separators=(",", ":")).encode(),
            filtered=artifact_type is not None,
        )


def _references(parsed: ParsedManifest) -> tuple[Reference, ...]:
    blobs = () if parsed.config is None else (parsed.config,)
    layers = tuple(d for d in parsed.blobs if d is not parsed.config)
    return (
        *(Reference(d.digest, is_manifest=False) for d in (*blobs, *layers)),
        *(Reference(d.digest, is_manifest=True, platform=d.platform) for d in parsed.children),
    )


def _referrer_artifact_type(record: ManifestRecord) -> str | None:
    if record.artifact_type:
        return record.artifact_type
    if record.media_type in mt.IMAGE_MANIFESTS:
        return record.config_media_type
    return None
