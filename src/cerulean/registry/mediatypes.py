"""Media types the registry understands, and the families they fall into."""

from __future__ import annotations

from typing import Final

__all__ = [
    "DOCKER_CONFIG",
    "DOCKER_MANIFEST",
    "DOCKER_MANIFEST_LIST",
    "IMAGE_MANIFESTS",
    "INDEXES",
    "MANIFEST_MEDIA_TYPES",
    "NON_DISTRIBUTABLE_LAYERS",
    "OCI_CONFIG",
    "OCI_EMPTY",
    "OCI_INDEX",
    "OCI_MANIFEST",
    "SCHEMA1_MANIFESTS",
    "base_media_type",
]

OCI_MANIFEST: Final = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX: Final = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG: Final = "application/vnd.oci.image.config.v1+json"
OCI_EMPTY: Final = "application/vnd.oci.empty.v1+json"
DOCKER_MANIFEST: Final = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_MANIFEST_LIST: Final = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG: Final = "application/vnd.docker.container.image.v1+json"

IMAGE_MANIFESTS: Final = frozenset({OCI_MANIFEST, DOCKER_MANIFEST})
INDEXES: Final = frozenset({OCI_INDEX, DOCKER_MANIFEST_LIST})
MANIFEST_MEDIA_TYPES: Final = IMAGE_MANIFESTS | INDEXES

# Docker schema 1 is long deprecated; it is recognised only to refuse it with a clear message.
SCHEMA1_MANIFESTS: Final = frozenset(
    {
        "application/vnd.docker.distribution.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v1+prettyjws",
    }
)

# Layers that are, by definition, not pushed to the registry: their existence is not required.
NON_DISTRIBUTABLE_LAYERS: Final = frozenset(
    {
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    }
)


def base_media_type(content_type: str | None) -> str | None:
    """Strip parameters and whitespace from a Content-Type value; None or empty gives None."""
    if not content_type:
        return None
    base = content_type.split(";", 1)[0].strip().lower()
    return base or None
