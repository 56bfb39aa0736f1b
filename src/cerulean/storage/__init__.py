"""Blob storage drivers: content-addressed blobs and in-progress uploads.

Each driver implements `cerulean.registry.interfaces.BlobStore` and passes the shared conformance suite in
``tests/conformance/storage``.
"""

from cerulean.storage.filesystem import FilesystemBlobStore
from cerulean.storage.memory import MemoryBlobStore

__all__ = ["FilesystemBlobStore", "MemoryBlobStore"]
