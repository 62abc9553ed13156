"""Congestion control of a subscriber connection, on a fake clock: the estimate (REMB, then
send-side), the layers' budget and probes, the retransmission budget, answers twice."""

from __future__ import annotations

from palabre.media import twcc
from palabre.media.congestion import (
    DUPLICATE_DELAY,
    PROBE_DURATION,
    PROBE_TIMEOUT,
    RETRANSMIT_BURST,
    RETRANSMIT_COST,
    RETRANSMIT_SHARE,
    UPGRADE_SHARE,
    CongestionControl,
)
from palabre.media.scheduler import LoopScheduler

from .fake_scheduler import FakeScheduler

PROBE_COPY = 1200  # bytes a probe's copy of a packet


class FakeStream:
    """A downtrack as congestion control sees it: the packets it could send again, and
    what it did send again."""

    def __init__(self, video: bool = True, cached: set[int] | None = None) -> None:
        self.active = True
        self.video = video
        self.cached = set(range(1000)) if cached is None else cached
        self.resent: list[int] = []
        self.copies: list[int] = []

    @property
    def repairable(self) -> bool:
        return self.active and self.video

    def retransmit(self, out_sequence: int, probe: bool = False, now: float | None = None) -> int:
        if out_sequence not in self.cached:
            return 0
        self.resent.append(out_sequence)
        return 1000

    def repair(self, out_sequence: int, sent_at: float, now: float | None = None) -> int:
        return self.retransmit(out_sequence, now=now)

    def probe_copy(self, back: int, now: float) -> int:
        self.copies.append(back)
        return PROBE_COPY


def report(
    control: CongestionControl,
    clock: FakeScheduler,
    streams: list[FakeStream],
    lost: set[int] = frozenset(),  # type: ignore[assignment]
) -> int:
    """Send one packet per stream in turn (our sequence number i for the i-th), then take
    the receiver's feedback on them, `lost` (indexes) missing. What was repaired."""
    now = clock.time()
    first = None
    for i, stream in enumerate(streams):
        sequence = control.estimator.sent(1000, now + i * 0.001, stream, i)
        first = sequence if first is None else first
    assert first is not None
    packets = [
        ((first + i) & 0xFFFF, None if i in lost else now + 0.05 + i * 0.001)
        for i in range(len(streams))
    ]
    clock.advance(0.1)
    return control.on_feedback(twcc.TransportFeedback(1, 2, first, 0, packets))


def test_remb_is_smoothed_until_transport_feedback_takes_over() -> None:
    clock = FakeScheduler()
    control = CongestionControl(clock, lambda: True)
    assert control.estimate is None and not control.send_side
    control.on_remb(300_000)
    assert control.estimate == 300_000
    control.on_remb(100_000)
    assert control.estimate == 200_000  # halfway: one REMB swings with a keyframe
    report(control, clock, [FakeStream()] * 20)
    assert control.send_side
    assert control.estimate == control.estimator.estimate
    control.on_remb(50_000)
    assert control.estimate == control.estimator.estimate  # REMB no longer counts


