"""Upload sessions live in the database: a restarted node, or another node, continues an upload."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from support.client import unique_repository
from support.oci import digest_of
from support.server import start_server


def test_upload_survives_a_restart(tmp_path: Path) -> None:
    repository = unique_repository()
    data = os.urandom(200_000)
    first = start_server(tmp_path)
    try:
        with httpx.Client(base_url=first.url, auth=first.auth) as client:
            location = client.post(f"/v2/{repository}/blobs/uploads/").headers["Location"]
            chunk = client.patch(location, content=data[:120_000], headers={"Content-Range": "0-119999"})
            assert chunk.status_code == 202
    finally:
        assert first.stop() == 0
    second = start_server(tmp_path)
    try:
        with httpx.Client(base_url=second.url, auth=second.auth) as client:
            status = client.get(location)
            assert status.status_code == 204
            assert status.headers["Range"] == "0-119999"
            rest = client.patch(location, content=data[120_000:], headers={"Content-Range": "120000-199999"})
            assert rest.status_code == 202
            done = client.put(location, params={"digest": digest_of(data)})
            assert done.status_code == 201
            assert client.get(f"/v2/{repository}/blobs/{digest_of(data)}").content == data
    finally:
        assert second.stop() == 0


@pytest.mark.postgres
def test_two_nodes_share_one_upload(tmp_path: Path, postgres_database_url: str) -> None:
    repository = unique_repository()
    data = os.urandom(300_000)
    node_a = start_server(tmp_path, database_url=postgres_database_url)
    node_b = start_server(tmp_path, database_url=postgres_database_url)
    try:
        with (
            httpx.Client(base_url=node_a.url, auth=node_a.auth) as a,
            httpx.Client(base_url=node_b.url, auth=node_b.auth) as b,
        ):
            location = a.post(f"/v2/{repository}/blobs/uploads/").headers["Location"]
            assert (
                a.patch(location, content=data[:100_000], headers={"Content-Range": "0-99999"}).status_code
                == 202
            )
            # Node B has no hash state for this upload: it rebuilds it from the stored bytes.
            assert (
                b.patch(
                    location,
                    content=data[100_000:200_000],
                    headers={"Content-Range": "100000-199999"},
                ).status_code
                == 202
            )
            # Node A's cached state is stale now (size moved): it must notice and rebuild too.
            assert (
                a.patch(
                    location, content=data[200_000:], headers={"Content-Range": "200000-299999"}
                ).status_code
                == 202
            )
            assert a.put(location, params={"digest": digest_of(data)}).status_code == 201
            assert b.get(f"/v2/{repository}/blobs/{digest_of(data)}").content == data
    finally:
        assert node_a.stop() == 0
        assert node_b.stop() == 0
