"""The send-side estimator against simulated paths: a clear one, a bottleneck, loss, probes."""

from __future__ import annotations

import random

import pytest

from palabre.media import bwe, twcc

SIZE = 1000  # bytes a packet


class Path:
    """A one-way path with a bottleneck queue (capacity in bits per second), random loss and
    a fixed delay; the receiver reports every 50 ms what arrived."""

    def __init__(self, capacity: float, delay: float = 0.05, loss: float = 0.0) -> None:
        self.capacity = capacity
        self.delay = delay
        self.loss = loss
        self.free_at = 0.0  # when the bottleneck finishes its queue
        self.in_flight: list[tuple[int, float | None]] = []
        self.rng = random.Random(7)

    def send(self, sequence: int, now: float, size: int) -> None:
        if self.rng.random() < self.loss:
            self.in_flight.append((sequence, None))
            return
        start = max(now, self.free_at)
        self.free_at = start + size * 8 / self.capacity
        self.in_flight.append((sequence, self.free_at + self.delay))

    def feedback(self, now: float) -> twcc.TransportFeedback | None:
        """What the receiver reports at `now`: the packets up to the last one arrived."""
        arrived = [i for i, (_, a) in enumerate(self.in_flight) if a is not None and a <= now]
        if not arrived:
            return None
        covered, self.in_flight = (
            self.in_flight[: arrived[-1] + 1],
            self.in_flight[arrived[-1] + 1 :],
        )
        packets = [(seq, a if a is not None and a <= now else None) for seq, a in covered]
        return twcc.TransportFeedback(1, 2, packets[0][0], 0, packets)


def run(estimator: bwe.Estimator, path: Path, rate: float, seconds: float, start: float = 0.0):
    """Send at `rate` for `seconds`; feedback every 50 ms. The time it ended."""
    interval = SIZE * 8 / rate
    now, next_feedback = start, start + 0.05
    while now < start + seconds:
        path.send(estimator.sent(SIZE, now, "down", 0), now, SIZE)
        now += interval
        while next_feedback <= now:
            feedback = path.feedback(next_feedback)
            if feedback is not None:
                estimator.on_feedback(feedback, next_feedback)
            next_feedback += 0.05
    return now


def test_a_clear_path_never_reads_as_overuse() -> None:
    estimator = bwe.Estimator(initial=500_000)
    states = set()
    now = 0.0
    path = Path(10_000_000)
    for _ in range(40):
        now = run(estimator, path, 1_000_000, 0.25, now)
        states.add(estimator.state)
    assert bwe.OVERUSE not in states
    # It grows, but not beyond what the path was seen to carry (1.5 times what arrives).
    assert 1_000_000 < estimator.estimate <= 1.5 * 1_000_000 + 10_000 + 1
    assert estimator.acked_rate == pytest.approx(1_000_000, rel=0.05)
    assert estimator.loss == 0


def test_a_bottleneck_brings_the_estimate_under_it() -> None:
    estimator = bwe.Estimator(initial=2_000_000)
    run(estimator, Path(500_000), 1_000_000, 3.0)
    assert estimator.estimate < 500_000
    assert estimator.estimate > 200_000  # 85 % of what arrived, not a collapse


def test_heavy_loss_lowers_the_estimate_and_light_loss_does_not() -> None:
    light, heavy = bwe.Estimator(1_000_000), bwe.Estimator(1_000_000)
    run(light, Path(10_000_000, loss=0.05), 800_000, 3.0)
    run(heavy, Path(10_000_000, loss=0.3), 800_000, 3.0)
    assert light.loss == pytest.approx(0.05, abs=0.04)
    assert light.estimate >= 1_000_000
    assert heavy.loss == pytest.approx(0.3, abs=0.1)
    assert heavy.estimate < 500_000


def test_lost_packets_are_named_for_repair_but_probe_copies_are_not() -> None:
    estimator = bwe.Estimator()
    first = estimator.sent(SIZE, 0.0, "video", 500)
    estimator.sent(SIZE, 0.001, None, 501)  # a probe's copy: nothing to repair
    third = estimator.sent(SIZE, 0.002, "video", 502)
    feedback = twcc.TransportFeedback(
        1, 2, first, 0, [(first, None), (first + 1, None), (third, 0.1)]
    )
    lost = estimator.on_feedback(feedback, 0.2)
    assert [(x.down, x.out_sequence, x.sent_at) for x in lost] == [("video", 500, 0.0)]
    # Reported once: the same feedback again (or a stray one) changes nothing.
    assert estimator.on_feedback(feedback, 0.3) == []
    assert estimator.loss == pytest.approx(2 / 3)


def probe(estimator: bwe.Estimator, path: Path, target: float, now: float) -> float:
    """A 40 ms cluster at `target` over a 300 kbit/s stream; the time the feedback is in."""
    cluster = estimator.start_probe(target)
    end = now + 0.04
    interval = SIZE * 8 / target
    while now < end:
        path.send(estimator.sent(SIZE, now, None, 0), now, SIZE)
        now += interval
    estimator.end_probe()
    assert cluster.sent >= 4
    for t in (now + 0.1, now + 0.2):
        feedback = path.feedback(t)
        if feedback is not None:
            estimator.on_feedback(feedback, t)
    assert not estimator.probing
    return now + 0.2


def test_a_probe_on_a_clear_path_raises_the_estimate_at_once() -> None:
    estimator = bwe.Estimator(initial=300_000)
    path = Path(10_000_000)
    now = run(estimator, path, 300_000, 1.0)
    probe(estimator, path, 2_000_000, now)
    assert estimator.last_probe is not None
    assert estimator.last_probe[2] == pytest.approx(2_000_000, rel=0.15)
    assert estimator.estimate >= 1_700_000


def test_a_probe_into_a_bottleneck_raises_nothing() -> None:
    estimator = bwe.Estimator(initial=300_000)
    path = Path(500_000)
    now = run(estimator, path, 300_000, 1.0)
    before = estimator.estimate
    probe(estimator, path, 2_000_000, now)
    assert estimator.last_probe is not None and estimator.last_probe[2] == 0
    assert estimator.estimate <= max(before, 500_000)


def test_probe_rate_needs_enough_packets() -> None:
    assert bwe.probe_rate([(0.0, 0.1, SIZE), (0.01, None, SIZE), (0.02, None, SIZE)]) == 0
    sent = [(i * 0.004, 0.05 + i * 0.004, SIZE) for i in range(10)]
    assert bwe.probe_rate(sent) == pytest.approx(SIZE * 8 / 0.004)
