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


# Tail patterns, tried in order: literal segments, with None standing for the endpoint's argument.
_ARGUMENT = None
_V2_TAILS: tuple[tuple[tuple[str | None, ...], Endpoint], ...] = (
    (("tags", "list"), Endpoint.TAGS),
    (("blobs", "uploads"), Endpoint.UPLOADS),
    (("blobs", "uploads", _ARGUMENT), Endpoint.UPLOAD),
    (("manifests", _ARGUMENT), Endpoint.MANIFEST),
    (("blobs", _ARGUMENT), Endpoint.BLOB),
    (("referrers", _ARGUMENT), Endpoint.REFERRERS),
)
_ACR_TAILS: tuple[tuple[tuple[str | None, ...], Endpoint], ...] = (
    (("_tags",), Endpoint.ACR_TAGS),
    (("_manifests",), Endpoint.ACR_MANIFESTS),
    (("_tags", _ARGUMENT), Endpoint.ACR_TAG),
    (("_manifests", _ARGUMENT), Endpoint.ACR_MANIFEST),
)


def _match_v2(rest: str) -> PathMatch | None:
    if rest == "":
        return PathMatch(Endpoint.BASE)
    if rest == "_catalog":
        return PathMatch(Endpoint.CATALOG)
    return _match_tail(rest.split("/"), _V2_TAILS)


def _match_acr(rest: str) -> PathMatch | None:
    if rest == "_catalog":
        return PathMatch(Endpoint.ACR_CATALOG)
    segments = rest.split("/")
    return _match_tail(segments, _ACR_TAILS) or _named(Endpoint.ACR_REPOSITORY, segments, "")


def _match_tail(
    segments: list[str], tails: tuple[tuple[tuple[str | None, ...], Endpoint], ...]
) -> PathMatch | None:
    for pattern, endpoint in tails:
        size = len(pattern)
        if len(segments) <= size:  # at least one segment must be left for the name
            continue
        tail = segments[-size:]
        if all(want is None or want == have for want, have in zip(pattern, tail, strict=True)):
            argument = tail[-1] if pattern[-1] is None else ""
            # "/blobs/uploads/" ends in an empty segment: that is the start of an upload.
            found = Endpoint.UPLOADS if endpoint is Endpoint.UPLOAD and argument == "" else endpoint
            return _named(found, segments[:-size], argument)
    return None


def _named(endpoint: Endpoint, name_segments: list[str], argument: str) -> PathMatch | None:
    if not name_segments:
        return None
    return PathMatch(endpoint, "/".join(name_segments), argument)
