"""The root of Cerulean's exception tree.

    CeruleanError
    ├── core.digests.InvalidDigestError
    │   └── core.digests.UnsupportedAlgorithmError
    ├── core.names.InvalidNameError / InvalidTagError
    └── each package's own errors (registry.errors, storage, db, ...)

Domain code raises these typed exceptions; only the HTTP edge (`cerulean.server.errors`) turns them into
wire errors.
"""

__all__ = ["CeruleanError"]


class CeruleanError(Exception):
    """Base class of every exception Cerulean raises on purpose."""
