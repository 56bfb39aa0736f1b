from __future__ import annotations

import datetime as dt

from cerulean.core.digests import Digest
from cerulean.registry.cache import ContentCache
from cerulean.registry.models import ChangeableAttributes, TagRecord

T = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_entries_expire_after_the_ttl() -> None:
    ticks = Ticks()
    cache = ContentCache(ttl=1.0, monotonic=ticks)
    cache.put_attributes("r", ChangeableAttributes())
    tag = TagRecord("v1", Digest.of(b"m"), T, T)
    cache.put_tag("r", "v1", tag)
    assert cache.tag("r", "v1") == (True, tag)
    ticks.now = 0.99
    assert cache.attributes("r")[0]
    ticks.now = 1.0
    assert cache.attributes("r") == (False, None)
    assert cache.tag("r", "v1") == (False, None)


def test_invalidate_forgets_only_that_repository() -> None:
    cache = ContentCache(ttl=10)
    cache.put_attributes("a", ChangeableAttributes())
    cache.put_attributes("b", None)  # a known absence is cached too
    cache.invalidate("a")
    assert cache.attributes("a") == (False, None)
    assert cache.attributes("b") == (True, None)


def test_items_are_only_cached_under_a_cached_repository() -> None:
    cache = ContentCache(ttl=10)
    cache.put_tag("r", "v1", None)
    assert cache.tag("r", "v1") == (False, None)


def test_zero_ttl_disables() -> None:
    cache = ContentCache(ttl=0)
    assert not cache.enabled
    cache.put_attributes("r", ChangeableAttributes())
    assert cache.attributes("r") == (False, None)


def test_least_recently_used_repositories_are_evicted() -> None:
    cache = ContentCache(ttl=10, max_repositories=2)
    for name in ("a", "b", "c"):
        cache.put_attributes(name, ChangeableAttributes())
    assert cache.attributes("a") == (False, None)
    assert cache.attributes("c")[0]
