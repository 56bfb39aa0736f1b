"""Where the filesystem driver keeps things, drawn once.

    <root>/
    ├── blobs/
    │   └── <algorithm>/            sha256 | sha512
    │       └── <first two hex>/
    │           └── <encoded>       a committed blob: complete, digest-verified, fsynced, read-only
    └── uploads/
        └── <upload id>             bytes of an upload in progress (32 lowercase hex characters)

Every path is derived from a validated `Digest` (lowercase hex only) or a validated upload id, never from
client text, so nothing can escape the root. A blob appears under ``blobs/`` only by an atomic rename of
a fully written, fsynced upload file: a crash at any moment leaves either no blob or a whole one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from cerulean.registry.errors import BlobUploadUnknownError

if TYPE_CHECKING:
    from pathlib import Path

    from cerulean.core.digests import Digest

__all__ = ["StorageLayout"]

_UPLOAD_ID: Final = re.compile(r"[0-9a-f]{32}")


class StorageLayout:
    """Maps digests and upload ids to paths under one root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.blobs = root / "blobs"
        self.uploads = root / "uploads"

    def blob(self, digest: Digest) -> Path:
        """Path of a committed blob."""
        return self.blobs / digest.algorithm / digest.encoded[:2] / digest.encoded

    def upload(self, upload_id: str) -> Path:
        """Path of an upload's data; refuses ids that are not 32 lowercase hex characters."""
        return self.uploads / self.check_upload_id(upload_id)

    @staticmethod
    def check_upload_id(upload_id: str) -> str:
        """Return `upload_id` if it is 32 lowercase hex characters, else raise BlobUploadUnknownError."""
        if _UPLOAD_ID.fullmatch(upload_id) is None:
            raise BlobUploadUnknownError
        return upload_id
