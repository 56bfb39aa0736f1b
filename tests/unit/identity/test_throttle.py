from __future__ import annotations

import pytest

from cerulean.identity.errors import ThrottledError
from cerulean.identity.throttle import SignInThrottle, ThrottleLimits


class Ticker:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_client_is_locked_out_after_its_limit_then_released() -> None:
    tick = Ticker()
    throttle = SignInThrottle(ThrottleLimits(per_client=3, per_address=100, window_seconds=60), tick)
    for _ in range(3):
        throttle.check("App", "10.0.0.1")
        throttle.failed("App", "10.0.0.1")
    with pytest.raises(ThrottledError) as raised:
        throttle.check("app", "10.0.0.2")  # same client, any address, any case
    assert raised.value.headers == {"Retry-After": "60"}
    assert raised.value.status == 429
    throttle.check("other", "10.0.0.1")  # other clients are unaffected
    tick.now += 60.5
    throttle.check("app", "10.0.0.1")


def test_address_is_locked_out_across_clients() -> None:
    tick = Ticker()
    throttle = SignInThrottle(ThrottleLimits(per_client=100, per_address=4, window_seconds=30), tick)
    for index in range(4):
        throttle.failed(f"guess-{index}", "192.0.2.9")
        tick.now += 1
    with pytest.raises(ThrottledError) as raised:
        throttle.check("fresh-client", "192.0.2.9")
    assert raised.value.retry_after == 26
    throttle.check("fresh-client", "192.0.2.10")


def test_memory_is_bounded() -> None:
    throttle = SignInThrottle(ThrottleLimits(max_keys=10), Ticker())
    for index in range(100):
        throttle.failed(f"client-{index}", f"10.0.0.{index}")
    assert len(throttle._failures) <= 10
