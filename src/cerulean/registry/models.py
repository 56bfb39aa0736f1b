"""The registry's records: plain frozen values passed between the service and its stores."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    import datetime as dt

    from cerulean.core.digests import Digest

__all__ = [
    "BlobRecord",
    "ChangeableAttributes",
    "ManifestRecord",
    "Page",
    "Platform",
    "Reference",
    "RepositoryRecord",
    "TagRecord",
    "UploadSession",
]


@dataclass(frozen=True, slots=True)
class ChangeableAttributes:
    """ACR's lock switches on a repository, tag or manifest (``changeableAttributes``)."""

    delete_enabled: bool = True
    write_enabled: bool = True
    list_enabled: bool = True
    read_enabled: bool = True

    def updated(
        self,
        *,
        delete_enabled: bool | None = None,
        write_enabled: bool | None = None,
        list_enabled: bool | None = None,
        read_enabled: bool | None = None,
    ) -> ChangeableAttributes:
        """Return a copy with the given switches changed and the others kept."""
        return replace(
            self,
            delete_enabled=self.delete_enabled if delete_enabled is None else delete_enabled,
            write_enabled=self.write_enabled if write_enabled is None else write_enabled,
            list_enabled=self.list_enabled if list_enabled is None else list_enabled,
            read_enabled=self.read_enabled if read_enabled is None else read_enabled,
        )


@dataclass(frozen=True, slots=True)
class RepositoryRecord:
    """A repository and its counters."""

    name: str
    created_at: dt.datetime
    updated_at: dt.datetime
    attributes: ChangeableAttributes = ChangeableAttributes()
    manifest_count: int = 0
    tag_count: int = 0


@dataclass(frozen=True, slots=True)
class Platform:
    """The platform of an image, as ACR reports it for manifests and index entries."""

    architecture: str | None = None
    os: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    """One descriptor a manifest points to: a blob (config, layer) or a child manifest."""

    digest: Digest
    is_manifest: bool
    platform: Platform = Platform()


@dataclass(frozen=True, slots=True)
class ManifestRecord:
    """A stored manifest: its exact bytes and what the registry derived from them."""

    digest: Digest
    media_type: str
    payload: bytes
    created_at: dt.datetime
    updated_at: dt.datetime
    artifact_type: str | None = None
    config_media_type: str | None = None
    subject: Digest | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    platform: Platform = Platform()
    references: tuple[Reference, ...] = ()
    attributes: ChangeableAttributes = ChangeableAttributes()
    image_size: int = 0
    tags: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        """The manifest's own size in bytes."""
        return len(self.payload)


@dataclass(frozen=True, slots=True)
class TagRecord:
    """A tag and the manifest it points to."""

    name: str
    digest: Digest
    created_at: dt.datetime
    updated_at: dt.datetime
    attributes: ChangeableAttributes = ChangeableAttributes()


@dataclass(frozen=True, slots=True)
class BlobRecord:
    """A blob as linked into one repository."""

    digest: Digest
    size: int
    media_type: str | None = None


@dataclass(frozen=True, slots=True)
class UploadSession:
    """A resumable blob upload; the database row is the truth, so any node can continue it."""

    id: str
    repository: str
    size: int
    created_at: dt.datetime
    updated_at: dt.datetime
    algorithm: str = "sha256"


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing and whether another follows."""

    items: tuple[T, ...]
    has_more: bool
