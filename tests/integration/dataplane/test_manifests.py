"""Manifests: push by tag and digest, every media type, validation, subject, tags, deletion."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from support.client import error_code, push_blob, push_image, unique_repository
from support.oci import (
    DOCKER_LIST,
    DOCKER_MANIFEST,
    OCI_EMPTY,
    OCI_INDEX,
    OCI_MANIFEST,
    descriptor,
    digest_of,
    dumps,
    make_image,
    make_index,
)


def put(
    client: httpx.Client,
    repository: str,
    reference: str,
    body: bytes,
    media_type: str,
    **params: object,
) -> httpx.Response:
    return client.put(
        f"/v2/{repository}/manifests/{reference}",
        content=body,
        headers={"Content-Type": media_type},
        params=params,
    )


@pytest.mark.parametrize("docker", [False, True])
def test_push_by_tag_then_pull_by_tag_and_digest_byte_identical(client: httpx.Client, docker: bool) -> None:
    repository = unique_repository()
    image = make_image(docker=docker)
    for data in image.blobs.values():
        push_blob(client, repository, data)
    response = put(client, repository, "v1", image.manifest, image.media_type)
    assert response.status_code == 201
    assert response.headers["Location"] == f"/v2/{repository}/manifests/{image.digest}"
    assert response.headers["Docker-Content-Digest"] == image.digest
    for reference in ("v1", image.digest):
        got = client.get(f"/v2/{repository}/manifests/{reference}", headers={"Accept": image.media_type})
        assert got.status_code == 200
        assert got.content == image.manifest
        assert got.headers["Content-Type"] == image.media_type
        assert got.headers["Docker-Content-Digest"] == image.digest
        head = client.head(f"/v2/{repository}/manifests/{reference}")
        assert head.status_code == 200
        assert head.headers["Content-Length"] == str(len(image.manifest))
        assert head.headers["Docker-Content-Digest"] == image.digest


def test_exact_bytes_are_kept(client: httpx.Client) -> None:
    repository = unique_repository()
    image = make_image()
    for data in image.blobs.values():
        push_blob(client, repository, data)
    pretty = json.dumps(json.loads(image.manifest), indent=3).encode() + b"\n\n"
    response = put(client, repository, "pretty", pretty, OCI_MANIFEST)
    assert response.headers["Docker-Content-Digest"] == digest_of(pretty)
    assert client.get(f"/v2/{repository}/manifests/pretty").content == pretty


@pytest.mark.parametrize("docker", [False, True])
def test_index_needs_its_manifests(client: httpx.Client, docker: bool) -> None:
    repository = unique_repository()
    images = [
        make_image(architecture="amd64", docker=docker),
        make_image(architecture="arm64", docker=docker),
    ]
    index = make_index(images, docker=docker)
    media_type = DOCKER_LIST if docker else OCI_INDEX
    push_image(client, repository, images[0], tag=None)
    missing = put(client, repository, "multi", index, media_type)
    assert missing.status_code == 400
    assert error_code(missing) == "MANIFEST_BLOB_UNKNOWN"
    assert missing.json()["errors"][0]["detail"]["digests"] == [images[1].digest]
    push_image(client, repository, images[1], tag=None)
    assert put(client, repository, "multi", index, media_type).status_code == 201
    assert client.get(f"/v2/{repository}/manifests/multi").content == index


def test_missing_layer_is_manifest_blob_unknown(client: httpx.Client) -> None:
    repository = unique_repository()
    image = make_image(layers=2)
    push_blob(client, repository, image.config)
    push_blob(client, repository, image.layers[0])
    response = put(client, repository, "v1", image.manifest, OCI_MANIFEST)
    assert response.status_code == 400
    assert error_code(response) == "MANIFEST_BLOB_UNKNOWN"
    assert response.json()["errors"][0]["detail"]["digests"] == [digest_of(image.layers[1])]
    assert client.get(f"/v2/{repository}/manifests/v1").status_code == 404


def test_blobs_of_another_repository_do_not_count(client: httpx.Client) -> None:
    image = make_image()
    push_image(client, unique_repository(), image)
    response = put(client, unique_repository(), "v1", image.manifest, OCI_MANIFEST)
    assert response.status_code == 400
    assert error_code(response) == "MANIFEST_BLOB_UNKNOWN"


@pytest.mark.parametrize(
    ("body", "media_type"),
    [
        (b"{not json", OCI_MANIFEST),
        (b"[]", OCI_MANIFEST),
        (b'{"schemaVersion": 1, "config": {}, "layers": []}', OCI_MANIFEST),
        (b'{"schemaVersion": 2, "layers": []}', OCI_MANIFEST),
        (
            b'{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json"}',
            OCI_MANIFEST,
        ),
        (b'{"schemaVersion": 2, "manifests": "nope"}', OCI_INDEX),
        (b'{"schemaVersion": 2, "mediaType": "text/plain", "manifests": []}', "text/plain"),
        (
            b'{"schemaVersion": 1, "name": "x", "tag": "y", "fsLayers": []}',
            "application/vnd.docker.distribution.manifest.v1+prettyjws",
        ),
        (b"\xff\xfe", OCI_MANIFEST),
    ],
)
def test_malformed_manifests_are_manifest_invalid(client: httpx.Client, body: bytes, media_type: str) -> None:
    response = put(client, unique_repository(), "bad", body, media_type)
    assert response.status_code == 400, response.text
    assert error_code(response) == "MANIFEST_INVALID"


def test_content_type_must_match_media_type(client: httpx.Client) -> None:
    repository = unique_repository()
    image = make_image()
    push_image(client, repository, image, tag=None)
    response = put(client, repository, "v1", image.manifest, DOCKER_MANIFEST)
    assert response.status_code == 400
    assert error_code(response) == "MANIFEST_INVALID"
    assert "does not match" in response.json()["errors"][0]["message"]


def test_descriptor_fields_are_validated(client: httpx.Client) -> None:
    repository = unique_repository()
    config = b"{}"
    push_blob(client, repository, config)
    good = descriptor("application/vnd.oci.image.config.v1+json", config)
    for broken in (
        {**good, "size": -1},
        {**good, "size": "2"},
        {**good, "digest": "sha256:short"},
        {**good, "mediaType": "not a media type"},
        {**good, "annotations": {"k": 1}},
        {**good, "data": base64.b64encode(b"{ }").decode()},  # does not match digest/size
        {**good, "data": "%%%"},
    ):
        body = dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": broken, "layers": []})
        response = put(client, repository, "v1", body, OCI_MANIFEST)
        assert response.status_code == 400, broken
        assert error_code(response) == "MANIFEST_INVALID"


def test_too_large_manifest_is_413(client: httpx.Client) -> None:
    body = b'{"schemaVersion":2,"layers":[],"config":{},"pad":"' + b"x" * (4 << 20) + b'"}'
    response = put(client, unique_repository(), "big", body, OCI_MANIFEST)
    assert response.status_code == 413
    assert error_code(response) == "MANIFEST_INVALID"


def test_digest_reference_must_match_content(client: httpx.Client) -> None:
    repository = unique_repository()
    image = make_image()
    push_image(client, repository, image, tag=None)
    response = put(client, repository, digest_of(b"something else"), image.manifest, OCI_MANIFEST)
    assert response.status_code == 400
    assert error_code(response) == "DIGEST_INVALID"


def test_sha512_manifest_by_digest(client: httpx.Client) -> None:
    repository = unique_repository()
    image = make_image(algorithm="sha512")
    digest = push_image(client, repository, image, tag=None)
    assert digest.startswith("sha512:")
    response = client.get(f"/v2/{repository}/manifests/{digest}")
    assert response.status_code == 200
    assert response.headers["Docker-Content-Digest"] == digest


def test_tag_query_parameters_on_a_digest_push(client: httpx.Client) -> None:
    repository = unique_repository()
    image = make_image()
    for data in image.blobs.values():
        push_blob(client, repository, data)
    response = client.put(
        f"/v2/{repository}/manifests/{image.digest}?tag=1.2.3&tag=1.2&tag=latest",
        content=image.manifest,
        headers={"Content-Type": OCI_MANIFEST},
    )
    assert response.status_code == 201
    assert set(response.headers["OCI-Tag"].split(", ")) == {"1.2.3", "1.2", "latest"}
    for tag in ("1.2.3", "1.2", "latest"):
        assert (
            client.get(f"/v2/{repository}/manifests/{tag}").headers["Docker-Content-Digest"] == image.digest
        )
    bad = client.put(
        f"/v2/{repository}/manifests/{image.digest}?tag=-bad",
        content=image.manifest,
        headers={"Content-Type": OCI_MANIFEST},
    )
    assert bad.status_code == 400
    assert error_code(bad) == "TAG_INVALID"


def test_invalid_tag_in_path_is_refused(client: httpx.Client) -> None:
    response = put(client, unique_repository(), "." + "x" * 10, b"{}", OCI_MANIFEST)
    assert response.status_code == 400
    assert error_code(response) == "TAG_INVALID"
    long_tag = client.get(f"/v2/{unique_repository()}/manifests/{'a' * 129}")
    assert long_tag.status_code == 404


def test_subject_gives_oci_subject_header_even_if_subject_is_absent(client: httpx.Client) -> None:
    repository = unique_repository()
    subject = {"mediaType": OCI_MANIFEST, "digest": digest_of(b"not pushed"), "size": 10}
    artifact = make_image(layers=1, subject=subject, artifact_type="application/vnd.example.sbom")
    for data in artifact.blobs.values():
        push_blob(client, repository, data)
    response = put(client, repository, artifact.digest, artifact.manifest, OCI_MANIFEST)
    assert response.status_code == 201
    assert response.headers["OCI-Subject"] == subject["digest"]


def test_artifact_with_empty_config_data_field_and_no_layers(client: httpx.Client) -> None:
    repository = unique_repository()
    empty = b"{}"
    manifest = dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "artifactType": "application/vnd.example.thing",
            "config": descriptor(OCI_EMPTY, empty, data=base64.b64encode(empty).decode()),
            "layers": [],
            "annotations": {"org.example": "yes"},
        }
    )
    push_blob(client, repository, empty)
    assert put(client, repository, "thing", manifest, OCI_MANIFEST).status_code == 201


def test_non_distributable_layers_need_not_be_pushed(client: httpx.Client) -> None:
    repository = unique_repository()
    config = b'{"architecture":"amd64","os":"windows"}'
    push_blob(client, repository, config)
    foreign = descriptor(
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        b"base layer kept elsewhere",
        urls=["https://example.invalid/layer"],
    )
    manifest = dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": descriptor("application/vnd.oci.image.config.v1+json", config),
            "layers": [foreign],
        }
    )
    assert put(client, repository, "win", manifest, OCI_MANIFEST).status_code == 201


def test_custom_fields_are_accepted_and_kept(client: httpx.Client) -> None:
    repository = unique_repository()
    image = make_image()
    push_image(client, repository, image, tag=None)
    document = json.loads(image.manifest)
    document["x-custom"] = {"anything": [1, 2, 3]}
    body = dumps(document)
    assert put(client, repository, "custom", body, OCI_MANIFEST).status_code == 201
    assert client.get(f"/v2/{repository}/manifests/custom").content == body


def test_unknown_repository_tag_and_digest(client: httpx.Client) -> None:
    repository = unique_repository()
    response = client.get(f"/v2/{repository}/manifests/latest")
    assert response.status_code == 404
    assert error_code(response) == "NAME_UNKNOWN"
    push_image(client, repository, make_image())
    for reference in ("nope", digest_of(b"nope")):
        response = client.get(f"/v2/{repository}/manifests/{reference}")
        assert response.status_code == 404
        assert error_code(response) == "MANIFEST_UNKNOWN"
    bad = client.get(f"/v2/{repository}/manifests/sha256:xyz")
    assert bad.status_code == 400
    assert error_code(bad) == "DIGEST_INVALID"


def test_delete_tag_keeps_manifest_delete_digest_removes_tags(client: httpx.Client) -> None:
    repository = unique_repository()
    image = make_image()
    push_image(client, repository, image, tag="a")
    put(client, repository, "b", image.manifest, OCI_MANIFEST)
    assert client.delete(f"/v2/{repository}/manifests/a").status_code == 202
    assert client.get(f"/v2/{repository}/manifests/a").status_code == 404
    assert client.get(f"/v2/{repository}/manifests/b").status_code == 200
    assert client.delete(f"/v2/{repository}/manifests/{image.digest}").status_code == 202
    for reference in ("b", image.digest):
        assert client.get(f"/v2/{repository}/manifests/{reference}").status_code == 404
    again = client.delete(f"/v2/{repository}/manifests/{image.digest}")
    assert again.status_code == 404
    assert error_code(again) == "MANIFEST_UNKNOWN"
    assert client.delete(f"/v2/{repository}/manifests/a").status_code == 404
    assert client.delete(f"/v2/{unique_repository()}/manifests/a").status_code == 404


def test_moving_a_tag(client: httpx.Client) -> None:
    repository = unique_repository()
    first, second = make_image(), make_image()
    push_image(client, repository, first, tag="latest")
    push_image(client, repository, second, tag="latest")
    got = client.get(f"/v2/{repository}/manifests/latest")
    assert got.headers["Docker-Content-Digest"] == second.digest
    assert client.get(f"/v2/{repository}/manifests/{first.digest}").status_code == 200
