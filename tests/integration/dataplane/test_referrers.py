"""The referrers API: an image index of the manifests whose subject is a digest."""

from __future__ import annotations

import httpx

from support.client import error_code, push_blob, push_image, unique_repository
from support.oci import OCI_INDEX, OCI_MANIFEST, descriptor, digest_of, dumps, make_image


def test_unknown_subject_gives_an_empty_index(client: httpx.Client) -> None:
    for repository in (unique_repository(), "never/pushed"):
        response = client.get(f"/v2/{repository}/referrers/{digest_of(b'nothing')}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == OCI_INDEX
        assert response.json() == {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": []}
        assert "OCI-Filters-Applied" not in response.headers


def test_referrers_listed_with_types_annotations_and_filter(client: httpx.Client) -> None:
    repository = unique_repository()
    image = make_image()
    push_image(client, repository, image)
    subject = descriptor(OCI_MANIFEST, image.manifest)
    sbom = make_image(
        layers=1,
        subject=subject,
        artifact_type="application/vnd.example.sbom",
        annotations={"kind": "sbom"},
    )
    signature = make_image(layers=1, subject=subject)  # no artifactType: the config type stands in
    push_image(client, repository, sbom, tag=None)
    push_image(client, repository, signature, tag=None)
    referrer_index = dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [],
            "subject": subject,
            "annotations": {"index": "yes"},
        }
    )
    response = client.put(
        f"/v2/{repository}/manifests/{digest_of(referrer_index)}",
        content=referrer_index,
        headers={"Content-Type": OCI_INDEX},
    )
    assert response.status_code == 201
    assert response.headers["OCI-Subject"] == image.digest

    listed = client.get(f"/v2/{repository}/referrers/{image.digest}").json()["manifests"]
    by_digest = {entry["digest"]: entry for entry in listed}
    assert set(by_digest) == {sbom.digest, signature.digest, digest_of(referrer_index)}
    assert by_digest[sbom.digest] == {
        "mediaType": OCI_MANIFEST,
        "digest": sbom.digest,
        "size": len(sbom.manifest),
        "artifactType": "application/vnd.example.sbom",
        "annotations": {"kind": "sbom"},
    }
    assert by_digest[signature.digest]["artifactType"] == "application/vnd.oci.image.config.v1+json"
    assert "artifactType" not in by_digest[digest_of(referrer_index)]
    assert by_digest[digest_of(referrer_index)]["annotations"] == {"index": "yes"}

    filtered = client.get(
        f"/v2/{repository}/referrers/{image.digest}",
        params={"artifactType": "application/vnd.example.sbom"},
    )
    assert filtered.headers["OCI-Filters-Applied"] == "artifactType"
    assert [e["digest"] for e in filtered.json()["manifests"]] == [sbom.digest]


def test_referrers_stay_in_their_repository(client: httpx.Client) -> None:
    repository, other = unique_repository(), unique_repository()
    image = make_image()
    push_image(client, repository, image)
    artifact = make_image(layers=1, subject=descriptor(OCI_MANIFEST, image.manifest))
    push_image(client, other, artifact, tag=None)
    assert client.get(f"/v2/{repository}/referrers/{image.digest}").json()["manifests"] == []


def test_deleting_a_referrer_removes_it_from_the_list(client: httpx.Client) -> None:
    repository = unique_repository()
    image = make_image()
    push_image(client, repository, image)
    artifact = make_image(layers=1, subject=descriptor(OCI_MANIFEST, image.manifest))
    push_image(client, repository, artifact, tag=None)
    assert len(client.get(f"/v2/{repository}/referrers/{image.digest}").json()["manifests"]) == 1
    assert client.delete(f"/v2/{repository}/manifests/{artifact.digest}").status_code == 202
    assert client.get(f"/v2/{repository}/referrers/{image.digest}").json()["manifests"] == []


def test_invalid_subject_digest_is_400(client: httpx.Client) -> None:
    repository = unique_repository()
    push_blob(client, repository, b"x")
    response = client.get(f"/v2/{repository}/referrers/sha256:nothex")
    assert response.status_code == 400
    assert error_code(response) == "DIGEST_INVALID"
