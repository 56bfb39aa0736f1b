"""`RegistryService`: the one object the HTTP edge talks to for OCI content."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cerulean.registry.cache import ContentCache
from cerulean.registry.content import MAX_MANIFEST_BYTES, ContentService
from cerulean.registry.properties import PropertiesService
from cerulean.registry.uploads import UploadService

if TYPE_CHECKING:
    from cerulean.core.clock import Clock
    from cerulean.registry.interfaces import BlobStore, MetadataStore

__all__ = ["RegistryService"]


class RegistryService:
    """Uploads, content and properties of one registry, sharing one cache."""

    def __init__(
        self,
        blobs: BlobStore,
        metadata: MetadataStore,
        clock: Clock,
        *,
        cache_ttl: float = 1.0,
        max_manifest_bytes: int = MAX_MANIFEST_BYTES,
    ) -> None:
        self.cache = ContentCache(ttl=cache_ttl)
        self.uploads = UploadService(blobs, metadata, self.cache, clock)
        self.content = ContentService(
            blobs, metadata, self.cache, clock, max_manifest_bytes=max_manifest_bytes
        )
        self.properties = PropertiesService(metadata, self.cache, clock)
