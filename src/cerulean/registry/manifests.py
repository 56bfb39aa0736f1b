"""Parsing and validating manifests per media type (OCI image manifest and index, Docker schema 2).

Validation is structural and self-contained: JSON shape, descriptor fields, embedded ``data`` against its
digest and size, the declared media type against the request's Content-Type. Whether the referenced
blobs and manifests exist is the service's job (it needs the repository), using `ParsedManifest.blobs`
and `ParsedManifest.children`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Final

from cerulean.core.digests import Digest, InvalidDigestError
from cerulean.registry import mediatypes as mt
from cerulean.registry.errors import ManifestInvalidError
from cerulean.registry.models import Platform

__all__ = ["Descriptor", "ParsedManifest", "parse_manifest"]

# RFC 6838 type/subtype (restricted-name characters); enough to refuse garbage in descriptor fields.
_MEDIA_TYPE: Final = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
)
_SCHEMA_VERSION: Final = 2
_GENERIC_CONTENT_TYPES: Final = frozenset({"application/json", "application/octet-stream"})


@dataclass(frozen=True, slots=True)
class Descriptor:
    """An OCI content descriptor as found in a manifest."""

    media_type: str
    digest: Digest
    size: int
    artifact_type: str | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    platform: Platform = field(default_factory=Platform)


@dataclass(frozen=True, slots=True)
class ParsedManifest:
    """A validated manifest: its media type and everything the registry derives from it."""

    media_type: str
    config: Descriptor | None
    blobs: tuple[Descriptor, ...]
    children: tuple[Descriptor, ...]
    subject: Descriptor | None
    artifact_type: str | None
    annotations: dict[str, str]

    @property
    def is_index(self) -> bool:
        """Whether this manifest lists other manifests."""
        return self.media_type in mt.INDEXES

    @property
    def referrer_artifact_type(self) -> str | None:
        """The ``artifactType`` a referrers listing shows for this manifest (distribution-spec rules)."""
        if self.artifact_type:
            return self.artifact_type
        if self.config is not None and not self.is_index:
            return self.config.media_type
        return None


def parse_manifest(payload: bytes, content_type: str | None) -> ParsedManifest:
    """Parse and validate `payload` sent with `content_type`; raise `ManifestInvalidError`."""
    try:
        document = json.loads(payload)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ManifestInvalidError("manifest is not valid JSON") from exc
    if not isinstance(document, dict):
        raise ManifestInvalidError("manifest must be a JSON object")
    media_type = _media_type_of(document, mt.base_media_type(content_type))
    version = document.get("schemaVersion")
    if version != _SCHEMA_VERSION or isinstance(version, bool):
        raise ManifestInvalidError("schemaVersion must be 2")
    if media_type in mt.INDEXES:
        return _parse_index(document, media_type)
    return _parse_image(document, media_type)


def _media_type_of(document: dict[str, object], content_type: str | None) -> str:
    declared = document.get("mediaType")
    if declared is not None and not isinstance(declared, str):
        raise ManifestInvalidError("mediaType must be a string")
    header = None if content_type in _GENERIC_CONTENT_TYPES else content_type
    if declared and header and declared != header:
        raise ManifestInvalidError(
            f"Content-Type {header!r} does not match the manifest mediaType {declared!r}"
        )
    media_type = declared or header or _infer(document)
    if media_type in mt.SCHEMA1_MANIFESTS:
        raise ManifestInvalidError("Docker schema 1 manifests are not supported")
    if media_type not in mt.MANIFEST_MEDIA_TYPES:
        raise ManifestInvalidError(f"unsupported manifest media type {media_type[:100]!r}")
    return media_type


def _infer(document: dict[str, object]) -> str:
    # An OCI manifest may omit mediaType; only its shape tells what it is then.
    if "manifests" in document and "config" not in document:
        return mt.OCI_INDEX
    if "config" in document:
        return mt.OCI_MANIFEST
    raise ManifestInvalidError("manifest has no mediaType and no recognisable shape")


def _parse_image(document: dict[str, object], media_type: str) -> ParsedManifest:
    config = _descriptor(document.get("config"), "config")
    layers_value = document.get("layers")
    if not isinstance(layers_value, list):
        raise ManifestInvalidError("layers must be an array")
    layers = tuple(_descriptor(item, f"layers[{i}]") for i, item in enumerate(layers_value))
    artifact_type = _optional_media_type(document, "artifactType", "artifactType")
    subject = _subject(document)
    if media_type == mt.DOCKER_MANIFEST and (artifact_type or subject):
        raise ManifestInvalidError("Docker manifests cannot carry artifactType or subject")
    required = tuple(d for d in (config, *layers) if d.media_type not in mt.NON_DISTRIBUTABLE_LAYERS)
    return ParsedManifest(
        media_type=media_type,
        config=config,
        blobs=required,
        children=(),
        subject=subject,
        artifact_type=artifact_type,
        annotations=_annotations(document.get("annotations"), "annotations"),
    )


def _parse_index(document: dict[str, object], media_type: str) -> ParsedManifest:
    entries = document.get("manifests")
    if not isinstance(entries, list):
        raise ManifestInvalidError("manifests must be an array")
    children = tuple(_descriptor(item, f"manifests[{i}]") for i, item in enumerate(entries))
    artifact_type = _optional_media_type(document, "artifactType", "artifactType")
    subject = _subject(document)
    if media_type == mt.DOCKER_MANIFEST_LIST and (artifact_type or subject):
        raise ManifestInvalidError("Docker manifest lists cannot carry artifactType or subject")
    return ParsedManifest(
        media_type=media_type,
        config=None,
        blobs=(),
        children=children,
        subject=subject,
        artifact_type=artifact_type,
        annotations=_annotations(document.get("annotations"), "annotations"),
    )


def _subject(document: dict[str, object]) -> Descriptor | None:
    value = document.get("subject")
    return None if value is None else _descriptor(value, "subject")


def _descriptor(value: object, where: str) -> Descriptor:
    if not isinstance(value, dict):
        raise ManifestInvalidError(f"{where} must be a descriptor object")
    media_type = _optional_media_type(value, "mediaType", where)
    if media_type is None:
        raise ManifestInvalidError(f"{where}.mediaType is required")
    digest_text = value.get("digest")
    if not isinstance(digest_text, str):
        raise ManifestInvalidError(f"{where}.digest is required")
    try:
        digest = Digest.parse(digest_text)
    except InvalidDigestError as exc:
        raise ManifestInvalidError(f"{where}.digest is invalid: {exc}") from exc
    size = value.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ManifestInvalidError(f"{where}.size must be a non-negative integer")
    urls = value.get("urls")
    if urls is not None and not (isinstance(urls, list) and all(isinstance(u, str) for u in urls)):
        raise ManifestInvalidError(f"{where}.urls must be an array of strings")
    _check_embedded_data(value.get("data"), digest, size, where)
    return Descriptor(
        media_type=media_type,
        digest=digest,
        size=size,
        artifact_type=_optional_media_type(value, "artifactType", where),
        annotations=_annotations(value.get("annotations"), f"{where}.annotations"),
        platform=_platform(value.get("platform"), where),
    )


def _check_embedded_data(data: object, digest: Digest, size: int, where: str) -> None:
    if data is None:
        return
    if not isinstance(data, str):
        raise ManifestInvalidError(f"{where}.data must be a base64 string")
    try:
        content = base64.b64decode(data, validate=True)
    except binascii.Error as exc:
        raise ManifestInvalidError(f"{where}.data is not valid base64") from exc
    if len(content) != size:
        raise ManifestInvalidError(f"{where}.data length does not match size")
    if Digest.of(content, digest.algorithm) != digest:
        raise ManifestInvalidError(f"{where}.data does not match its digest")


def _optional_media_type(value: dict[str, object], key: str, where: str) -> str | None:
    text = value.get(key)
    if text is None or text == "":
        return None
    if not isinstance(text, str) or _MEDIA_TYPE.fullmatch(text) is None:
        raise ManifestInvalidError(f"{where}: {key} must be a media type")
    return text


def _annotations(value: object, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ManifestInvalidError(f"{where} must map strings to strings")
    return dict(value)


def _platform(value: object, where: str) -> Platform:
    if value is None:
        return Platform()
    if not isinstance(value, dict):
        raise ManifestInvalidError(f"{where}.platform must be an object")
    architecture, os_name = value.get("architecture"), value.get("os")
    if not isinstance(architecture, str) or not isinstance(os_name, str):
        raise ManifestInvalidError(f"{where}.platform needs architecture and os strings")
    return Platform(architecture=architecture, os=os_name)
