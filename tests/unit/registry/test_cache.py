from __future__ import annotations

import asyncio

import pytest

from cerulean.registry.cache import ContentCache

pytestmark = pytest.mark.anyio


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Loader:
    """Counts its calls; optionally blocks until released."""

    def __init__(self, value: object) -> None:
        self.value = value
        self.calls = 0
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self) -> object:
        self.calls += 1
        await self.release.wait()
        return self.value


async def test_values_are_loaded_once_then_expire() -> None:
    ticks = Ticks()
    cache = ContentCache(ttl=1.0, monotonic=ticks)
    load = Loader("v")
    assert await cache.get("r", "k", load) == "v"
    assert await cache.get("r", "k", load) == "v"
    assert load.calls == 1
    ticks.now = 1.0
    assert await cache.get("r", "k", load) == "v"
    assert load.calls == 2


async def test_absence_is_cached_too() -> None:
    cache = ContentCache(ttl=10)
    load = Loader(None)
    assert await cache.get("r", "k", load) is None
    assert await cache.get("r", "k", load) is None
    assert load.calls == 1


async def test_concurrent_misses_share_one_load() -> None:
    cache = ContentCache(ttl=10)
    load = Loader("v")
    load.release.clear()
    waiting = [asyncio.create_task(cache.get("r", "k", load)) for _ in range(50)]
    await asyncio.sleep(0)
    load.release.set()
    assert await asyncio.gather(*waiting) == ["v"] * 50
    assert load.calls == 1


async def test_a_write_during_a_load_keeps_the_loaded_value_out() -> None:
    cache = ContentCache(ttl=10)
    old = Loader("old")
    old.release.clear()
    reader = asyncio.create_task(cache.get("r", "k", old))
    await asyncio.sleep(0)
    cache.invalidate("r")  # a write lands while the read is in the database
    old.release.set()
    assert await reader == "old"  # its own caller may see it...
    assert await cache.get("r", "k", Loader("new")) == "new"  # ...but it was not kept


async def test_a_failed_load_reaches_every_waiter_and_is_not_kept() -> None:
    cache = ContentCache(ttl=10)
    release = asyncio.Event()

    async def broken() -> object:
        await release.wait()
        raise RuntimeError("database down")

    tasks = [asyncio.create_task(cache.get("r", "k", broken)) for _ in range(3)]
    await asyncio.sleep(0)
    release.set()
    for outcome in await asyncio.gather(*tasks, return_exceptions=True):
        assert isinstance(outcome, RuntimeError)
    assert await cache.get("r", "k", Loader("ok")) == "ok"


async def test_a_cancelled_leader_lets_a_waiter_load() -> None:
    cache = ContentCache(ttl=10)
    stuck = Loader("never")
    stuck.release.clear()
    leader = asyncio.create_task(cache.get("r", "k", stuck))
    await asyncio.sleep(0)
    follower = asyncio.create_task(cache.get("r", "k", Loader("mine")))
    await asyncio.sleep(0)
    leader.cancel()
    assert await follower == "mine"
    with pytest.raises(asyncio.CancelledError):
        await leader


async def test_invalidate_forgets_only_that_repository() -> None:
    cache = ContentCache(ttl=10)
    cache.put("a", "k", 1)
    cache.put("b", "k", 2)
    cache.invalidate("a")
    assert cache.peek("a", "k") == (False, None)
    assert cache.peek("b", "k") == (True, 2)


async def test_zero_ttl_disables() -> None:
    cache = ContentCache(ttl=0)
    load = Loader("v")
    await cache.get("r", "k", load)
    await cache.get("r", "k", load)
    assert load.calls == 2


async def test_least_recently_used_repositories_are_evicted() -> None:
    cache = ContentCache(ttl=10, max_repositories=2)
    for name in ("a", "b", "c"):
        cache.put(name, "k", name)
    assert cache.peek("a", "k") == (False, None)
    assert cache.peek("c", "k") == (True, "c")
