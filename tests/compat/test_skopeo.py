"""skopeo (containers/image) copies images in and out byte-identically, inspects, lists, deletes, mounts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from support.oci import OCI_INDEX, descriptor, digest_of, dumps, make_image, make_index, write_layout
from support.server import RunningServer

pytestmark = [pytest.mark.client, pytest.mark.usefixtures("admin_auth_file")]


def run(skopeo: str, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [skopeo, "--insecure-policy", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def files_of(layout: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (layout / "blobs").rglob("*") if p.is_file()}


def test_copy_in_and_out_keeps_every_digest(skopeo: str, registry: RunningServer, tmp_path: Path) -> None:
    image = make_image(layers=3, layer_size=300_000)
    source = tmp_path / "in"
    write_layout(source, image, "v1")
    target = f"docker://{registry.host}/skopeo/app:v1"
    run(skopeo, "copy", "--dest-tls-verify=false", f"oci:{source}:v1", target)
    out = tmp_path / "out"
    run(skopeo, "copy", "--src-tls-verify=false", target, f"oci:{out}:v1")
    assert files_of(out) == files_of(source)
    index = json.loads((out / "index.json").read_text())
    assert index["manifests"][0]["digest"] == image.digest


def test_inspect_and_list_tags(skopeo: str, registry: RunningServer, tmp_path: Path) -> None:
    image = make_image(architecture="arm64")
    write_layout(tmp_path, image, "v2")
    for tag in ("v2", "latest"):
        run(
            skopeo,
            "copy",
            "--dest-tls-verify=false",
            f"oci:{tmp_path}:v2",
            f"docker://{registry.host}/skopeo/inspect:{tag}",
        )
    inspected = json.loads(
        run(skopeo, "inspect", "--tls-verify=false", f"docker://{registry.host}/skopeo/inspect:v2").stdout
    )
    assert inspected["Digest"] == image.digest
    assert inspected["Architecture"] == "arm64"
    assert sorted(inspected["RepoTags"]) == ["latest", "v2"]
    raw = run(
        skopeo,
        "inspect",
        "--raw",
        "--tls-verify=false",
        f"docker://{registry.host}/skopeo/inspect:v2",
    ).stdout
    assert raw.encode() == image.manifest
    tags = json.loads(
        run(skopeo, "list-tags", "--tls-verify=false", f"docker://{registry.host}/skopeo/inspect").stdout
    )
    assert sorted(tags["Tags"]) == ["latest", "v2"]


def test_delete(skopeo: str, registry: RunningServer, tmp_path: Path) -> None:
    write_layout(tmp_path, make_image(), "v1")
    reference = f"docker://{registry.host}/skopeo/delete:v1"
    run(skopeo, "copy", "--dest-tls-verify=false", f"oci:{tmp_path}:v1", reference)
    run(skopeo, "delete", "--tls-verify=false", reference)
    gone = subprocess.run(
        [skopeo, "inspect", "--tls-verify=false", reference],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert gone.returncode != 0
    assert "manifest unknown" in gone.stderr.lower()


def test_registry_to_registry_copy_mounts_blobs(skopeo: str, registry: RunningServer, tmp_path: Path) -> None:
    image = make_image(layers=2, layer_size=200_000)
    write_layout(tmp_path, image, "v1")
    source = f"docker://{registry.host}/skopeo/source:v1"
    run(skopeo, "copy", "--dest-tls-verify=false", f"oci:{tmp_path}:v1", source)
    copied = run(
        skopeo,
        "--debug",
        "copy",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        source,
        f"docker://{registry.host}/skopeo/target:v1",
    )
    log = copied.stderr.replace("%3A", ":").replace("%2F", "/")
    for layer in image.layers:
        assert f"from=skopeo/source&mount={digest_of(layer)}" in log
    assert log.count("mount OK") >= len(image.layers)
    for layer in image.layers:
        assert f"?digest={digest_of(layer)}" not in log  # no layer bytes were uploaded again
    inspected = json.loads(
        run(skopeo, "inspect", "--tls-verify=false", f"docker://{registry.host}/skopeo/target:v1").stdout
    )
    assert inspected["Digest"] == image.digest


def test_multi_arch_index_copy_all(skopeo: str, registry: RunningServer, tmp_path: Path) -> None:
    images = [make_image(architecture="amd64"), make_image(architecture="arm64")]
    layout = tmp_path / "multi"
    for image in images:
        write_layout(layout, image, "x")
    index = make_index(images)
    (layout / "blobs" / "sha256" / descriptor(OCI_INDEX, index)["digest"].split(":")[1]).write_bytes(index)
    (layout / "index.json").write_bytes(
        dumps(
            {
                "schemaVersion": 2,
                "manifests": [
                    descriptor(OCI_INDEX, index, annotations={"org.opencontainers.image.ref.name": "multi"})
                ],
            }
        )
    )
    target = f"docker://{registry.host}/skopeo/multi:v1"
    run(skopeo, "copy", "--all", "--dest-tls-verify=false", f"oci:{layout}:multi", target)
    raw = run(skopeo, "inspect", "--raw", "--tls-verify=false", target).stdout
    assert raw.encode() == index
