"""The OCI domain: manifests, blobs, uploads, tags, referrers and lock switches.

`RegistryService` is the facade the HTTP edge calls.
"""

from cerulean.registry.content import ContentService, PushedManifest, Referrers
from cerulean.registry.models import (
    BlobRecord,
    ChangeableAttributes,
    ManifestRecord,
    Page,
    Platform,
    Reference,
    RepositoryRecord,
    TagRecord,
    UploadSession,
)
from cerulean.registry.properties import AttributeChanges, DeletedRepository, PropertiesService
from cerulean.registry.service import RegistryService
from cerulean.registry.uploads import UploadService

__all__ = [
    "AttributeChanges",
    "BlobRecord",
    "ChangeableAttributes",
    "ContentService",
    "DeletedRepository",
    "ManifestRecord",
    "Page",
    "Platform",
    "PropertiesService",
    "PushedManifest",
    "Reference",
    "Referrers",
    "RegistryService",
    "RepositoryRecord",
    "TagRecord",
    "UploadService",
    "UploadSession",
]
