"""Stores implementing the registry's `MetadataStore` port on SQLAlchemy Core, one module per aggregate."""

from cerulean.db.stores.applications import ApplicationStore
from cerulean.db.stores.audit import SqlAuditLog
from cerulean.db.stores.blobs import BlobLinkStore
from cerulean.db.stores.credentials import SqlCredentialStore
from cerulean.db.stores.directory import DirectoryObjectStore
from cerulean.db.stores.manifests import ManifestStore
from cerulean.db.stores.network import SqlPrivateEndpointStore
from cerulean.db.stores.repositories import RepositoryStore
from cerulean.db.stores.resources import SqlResourceStore
from cerulean.db.stores.signins import IdentityStateStore, RegistrySigningKeyStore
from cerulean.db.stores.tags import TagStore
from cerulean.db.stores.uploads import UploadStore

__all__ = [
    "RegistrySigningKeyStore",
    "SqlAuditLog",
    "SqlCredentialStore",
    "SqlDirectoryStore",
    "SqlMetadataStore",
    "SqlPrivateEndpointStore",
    "SqlResourceStore",
]


class SqlMetadataStore(RepositoryStore, BlobLinkStore, ManifestStore, TagStore, UploadStore):
    """One registry's metadata on SQLite or PostgreSQL (other registries' content shares the tables)."""


class SqlDirectoryStore(DirectoryObjectStore, ApplicationStore, IdentityStateStore):
    """The identity provider's directory, signing keys, device codes and sign-in log."""
