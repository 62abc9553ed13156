"""The per-connection token bucket."""

from __future__ import annotations

from palabre.signaling.limits import ExcessNotice, TokenBucket


def test_burst_then_refused() -> None:
    bucket = TokenBucket(rate=20, burst=40)
    now = bucket._last
    assert all(bucket.allow(now) for _ in range(40))
    assert not bucket.allow(now)
    assert not bucket.allow(now)


def test_refills_at_the_rate() -> None:
    bucket = TokenBucket(rate=16, burst=32)
    now = bucket._last = 1000.0  # binary fractions below keep the arithmetic exact
    for _ in range(32):
        bucket.allow(now)
    assert not bucket.allow(now + 0.03125)  # half a token
    assert bucket.allow(now + 0.0625)  # one token
    assert not bucket.allow(now + 0.0625)
    # Ten seconds idle refill only up to the burst.
    assert sum(bucket.allow(now + 10) for _ in range(100)) == 32


def test_sustained_rate() -> None:
    bucket = TokenBucket(rate=20, burst=40)
    start = bucket._last
    allowed = sum(bucket.allow(start + i * 0.01) for i in range(1000))  # 100/s for 10 s
    assert 40 + 200 - 2 <= allowed <= 40 + 200 + 1


def test_uses_the_monotonic_clock_by_default() -> None:
    bucket = TokenBucket(rate=1, burst=2)
    fake = [100.0]
    bucket._clock = lambda: fake[0]
    bucket._last = 100.0
    assert bucket.allow() and bucket.allow()
    assert not bucket.allow()
    fake[0] = 101.0
    assert bucket.allow()
    assert not bucket.allow()


def test_excess_answered_once_per_window() -> None:
    notice = ExcessNotice(window=1.0)
    assert notice.answer(50.0)
    assert not any(notice.answer(50.0 + i * 0.1) for i in range(1, 10))
    assert notice.answer(51.0)  # a new window: one more answer
    assert not notice.answer(51.5)
    assert notice.answer(60.0)
