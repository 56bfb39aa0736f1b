"""Building OCI content for tests: blobs, image manifests, indexes and OCI image layouts on disk."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_EMPTY = "application/vnd.oci.empty.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"


def digest_of(data: bytes, algorithm: str = "sha256") -> str:
    return f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"


def dumps(document: object) -> bytes:
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def descriptor(media_type: str, content: bytes, algorithm: str = "sha256", **extra: object) -> dict:
    return {
        "mediaType": media_type,
        "digest": digest_of(content, algorithm),
        "size": len(content),
        **extra,
    }


def layer_tar_gz(files: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mtime = 0
            tar.addfile(info, io.BytesIO(content))
    return gzip.compress(raw.getvalue(), mtime=0)


@dataclass
class Image:
    """An image: its blobs (by digest) and its manifest bytes."""

    config: bytes
    layers: list[bytes]
    manifest: bytes
    media_type: str = OCI_MANIFEST
    algorithm: str = "sha256"
    blobs: dict[str, bytes] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return digest_of(self.manifest, self.algorithm)


def make_image(
    *,
    layers: int = 2,
    layer_size: int = 2048,
    architecture: str = "amd64",
    os_name: str = "linux",
    docker: bool = False,
    algorithm: str = "sha256",
    subject: dict | None = None,
    artifact_type: str | None = None,
    annotations: dict[str, str] | None = None,
) -> Image:
    """A small random image (layers are real tar.gz files with random content)."""
    layer_blobs = [layer_tar_gz({f"file{i}.bin": os.urandom(layer_size)}) for i in range(layers)]
    config_doc = {
        "architecture": architecture,
        "os": os_name,
        "rootfs": {
            "type": "layers",
            "diff_ids": [digest_of(gzip.decompress(b)) for b in layer_blobs],
        },
        "config": {},
    }
    config = dumps(config_doc)
    config_type, layer_type = (DOCKER_CONFIG, DOCKER_LAYER) if docker else (OCI_CONFIG, OCI_LAYER)
    manifest: dict[str, object] = {
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST if docker else OCI_MANIFEST,
        "config": descriptor(config_type, config, algorithm),
        "layers": [descriptor(layer_type, b, algorithm) for b in layer_blobs],
    }
    if subject is not None:
        manifest["subject"] = subject
    if artifact_type is not None:
        manifest["artifactType"] = artifact_type
    if annotations:
        manifest["annotations"] = annotations
    image = Image(
        config=config,
        layers=layer_blobs,
        manifest=dumps(manifest),
        media_type=DOCKER_MANIFEST if docker else OCI_MANIFEST,
        algorithm=algorithm,
    )
    image.blobs = {digest_of(b, algorithm): b for b in (config, *layer_blobs)}
    return image


def make_index(images: list[Image], *, docker: bool = False) -> bytes:
    """An index (or Docker manifest list) of `images` with their platforms."""
    entries = []
    for image in images:
        config = json.loads(image.config)
        entries.append(
            descriptor(
                image.media_type,
                image.manifest,
                image.algorithm,
                platform={"architecture": config["architecture"], "os": config["os"]},
            )
        )
    return dumps(
        {
            "schemaVersion": 2,
            "mediaType": DOCKER_LIST if docker else OCI_INDEX,
            "manifests": entries,
        }
    )


def write_layout(directory: Path, image: Image, tag: str) -> None:
    """An OCI image layout holding `image` under `tag` (what `skopeo copy oci:DIR:TAG` reads)."""
    blobs = directory / "blobs"
    for data in (*image.blobs.values(), image.manifest):
        algorithm, _, encoded = digest_of(data, image.algorithm).partition(":")
        path = blobs / algorithm / encoded
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (directory / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    index = {
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [
            descriptor(
                image.media_type,
                image.manifest,
                image.algorithm,
                annotations={"org.opencontainers.image.ref.name": tag},
            )
        ],
    }
    (directory / "index.json").write_bytes(dumps(index))
