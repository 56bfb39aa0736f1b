"""SQLAlchemy tables, one module per aggregate."""

from cerulean.db.tables.base import Base
from cerulean.db.tables.blobs import RepositoryBlobRow
from cerulean.db.tables.manifests import ManifestReferenceRow, ManifestRow
from cerulean.db.tables.repositories import RepositoryRow
from cerulean.db.tables.tags import TagRow
from cerulean.db.tables.uploads import UploadRow

__all__ = [
    "Base",
    "ManifestReferenceRow",
    "ManifestRow",
    "RepositoryBlobRow",
    "RepositoryRow",
    "TagRow",
    "UploadRow",
]
