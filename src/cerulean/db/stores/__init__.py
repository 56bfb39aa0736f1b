"""Stores implementing the registry's `MetadataStore` port on SQLAlchemy Core, one module per aggregate."""

from cerulean.db.stores.blobs import BlobLinkStore
from cerulean.db.stores.manifests import ManifestStore
from cerulean.db.stores.repositories import RepositoryStore
from cerulean.db.stores.tags import TagStore
from cerulean.db.stores.uploads import UploadStore

__all__ = ["SqlMetadataStore"]


class SqlMetadataStore(RepositoryStore, BlobLinkStore, ManifestStore, TagStore, UploadStore):
    """The registry's metadata on SQLite or PostgreSQL."""
