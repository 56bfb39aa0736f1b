"""The metadata database: tables, migrations and the stores that implement the registry's ports."""

from cerulean.db.engine import Database
from cerulean.db.migrate import check, downgrade, migrate
from cerulean.db.stores import (
    RegistrySigningKeyStore,
    SqlAuditLog,
    SqlCredentialStore,
    SqlDirectoryStore,
    SqlMetadataStore,
    SqlPrivateEndpointStore,
    SqlResourceStore,
)

__all__ = [
    "Database",
    "RegistrySigningKeyStore",
    "SqlAuditLog",
    "SqlCredentialStore",
    "SqlDirectoryStore",
    "SqlMetadataStore",
    "SqlPrivateEndpointStore",
    "SqlResourceStore",
    "check",
    "downgrade",
    "migrate",
]