def test_retransmissions_get_a_share_of_the_estimate() -> None:
    clock = FakeScheduler()
    control = CongestionControl(clock, lambda: True)
    assert all(control.may_retransmit(clock.time()) for _ in range(1000))  # no estimate
    control.on_remb(1_000_000)
    clock.advance(10)
    burst = RETRANSMIT_BURST * RETRANSMIT_SHARE * 1_000_000  # 150,000 bits
    allowed = sum(control.may_retransmit(clock.time()) for _ in range(100))
    assert allowed == int(burst // RETRANSMIT_COST) == 18
    clock.advance(0.1)  # 30,000 bits more, on the 6,000 left
    assert sum(control.may_retransmit(clock.time()) for _ in range(100)) == 4


def test_nack_answers_go_once_on_a_clear_path() -> None:
    clock = FakeScheduler()
    control = CongestionControl(clock, lambda: True)
    stream = FakeStream(cached={1, 2, 3})
    assert control.answer_nack(stream, [1, 2, 3, 4]) == 3  # 4 is no longer cached
    assert stream.resent == [1, 2, 3]
    clock.advance(1.0)
    assert stream.resent == [1, 2, 3] and clock.pending == 0


def test_on_a_lossy_path_retransmissions_go_twice() -> None:
    clock = FakeScheduler()
    open_ = [True]
    control = CongestionControl(clock, lambda: open_[0])
    stream = FakeStream()
    # 1 lost in 50: 2 % loss. The loss is repaired, and the repair sent again shortly.
    assert report(control, clock, [stream] * 50, lost={10}) == 1
    assert stream.resent == [10]
    clock.advance(DUPLICATE_DELAY * 0.9)
    assert stream.resent == [10]
    clock.advance(DUPLICATE_DELAY * 0.2)
    assert stream.resent == [10, 10]
    # NACK answers too; but not once the connection closed.
    assert control.answer_nack(stream, [5]) == 1
    clock.advance(DUPLICATE_DELAY * 1.1)
    assert stream.resent == [10, 10, 5, 5]
    control.answer_nack(stream, [6])
    open_[0] = False
    clock.advance(DUPLICATE_DELAY * 1.1)
    assert stream.resent == [10, 10, 5, 5, 6]


def test_feedback_repairs_video_only_and_not_on_a_congested_path() -> None:
    clock = FakeScheduler()
    control = CongestionControl(clock, lambda: True)
    video, audio = FakeStream(), FakeStream(video=False)
    streams = [video, audio] * 25
    assert report(control, clock, streams, lost={4, 5}) == 1  # 4 is video's, 5 audio's
    assert video.resent == [4] and audio.resent == []
    # 20 % lost: congestion, which repairs would make worse.
    congested, other = CongestionControl(clock, lambda: True), FakeStream()
    assert report(congested, clock, [other] * 10, lost={1, 2}) == 0
    assert other.resent == []
    assert congested.estimator.loss == 0.2


def test_the_budget_from_remb_steps_up_then_holds() -> None:
    clock = FakeScheduler()
    control = CongestionControl(clock, lambda: True)
    assert control.budget(300_000, 600_000, lambda: None) is None  # no estimate: no limit
    control.on_remb(1_000_000)
    # Headroom: a step up is invited (allocate() takes one layer at most).
    assert control.budget(300_000, 600_000, lambda: None) == 1_200_000
    control.layers_changed(up=True)
    assert control.budget(300_000, 600_000, lambda: None) == 1_000_000  # hold after a step
    clock.advance(2.5)
    assert control.budget(300_000, 600_000, lambda: None) == 1_200_000
    assert clock.pending == 0  # REMB: no probe clusters


def test_a_probe_pads_up_to_its_target_when_the_layers_need_more() -> None:
    clock = FakeScheduler()
    control = CongestionControl(clock, lambda: True)
    stream = FakeStream()
    report(control, clock, [stream] * 20)
    estimate = control.estimator.estimate
    # What the layers need fits: no probe.
    assert control.budget(100_000, UPGRADE_SHARE * estimate, lambda: stream) == (
        UPGRADE_SHARE * estimate
    )
    assert not control.estimator.probing and clock.pending == 0
    # They need more: a cluster at min(1.4 x need, 3 x estimate) in padding over 40 ms.
    assert control.budget(400_000, 2_000_000, lambda: stream) == UPGRADE_SHARE * estimate
    assert control.estimator.probing
    target = min(1.4 * 2_000_000, 3 * estimate)
    assert control.estimator.cluster is not None
    assert control.estimator.cluster.target == target
    clock.advance(PROBE_DURATION)
    padding = target * PROBE_DURATION / 8
    assert len(stream.copies) == -(-padding // PROBE_COPY)  # just enough copies
    assert stream.copies == list(range(len(stream.copies)))  # the last packets, in turn
    assert control.estimator.cluster is None  # sent, waiting for its feedback
    # No other probe while that one's feedback is due, then one goes again.
    control.budget(400_000, 2_000_000, lambda: stream)
    assert clock.pending == 0
    clock.advance(PROBE_TIMEOUT)
    control.budget(400_000, 2_000_000, lambda: stream)
    assert not control.estimator.probing  # given up on the lost feedback; next after a wait
    clock.advance(1.0)
    control.budget(400_000, 2_000_000, lambda: stream)
    assert control.estimator.probing and clock.pending > 0


def test_no_probe_without_a_source_an_open_connection_or_a_timer() -> None:
    clock = FakeScheduler()
    open_ = [True]
    control = CongestionControl(clock, lambda: open_[0])
    stream = FakeStream()
    report(control, clock, [stream] * 20)
    control.budget(400_000, 2_000_000, lambda: None)
    assert not control.estimator.probing and clock.pending == 0
    # Started, then the connection closes: its padding never goes.
    control.budget(400_000, 2_000_000, lambda: stream)
    assert control.estimator.probing
    open_[0] = False
    clock.advance(PROBE_DURATION)
    assert stream.copies == []
    # Outside an event loop the loop's scheduler cannot pace a probe: none starts.
    unpaced = CongestionControl(LoopScheduler(), lambda: True)
    report(unpaced, FakeScheduler(LoopScheduler.time()), [stream] * 20)
    unpaced.budget(400_000, 2_000_000, lambda: stream)
    assert not unpaced.estimator.probing
