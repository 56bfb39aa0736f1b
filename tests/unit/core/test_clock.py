from __future__ import annotations

import datetime as dt

import pytest

from cerulean.core.clock import FixedClock, SystemClock


def test_fixed_clock_moves_only_when_told() -> None:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    clock = FixedClock(start)
    assert clock.now() == start
    clock.advance(dt.timedelta(hours=1))
    assert clock.now() == start + dt.timedelta(hours=1)
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(dt.datetime(2026, 1, 1))  # noqa: DTZ001 - a naive datetime is the point


def test_system_clock_is_utc() -> None:
    assert SystemClock().now().tzinfo is dt.UTC
