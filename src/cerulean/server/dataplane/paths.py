"""Recognising data-plane paths, whose repository names contain slashes.

OCI names are matched from the end of the path: the last segments say which endpoint it is (a tag,
digest or upload id never contains ``/``), everything before them is the name. The path arrives already
percent-decoded, so ``%2F`` in an ACR metadata path is a slash here, and ``%2e%2e`` is ``..`` (which the
name grammar then refuses).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Endpoint", "PathMatch", "match_path"]


class Endpoint(StrEnum):
    """Every data-plane endpoint."""

    BASE = "base"
    CATALOG = "catalog"
    TAGS = "tags"
    MANIFEST = "manifest"
    BLOB = "blob"
    UPLOADS = "uploads"
    UPLOAD = "upload"
    REFERRERS = "referrers"
    ACR_CATALOG = "acr_catalog"
    ACR_REPOSITORY = "acr_repository"
    ACR_TAGS = "acr_tags"
    ACR_TAG = "acr_tag"
    ACR_MANIFESTS = "acr_manifests"
    ACR_MANIFEST = "acr_manifest"


@dataclass(frozen=True, slots=True)
class PathMatch:
    """An endpoint, the repository name (unvalidated) and the last path argument."""

    endpoint: Endpoint
    name: str = ""
    argument: str = ""


def match_path(path: str) -> PathMatch | None:
    """Which endpoint `path` addresses, or None."""
    if path.startswith("/v2/") or path == "/v2":
        return _match_v2(path[4:])
    if path.startswith("/acr/v1/"):
        return _match_acr(path[8:])
    return None


_BY_LAST_BUT_ONE = {
    "manifests": Endpoint.MANIFEST,
    "referrers": Endpoint.REFERRERS,
    "blobs": Endpoint.BLOB,
}
_ACR_TAILS: tuple[tuple[str, Endpoint, Endpoint], ...] = (
    ("_tags", Endpoint.ACR_TAGS, Endpoint.ACR_TAG),
    ("_manifests", Endpoint.ACR_MANIFESTS, Endpoint.ACR_MANIFEST),
)


def _match_v2(rest: str) -> PathMatch | None:  # noqa: PLR0911 - one return per endpoint shape
    if rest == "":
        return PathMatch(Endpoint.BASE)
    if rest == "_catalog":
        return PathMatch(Endpoint.CATALOG)
    segments = rest.split("/")
    if len(segments) < 2:  # noqa: PLR2004 - a name and at least one endpoint segment
        return None
    last_but_one, last = segments[-2], segments[-1]
    if last_but_one == "tags" and last == "list":
        return _named(Endpoint.TAGS, segments[:-2], "")
    if last_but_one == "blobs" and last == "uploads":
        return _named(Endpoint.UPLOADS, segments[:-2], "")
    if last_but_one == "uploads" and len(segments) > 2 and segments[-3] == "blobs":  # noqa: PLR2004
        # "/blobs/uploads/" ends in an empty segment: that is the start of an upload.
        return _named(Endpoint.UPLOAD if last else Endpoint.UPLOADS, segments[:-3], last)
    endpoint = _BY_LAST_BUT_ONE.get(last_but_one)
    return None if endpoint is None else _named(endpoint, segments[:-2], last)


def _match_acr(rest: str) -> PathMatch | None:
    if rest == "_catalog":
        return PathMatch(Endpoint.ACR_CATALOG)
    segments = rest.split("/")
    for marker, listing, item in _ACR_TAILS:
        if segments[-1] == marker:
            return _named(listing, segments[:-1], "")
        if len(segments) > 1 and segments[-2] == marker:
            return _named(item, segments[:-2], segments[-1])
    return _named(Endpoint.ACR_REPOSITORY, segments, "")


def _named(endpoint: Endpoint, name_segments: list[str], argument: str) -> PathMatch | None:
    if not name_segments:
        return None
    return PathMatch(endpoint, "/".join(name_segments), argument)
