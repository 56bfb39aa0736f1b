"""Registry errors, each carrying its wire identity (OCI ``code``, HTTP status, default message).

    CeruleanError
    └── RegistryError                      code, status, message, detail
        ├── BlobUnknownError               404 BLOB_UNKNOWN
        ├── BlobUploadInvalidError         400 BLOB_UPLOAD_INVALID
        ├── BlobUploadUnknownError         404 BLOB_UPLOAD_UNKNOWN
        ├── DigestInvalidError             400 DIGEST_INVALID
        ├── ManifestBlobUnknownError       400 MANIFEST_BLOB_UNKNOWN
        ├── ManifestInvalidError           400 MANIFEST_INVALID
        │   └── ManifestTooLargeError      413 MANIFEST_INVALID
        ├── ManifestUnknownError           404 MANIFEST_UNKNOWN
        ├── TagUnknownError                404 TAG_UNKNOWN
        ├── NameInvalidError               400 NAME_INVALID
        ├── NameUnknownError               404 NAME_UNKNOWN
        ├── SizeInvalidError               400 SIZE_INVALID
        ├── RangeInvalidError              416 RANGE_INVALID
        ├── UnsupportedError               405 UNSUPPORTED
        ├── DisallowedOperationError       405 REGISTRY_DISALLOWED_OPERATION
        ├── TagInvalidError                400 TAG_INVALID
        ├── PaginationNumberInvalidError   400 PAGINATION_NUMBER_INVALID
        └── RequestInvalidError            400 INVALID_REQUEST

The HTTP edge renders every one of them the same way (`cerulean.server.errors`); nothing here knows HTTP
beyond the number. Where the OCI list has no code, the reference registry's is used: ``RANGE_INVALID``
and ``PAGINATION_NUMBER_INVALID`` (CNCF distribution), ``TAG_INVALID`` (a legacy Docker code the spec
says clients may meet), ``TAG_UNKNOWN`` (ACR's metadata API); ``INVALID_REQUEST`` is for a malformed
body or query of the ACR metadata API.
"""

from __future__ import annotations

from typing import ClassVar

from cerulean.core.errors import CeruleanError

__all__ = [
    "BlobUnknownError",
    "BlobUploadInvalidError",
    "BlobUploadUnknownError",
    "DigestInvalidError",
    "DisallowedOperationError",
    "ManifestBlobUnknownError",
    "ManifestInvalidError",
    "ManifestTooLargeError",
    "ManifestUnknownError",
    "NameInvalidError",
    "NameUnknownError",
    "PaginationNumberInvalidError",
    "RangeInvalidError",
    "RegistryError",
    "RequestInvalidError",
    "SizeInvalidError",
    "TagInvalidError",
    "TagUnknownError",
    "UnsupportedError",
]


class RegistryError(CeruleanError):
    """An error of the OCI data plane, rendered as ``{"errors": [{code, message, detail}]}``."""

    code: ClassVar[str] = "UNKNOWN"
    status: ClassVar[int] = 500
    default_message: ClassVar[str] = "unknown error"

    def __init__(
        self,
        message: str | None = None,
        *,
        detail: object = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.detail = detail
        self.headers = headers or {}
        super().__init__(self.message)


class BlobUnknownError(RegistryError):
    """The blob is not in this repository."""

    code = "BLOB_UNKNOWN"
    status = 404
    default_message = "blob unknown to registry"


class BlobUploadInvalidError(RegistryError):
    """The upload request is malformed (bad Content-Range, body where none is allowed, ...)."""

    code = "BLOB_UPLOAD_INVALID"
    status = 400
    default_message = "blob upload invalid"


class BlobUploadUnknownError(RegistryError):
    """No upload session with this id exists in this repository."""

    code = "BLOB_UPLOAD_UNKNOWN"
    status = 404
    default_message = "blob upload unknown to registry"


class DigestInvalidError(RegistryError):
    """A digest is malformed, unsupported, or does not match the content."""

    code = "DIGEST_INVALID"
    status = 400
    default_message = "provided digest did not match uploaded content"


class ManifestBlobUnknownError(RegistryError):
    """A manifest references a blob or manifest this repository does not have."""

    code = "MANIFEST_BLOB_UNKNOWN"
    status = 400
    default_message = "manifest references a manifest or blob unknown to registry"


class ManifestInvalidError(RegistryError):
    """The manifest is not well-formed or does not match its declared media type."""

    code = "MANIFEST_INVALID"
    status = 400
    default_message = "manifest invalid"


class ManifestTooLargeError(ManifestInvalidError):
    """The manifest is larger than the registry accepts."""

    status = 413
    default_message = "manifest too large"


class ManifestUnknownError(RegistryError):
    """No manifest with this tag or digest exists in this repository."""

    code = "MANIFEST_UNKNOWN"
    status = 404
    default_message = "manifest unknown to registry"


class NameInvalidError(RegistryError):
    """The repository name does not follow the OCI grammar."""

    code = "NAME_INVALID"
    status = 400
    default_message = "invalid repository name"


class NameUnknownError(RegistryError):
    """The repository does not exist."""

    code = "NAME_UNKNOWN"
    status = 404
    default_message = "repository name not known to registry"


class SizeInvalidError(RegistryError):
    """A declared length does not match the content received."""

    code = "SIZE_INVALID"
    status = 400
    default_message = "provided length did not match content length"


class RangeInvalidError(RegistryError):
    """A chunk out of order, or a byte range the blob cannot satisfy."""

    code = "RANGE_INVALID"
    status = 416
    default_message = "invalid content range"


class UnsupportedError(RegistryError):
    """The operation is not supported."""

    code = "UNSUPPORTED"
    status = 405
    default_message = "the operation is unsupported"


class DisallowedOperationError(RegistryError):
    """A changeable attribute (delete/write/read/list enabled) forbids the operation."""

    code = "REGISTRY_DISALLOWED_OPERATION"
    status = 405
    default_message = (
        "The operation is disallowed on this registry, repository or image. View troubleshooting "
        "steps at https://aka.ms/acr/faq/#why-does-my-pull-or-push-request-fail-with-disallowed-operation"
    )

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, detail={})


class TagInvalidError(RegistryError):
    """A tag does not follow the OCI grammar."""

    code = "TAG_INVALID"
    status = 400
    default_message = "manifest tag did not match URI"


class TagUnknownError(RegistryError):
    """No tag with this name exists in this repository (ACR metadata API)."""

    code = "TAG_UNKNOWN"
    status = 404
    default_message = "the specified tag does not exist"


class PaginationNumberInvalidError(RegistryError):
    """The ``n`` query parameter is not a non-negative integer."""

    code = "PAGINATION_NUMBER_INVALID"
    status = 400
    default_message = "invalid number of results requested"


class RequestInvalidError(RegistryError):
    """A malformed request body or query parameter."""

    code = "INVALID_REQUEST"
    status = 400
    default_message = "the request is invalid"
