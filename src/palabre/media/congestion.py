"""Congestion control of one subscriber connection: how much it may be sent, and what is sent
again.

One CongestionControl per Subscriber holds:
- the estimate: the receiver's REMB, smoothed, until transport-wide feedback comes; from then
  on the send-side estimate (bwe.Estimator), which is better informed;
- the budget the video layers are allocated from, and the probing that lets it grow: with
  REMB, a step up by one layer when the estimate shows headroom (allocation.Probe); with
  transport-wide feedback, a probe cluster of padding (copies of recent packets) when the
  wanted layers need more than the estimate allows;
- the retransmission budget: NACK answers and repairs of what feedback reports lost share
  RETRANSMIT_SHARE of the estimate;
- the duplicate policy: on a lossy path a retransmission goes out twice.

The Subscriber says which downtracks exist and which layers are wanted; this module decides
nothing about tracks. Time and timers come from the Scheduler given at construction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol, cast

from .allocation import Probe
from .bwe import OVERUSE, Cluster, Estimator
from .scheduler import Scheduler
from .twcc import TransportFeedback

# Probing (transport-wide feedback only, see bwe.py): a cluster lasts PROBE_DURATION and
# offers up to PROBE_GROWTH times the current estimate (PROBE_RETRY_GROWTH after a failed
# one); a failed one waits before the next, doubling up to PROBE_WAIT_MAX. A probe into a
# full path delays what follows it (measured, behind 500 kbit/s and a 400 ms queue: 60 ms
# at three times the estimate made a freeze of 0.3 s; 40 ms at twice, none).
PROBE_DURATION = 0.04
PROBE_GROWTH = 3.0
PROBE_RETRY_GROWTH = 2.0
PROBE_HEADROOM = 1.4  # probe this much above what the wanted layers need
PROBE_WAIT_MIN, PROBE_WAIT_MAX = 1.0, 4.0
PROBE_TIMEOUT = 1.5  # feedback of a cluster lost: forget it after this long
PROBE_TICKS = 6  # the cluster's packets go out in this many steps, evenly spaced
PROBE_RECENT = 8  # a probe's padding: copies of the last this many packets, in turn
# A layer not forwarded yet must fit in this share of a send-side estimate: the estimate
# from a probe into a full path is the path's whole rate, which a layer's keyframes, its
# retransmissions and the probes cannot share (measured: at 0.9 a viewer capped at 500 kbit/s
# was given the 400 kbit/s layer, and lost a third of its packets until it went back down).
UPGRADE_SHARE = 0.8
# Repairing what feedback reports lost adds traffic: not on a path losing this much (that is
# congestion, which more packets make worse; the receiver's NACKs still get answers).
REPAIR_MAX_LOSS = 0.15
# Retransmissions get at most this share of the estimate (NACKs and repairs alike): on a
# path that drops most of what it gets, answering every NACK multiplied the traffic, and the
# loss with it (measured: 93 % lost behind a 500 kbit/s cap). A burst of RETRANSMIT_BURST
# seconds of it is allowed, for the packets of a keyframe.
RETRANSMIT_SHARE = 0.3
RETRANSMIT_BURST = 0.5
RETRANSMIT_COST = 8_000  # bits: about one video packet
# On a path losing at least this share of packets, a NACK is answered twice, 10 ms apart: a
# lost retransmission otherwise costs another round trip, a freeze (measured behind 5 % loss
# and 100 ms: about one freeze in ten seconds came from those).
DUPLICATE_LOSS = 0.02
DUPLICATE_DELAY = 0.01

log = logging.getLogger(__name__)


class Retransmitter(Protocol):
    """What congestion control needs of a stream it may send again: a DownTrack."""

    @property
    def active(self) -> bool:
        """Forwarded now."""
        ...

    @property
    def repairable(self) -> bool:
        """Worth repairing a loss of (forwarded now, and not audio)."""
        ...

    def retransmit(self, out_sequence: int, probe: bool = False, now: float | None = None) -> int:
        """Send one of our packets again; the bytes sent (0: not ours, or no longer cached)."""
        ...

    def repair(self, out_sequence: int, sent_at: float, now: float | None = None) -> int:
        """Resend a packet reported lost, unless a copy went out since `sent_at`."""
        ...

    def probe_copy(self, back: int, now: float) -> int:
        """Send again the packet `back` before the last one, as padding; the bytes sent."""
        ...


class _ProbeRun:
    """A probe cluster being sent: from which stream, and how far it got."""

    __slots__ = ("cluster", "copies", "sent", "source")

    def __init__(self, source: Retransmitter) -> None:
        self.source = source
        self.cluster: Cluster | None = None
        self.sent = 0  # bytes
        self.copies = 0


class CongestionControl:
    def __init__(self, scheduler: Scheduler, is_open: Callable[[], bool], name: str = "") -> None:
        """`is_open` says whether the connection is still open (timers that fire after it
        closed do nothing); `name` is for the logs (the participant)."""
        self._scheduler = scheduler
        self._is_open = is_open
        self._name = name
        self.estimator = Estimator()  # send-side, fed by transport-wide feedback
        self.estimate: float | None = None  # bits per second, None until the receiver says
        self._remb_probe = Probe()  # stepping up on REMB
        self._probe_wait = PROBE_WAIT_MIN
        self._next_probe = 0.0
        self._probe_started = 0.0
        self._probe_seen: tuple[float, float, float] | None = None
        self._retransmit_tokens = 0.0
        self._retransmit_refilled = 0.0

    @property
    def send_side(self) -> bool:
        """Does transport-wide feedback drive the estimate (rather than REMB)?"""
        return self.estimator.feedbacks > 0

    # --- what the receiver says ---

    def on_remb(self, bitrate: float) -> None:
        if self.send_side:
            return  # the send-side estimate is better informed
        # Smoothed: one estimate swings with a keyframe burst; the trend decides.
        self.estimate = bitrate if self.estimate is None else 0.5 * (self.estimate + bitrate)
        log.debug("REMB %.0f from %s, smoothed %.0f", bitrate, self._name, self.estimate)

    def on_feedback(self, feedback: TransportFeedback) -> int:
        """Take transport-wide feedback: update the estimate and repair (video) packets it
        reports lost, unless the path is congested. The number of packets sent again."""
        bwe = self.estimator
        now = self._scheduler.time()
        state, before = bwe.state, bwe.estimate
        losses = bwe.on_feedback(feedback, now)
        if bwe.loss > REPAIR_MAX_LOSS or bwe.state == OVERUSE:
            losses = []
        repaired: dict[Retransmitter, list[int]] = {}
        for lost in losses:
            stream = cast(Retransmitter, lost.down)
            # Video only (Opus conceals); and not if a NACK was quicker.
            if (
                stream.repairable
                and self.may_retransmit(now)
                and stream.repair(lost.out_sequence, lost.sent_at, now)
            ):
                repaired.setdefault(stream, []).append(lost.out_sequence)
        # These are already late (their NACK was lost): twice too, as NACK answers are.
        for stream, sequences in repaired.items():
            self._answer_twice(stream, sequences)
        self.estimate = bwe.estimate
        if bwe.state != state or bwe.estimate < 0.9 * before:
            log.debug(
                "bandwidth of %s: %s, estimate %.0f, acknowledged %.0f, loss %.3f",
                self._name,
                bwe.state,
                bwe.estimate,
                bwe.acked_rate,
                bwe.loss,
            )
        return sum(len(sequences) for sequences in repaired.values())

    def answer_nack(self, stream: Retransmitter, lost: list[int]) -> int:
        """Send again what a NACK asks for, within the budget; the number of packets sent."""
        now = self._scheduler.time()
        answered = [
            seq for seq in lost if self.may_retransmit(now) and stream.retransmit(seq, now=now)
        ]
        self._answer_twice(stream, answered)
        return len(answered)

    # --- retransmissions ---

    def may_retransmit(self, now: float) -> bool:
        """Is there room for one more retransmission (RETRANSMIT_SHARE)? Takes it if so."""
        if self.estimate is None:
            return True
        rate = RETRANSMIT_SHARE * self.estimate
        elapsed, self._retransmit_refilled = now - self._retransmit_refilled, now
        self._retransmit_tokens = min(
            self._retransmit_tokens + elapsed * rate, RETRANSMIT_BURST * rate
        )
        if self._retransmit_tokens < RETRANSMIT_COST:
            return False
        self._retransmit_tokens -= RETRANSMIT_COST
        return True

    def _answer_twice(self, stream: Retransmitter, sequences: list[int]) -> None:
        """On a lossy path, send these retransmissions again DUPLICATE_DELAY later."""
        bwe = self.estimator
        if sequences and bwe.feedbacks and bwe.loss >= DUPLICATE_LOSS:
            self._scheduler.call_later(DUPLICATE_DELAY, self._duplicate, stream, sequences)

    def _duplicate(self, stream: Retransmitter, sequences: list[int]) -> None:
        if not self._is_open() or not stream.active:
            return
        now = self._scheduler.time()
        for seq in sequences:
            if self.may_retransmit(now):
                stream.retransmit(seq, now=now)

    # --- the layers' budget, and probes ---

    def budget(
        self,
        in_use: float,
        need: float,
        probe_source: Callable[[], Retransmitter | None],
    ) -> float | None:
        """What the layers may use in all (bits per second), given what they use now and
        what the wanted ones need; None while there is no estimate (no limit). With
        transport-wide feedback, a probe goes out, from the stream `probe_source` names,
        when the need is beyond the estimate."""
        now = self._scheduler.time()
        if self.send_side:
            budget = UPGRADE_SHARE * self.estimator.estimate
            self._consider_probe(need, in_use, now, probe_source)
            return budget
        if self.estimate is not None:
            return self._remb_probe.budget(self.estimate, in_use, now)
        return None

    def layers_changed(self, up: bool) -> None:
        """The layers were switched (`up`: none went down): with REMB, the next estimates say
        whether a step up held."""
        if not self.send_side:
            self._remb_probe.changed(up=up, now=self._scheduler.time())

    def _consider_probe(
        self,
        need: float,
        in_use: float,
        now: float,
        probe_source: Callable[[], Retransmitter | None],
    ) -> None:
        """Send a probe when the wanted layers need more than the estimate allows."""
        bwe = self.estimator
        seen = bwe.last_probe
        if seen is not None and seen is not self._probe_seen:
            self._probe_seen = seen
            _, target, result = seen
            if result >= 0.9 * target:
                self._probe_wait = PROBE_WAIT_MIN
            else:
                self._probe_wait = min(self._probe_wait * 2, PROBE_WAIT_MAX)
            self._next_probe = now + self._probe_wait
            log.debug(
                "probe of %s at %.0f: %.0f, estimate %.0f",
                self._name,
                target,
                result,
                bwe.estimate,
            )
        if bwe.probing:
            if now - self._probe_started < PROBE_TIMEOUT:
                return
            bwe.forget_probes()
            self._next_probe = now + self._probe_wait
        if now < self._next_probe or UPGRADE_SHARE * bwe.estimate >= need:
            return
        if bwe.state == OVERUSE or bwe.loss > 0.1:
            return  # congested now: a probe would only add to it
        growth = PROBE_GROWTH if self._probe_wait == PROBE_WAIT_MIN else PROBE_RETRY_GROWTH
        target = min(PROBE_HEADROOM * need, growth * max(bwe.estimate, in_use))
        source = probe_source()
        if source is None or not self._is_open():
            return
        # All of it in padding: the media sent meanwhile comes on top, but it comes in bursts,
        # and a cluster short of its target cannot vouch for it (the result is capped there).
        padding = target * PROBE_DURATION / 8
        run = _ProbeRun(source)
        for tick in range(PROBE_TICKS):
            due = padding * (tick + 1) / PROBE_TICKS
            timer = self._scheduler.call_later(
                tick * PROBE_DURATION / (PROBE_TICKS - 1),
                self._probe_step,
                run,
                due,
                tick == PROBE_TICKS - 1,
            )
            if timer is None:  # nothing can be paced (no event loop): no probe
                return
        run.cluster = bwe.start_probe(target)
        self._probe_started = now

    def _probe_step(self, run: _ProbeRun, due: float, last: bool) -> None:
        """Send copies of the last packets (padding the receiver can use) until `due` bytes
        of the cluster are out."""
        if self.estimator.cluster is not run.cluster or not self._is_open():
            return  # forgotten, or the connection went
        now = self._scheduler.time()
        misses = 0
        while run.sent < due and misses < PROBE_RECENT:
            back = run.copies % PROBE_RECENT
            run.copies += 1
            sent = run.source.probe_copy(back, now)
            misses = 0 if sent else misses + 1
            run.sent += sent
        if last:
            self.estimator.end_probe()


__all__ = ["CongestionControl", "Retransmitter"]
