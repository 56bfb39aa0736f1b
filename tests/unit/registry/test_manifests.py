from __future__ import annotations

import base64
import json

import pytest

from cerulean.core.digests import Digest
from cerulean.registry import mediatypes as mt
from cerulean.registry.errors import ManifestInvalidError
from cerulean.registry.manifests import parse_manifest

CONFIG = {"mediaType": mt.OCI_CONFIG, "digest": str(Digest.of(b"{}")), "size": 2}
LAYER = {
    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
    "digest": str(Digest.of(b"l")),
    "size": 1,
}


def body(**fields: object) -> bytes:
    return json.dumps({"schemaVersion": 2, **fields}).encode()


def test_image_manifest_lists_its_blobs() -> None:
    parsed = parse_manifest(body(mediaType=mt.OCI_MANIFEST, config=CONFIG, layers=[LAYER]), mt.OCI_MANIFEST)
    assert [str(d.digest) for d in parsed.blobs] == [CONFIG["digest"], LAYER["digest"]]
    assert parsed.children == ()
    assert parsed.referrer_artifact_type == mt.OCI_CONFIG


def test_media_type_inferred_when_absent_everywhere() -> None:
    assert parse_manifest(body(config=CONFIG, layers=[]), None).media_type == mt.OCI_MANIFEST
    assert parse_manifest(body(manifests=[]), "application/json").media_type == mt.OCI_INDEX


def test_content_type_parameters_are_ignored() -> None:
    parsed = parse_manifest(body(config=CONFIG, layers=[]), f"{mt.OCI_MANIFEST}; charset=utf-8")
    assert parsed.media_type == mt.OCI_MANIFEST


def test_nondistributable_layers_are_not_required() -> None:
    foreign = {**LAYER, "mediaType": "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"}
    parsed = parse_manifest(body(config=CONFIG, layers=[foreign]), mt.OCI_MANIFEST)
    assert [d.digest for d in parsed.blobs] == [Digest.of(b"{}")]


def test_index_children_and_platforms() -> None:
    child = {
        "mediaType": mt.OCI_MANIFEST,
        "digest": str(Digest.of(b"m")),
        "size": 1,
        "platform": {"architecture": "arm64", "os": "linux"},
    }
    parsed = parse_manifest(body(mediaType=mt.OCI_INDEX, manifests=[child], artifactType="a/b"), mt.OCI_INDEX)
    assert parsed.is_index
    assert parsed.children[0].platform.architecture == "arm64"
    assert parsed.referrer_artifact_type == "a/b"


def test_embedded_data_must_match() -> None:
    good = {**CONFIG, "data": base64.b64encode(b"{}").decode()}
    assert parse_manifest(body(config=good, layers=[]), mt.OCI_MANIFEST).config is not None
    for data in (base64.b64encode(b"[]").decode(), "not base64!", 7):
        with pytest.raises(ManifestInvalidError):
            parse_manifest(body(config={**CONFIG, "data": data}, layers=[]), mt.OCI_MANIFEST)


@pytest.mark.parametrize(
    ("payload", "content_type"),
    [
        (b"null", mt.OCI_MANIFEST),
        (
            body(mediaType=mt.DOCKER_MANIFEST, config=CONFIG, layers=[], subject=CONFIG),
            mt.DOCKER_MANIFEST,
        ),
        (
            body(mediaType=mt.DOCKER_MANIFEST_LIST, manifests=[], artifactType="a/b"),
            mt.DOCKER_MANIFEST_LIST,
        ),
        (body(mediaType=5, config=CONFIG, layers=[]), None),
        (body(schemaVersion=True, config=CONFIG, layers=[]), None),
        (body(layers=[]), None),
        (body(config=CONFIG, layers=[{**LAYER, "urls": "x"}]), None),
        (body(manifests=[{**CONFIG, "platform": {"os": "linux"}}]), mt.OCI_INDEX),
        (body(manifests=[{**CONFIG, "platform": "linux"}]), mt.OCI_INDEX),
        (body(config=CONFIG, layers=[], annotations=["x"]), None),
    ],
)
def test_invalid(payload: bytes, content_type: str | None) -> None:
    with pytest.raises(ManifestInvalidError):
        parse_manifest(payload, content_type)


def test_empty_artifact_type_means_none() -> None:
    parsed = parse_manifest(body(config=CONFIG, layers=[], artifactType=""), mt.OCI_MANIFEST)
    assert parsed.artifact_type is None
