"""oras (PyPI) pushes an artifact with a subject, it shows in the referrers API, pulls back identical."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import httpx
import oras.client
import oras.oci
import pytest

from support.server import RunningServer

pytestmark = pytest.mark.client


def test_artifact_with_subject_round_trip(
    registry: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    client = oras.client.OrasClient(hostname=registry.host, insecure=True)
    client.auth.set_basic_auth(*registry.auth)
    (tmp_path / "image.txt").write_bytes(b"the subject image")
    subject_response = client.push(target=f"{registry.host}/oras/app:v1", files=["image.txt"], quiet=True)
    assert subject_response.status_code == 201
    subject_digest = subject_response.headers["Docker-Content-Digest"]
    subject_manifest = httpx.get(f"{registry.url}/v2/oras/app/manifests/v1", auth=registry.auth).content
    assert hashlib.sha256(subject_manifest).hexdigest() == subject_digest.split(":")[1]

    sbom = os.urandom(40_000)
    (tmp_path / "sbom.json").write_bytes(sbom)
    subject = oras.oci.Subject(
        mediaType="application/vnd.oci.image.manifest.v1+json",
        digest=subject_digest,
        size=len(subject_manifest),
    )
    pushed = client.push(
        target=f"{registry.host}/oras/app:sbom",
        files=["sbom.json:application/vnd.example.sbom+json"],
        subject=subject,
        manifest_annotations={"org.example.kind": "sbom"},
        do_chunked=True,
        chunk_size=8192,
        quiet=True,
    )
    assert pushed.status_code == 201
    assert pushed.headers["OCI-Subject"] == subject_digest

    referrers = httpx.get(f"{registry.url}/v2/oras/app/referrers/{subject_digest}", auth=registry.auth).json()
    assert [m["digest"] for m in referrers["manifests"]] == [pushed.headers["Docker-Content-Digest"]]
    assert referrers["manifests"][0]["annotations"]["org.example.kind"] == "sbom"

    out = tmp_path / "pulled"
    files = client.pull(target=f"{registry.host}/oras/app:sbom", outdir=str(out))
    assert [Path(f).name for f in files] == ["sbom.json"]
    assert Path(files[0]).read_bytes() == sbom
    manifest = client.get_manifest(f"{registry.host}/oras/app:sbom")
    assert manifest["subject"]["digest"] == subject_digest
    assert json.loads(json.dumps(manifest))["layers"][0]["mediaType"] == "application/vnd.example.sbom+json"
