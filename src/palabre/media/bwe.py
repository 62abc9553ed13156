"""Send-side bandwidth estimation for one subscriber connection, from transport-wide feedback.

The shape of Google Congestion Control (draft-ietf-rmcat-gcc-02, and libwebrtc's goog_cc),
cut to what an SFU choosing simulcast layers needs:

- delay: packets sent within 5 ms form a group; the growth of one-way delay between groups,
  accumulated and smoothed, goes through a linear regression over the last 20 groups (the
  trendline); a slope beyond an adaptive threshold means a queue is building (overuse);
- rate: on overuse the estimate falls to 85 % of what the receiver acknowledged over the last
  second; otherwise it grows 8 % a second, but never beyond 1.5 times what is
  acknowledged (an estimate the path never carried means nothing);
- loss: above 10 % of the packets over the last second, the estimate falls by half the loss;
- probes: a burst of packets sent at a chosen rate (a cluster) tells what the path carries
  now: the rate at which the receiver saw them arrive. That is how the estimate climbs
  quickly once a constraint is gone, which a receiver's own estimate (REMB) does by only a
  few percent a second: the sender must offer the rate before anyone can measure it.

Written by hand: there is no Python implementation of a send-side estimator to depend on.
Pure: fed the packets sent and the feedback, with times passed in; no clock, no I/O.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .twcc import TransportFeedback

HISTORY = 8192  # packets remembered until their feedback comes (a power of two)
GROUP_SPAN = 0.005  # seconds: packets sent this close form one group
TRENDLINE_WINDOW = 20  # groups
SMOOTHING = 0.9
THRESHOLD_GAIN = 4.0
INITIAL_THRESHOLD, MIN_THRESHOLD, MAX_THRESHOLD = 12.5, 6.0, 600.0  # milliseconds
K_UP, K_DOWN = 0.0087, 0.039
# Seconds of sustained overuse before it counts. libwebrtc waits 10 ms; measured here, a
# receiver whose CPU is busy decoding timestamps arrivals with spikes of some 100 ms (no queue
# behind them: the next group comes back down) and 10 ms made each spike a step down.
OVERUSE_TIME = 0.1
BETA = 0.85
INCREASE = 1.08  # per second
# Seconds of arrivals behind the acknowledged rate: long enough to span the swings between
# keyframes (over half a second, a keyframe-less stretch read as a third of the real rate).
ACKED_WINDOW = 1.0
DECREASE_INTERVAL = 0.2  # seconds between two decreases: the first must take effect
LOSS_WINDOW = 1.0  # seconds
MIN_RATE = 50_000
MAX_RATE = 50_000_000
INITIAL_RATE = 600_000

NORMAL, OVERUSE, UNDERUSE = "normal", "overuse", "underuse"


@dataclass(slots=True)
class Lost:
    """A packet the feedback reported lost: which downtrack sent which of its packets."""

    down: Any
    out_sequence: int
    sent_at: float


@dataclass
class Cluster:
    """A probe: every packet sent while it lasts, and what the feedback said of them."""

    id: int
    target: float
    sent: int = 0
    reported: list[tuple[float, float | None, int]] = field(default_factory=list)
    closed: bool = False  # no more packets will be added


class Estimator:
    def __init__(self, initial: float = INITIAL_RATE) -> None:
        self.estimate = float(initial)  # bits per second
        self.sequence = 0  # the next transport-wide sequence number
        self.state = NORMAL
        self.feedbacks = 0
        self.cluster: Cluster | None = None  # the probe being sent, if any
        self.last_probe: tuple[float, float, float] | None = None  # (time, target, result)
        # By sequence number modulo HISTORY, until reported: made on the first packet, so
        # that a connection that does not use transport-cc costs nothing.
        self._sent: list[tuple[int, float, int, Any, int, Cluster | None] | None] = []
        # delay
        self._group: list[float] | None = None  # first send, last send, last arrival
        self._previous: tuple[float, float] | None = None  # last send, last arrival
        self._accumulated = 0.0
        self._smoothed = 0.0
        self._samples: deque[tuple[float, float]] = deque(maxlen=TRENDLINE_WINDOW)
        self._deltas = 0
        self._first_arrival: float | None = None
        self._threshold = INITIAL_THRESHOLD
        self._threshold_updated: float | None = None
        self._over_time = -1.0
        self._over_count = 0
        self._previous_trend = 0.0
        # rate
        self._acked: deque[tuple[float, int]] = deque()  # (arrival, bytes)
        self._last_update: float | None = None
        self._last_decrease = float("-inf")
        # loss
        self._losses: deque[tuple[float, int, int]] = deque()  # (time, lost, reported)
        self._clusters: dict[int, Cluster] = {}
        self._next_cluster = 0

    # --- sending ---

    def sent(self, size: int, now: float, down: Any = None, out_sequence: int = 0) -> int:
        """Record a packet about to be sent; its transport-wide sequence number."""
        sequence = self.sequence
        self.sequence = (sequence + 1) & 0xFFFF
        cluster = self.cluster
        if cluster is not None:
            cluster.sent += 1
        entry = (sequence, now, size, down, out_sequence, cluster)
        try:
            self._sent[sequence & (HISTORY - 1)] = entry
        except IndexError:  # the first packet
            self._sent = [None] * HISTORY
            self._sent[sequence & (HISTORY - 1)] = entry
        return sequence

    def start_probe(self, target: float) -> Cluster:
        """Packets sent from now until end_probe() form a probe cluster at `target` b/s."""
        cluster = Cluster(self._next_cluster, target)
        self._next_cluster += 1
        self._clusters[cluster.id] = cluster
        self.cluster = cluster
        return cluster

    def end_probe(self) -> None:
        if self.cluster is not None:
            self.cluster.closed = True
        self.cluster = None

    @property
    def probing(self) -> bool:
        return bool(self._clusters)

    # --- feedback ---

    def on_feedback(self, feedback: TransportFeedback, now: float) -> list[Lost]:
        """Take one feedback packet: update the estimate; the packets it says were lost."""
        lost: list[Lost] = []
        received: list[tuple[float, float, int]] = []
        missing = 0  # of ours, reported lost (lost has only those worth repairing)
        for sequence, arrival in feedback.packets:
            index = sequence & (HISTORY - 1)
            entry = self._sent[index] if self._sent else None
            if entry is None or entry[0] != sequence:
                continue  # not ours, or already reported, or too old
            self._sent[index] = None
            _, sent_at, size, down, out_sequence, cluster = entry
            if cluster is not None:
                cluster.reported.append((sent_at, arrival, size))
            if arrival is None:
                missing += 1
                if down is not None:
                    lost.append(Lost(down, out_sequence, sent_at))
            else:
                received.append((sent_at, arrival, size))
        if not received and not missing:
            return lost
        self.feedbacks += 1
        self._losses.append((now, missing, missing + len(received)))
        while self._losses and now - self._losses[0][0] > LOSS_WINDOW:
            self._losses.popleft()
        received.sort()
        for sent_at, arrival, size in received:
            self._acked.append((arrival, size))
            self._delay_sample(sent_at, arrival)
        if received:
            latest = max(a for _, a, _ in received)
            while self._acked and latest - self._acked[0][0] > ACKED_WINDOW:
                self._acked.popleft()
        self._update_rate(now)
        self._finish_clusters(now)
        return lost

    @property
    def loss(self) -> float:
        """The fraction of packets lost over the last second of feedback."""
        reported = sum(r for _, _, r in self._losses)
        return sum(lost for _, lost, _ in self._losses) / reported if reported else 0.0

    @property
    def acked_rate(self) -> float:
        """Bits per second the receiver got over the last ACKED_WINDOW (of its own clock)."""
        if len(self._acked) < 2:
            return 0.0
        span = max(self._acked[-1][0] - self._acked[0][0], 0.1)
        return sum(size for _, size in self._acked) * 8 / span

    # --- delay ---

    def _delay_sample(self, sent_at: float, arrival: float) -> None:
        group = self._group
        if group is not None and sent_at - group[0] <= GROUP_SPAN:
            group[1] = max(group[1], sent_at)
            group[2] = max(group[2], arrival)
            return
        self._group = [sent_at, sent_at, arrival]
        if group is None:
            return
        complete = (group[1], group[2])
        previous, self._previous = self._previous, complete
        if previous is None:
            return
        send_delta = complete[0] - previous[0]
        arrival_delta = complete[1] - previous[1]
        self._trendline((arrival_delta - send_delta) * 1000, complete[1], send_delta)

    def _trendline(self, variation_ms: float, arrival: float, send_delta: float) -> None:
        if self._first_arrival is None:
            self._first_arrival = arrival
        self._deltas = min(self._deltas + 1, 1000)
        self._accumulated += variation_ms
        self._smoothed = SMOOTHING * self._smoothed + (1 - SMOOTHING) * self._accumulated
        self._samples.append(((arrival - self._first_arrival) * 1000, self._smoothed))
        if len(self._samples) < TRENDLINE_WINDOW:
            return
        n = len(self._samples)
        mean_x = sum(x for x, _ in self._samples) / n
        mean_y = sum(y for _, y in self._samples) / n
        numerator = sum((x - mean_x) * (y - mean_y) for x, y in self._samples)
        denominator = sum((x - mean_x) ** 2 for x, _ in self._samples)
        trend = numerator / denominator if denominator else 0.0
        self._detect(trend, send_delta, arrival)

    def _detect(self, trend: float, send_delta: float, arrival: float) -> None:
        modified = min(self._deltas, 60) * trend * THRESHOLD_GAIN
        if modified > self._threshold:
            if self._over_time < 0:
                self._over_time = send_delta / 2
            else:
                self._over_time += send_delta
            self._over_count += 1
            if (
                self._over_time > OVERUSE_TIME
                and self._over_count > 1
                and trend >= self._previous_trend
            ):
                self._over_time, self._over_count = 0.0, 0
                self.state = OVERUSE
        elif modified < -self._threshold:
            self._over_time, self._over_count = -1.0, 0
            self.state = UNDERUSE
        else:
            self._over_time, self._over_count = -1.0, 0
            self.state = NORMAL
        self._previous_trend = trend
        self._adapt_threshold(modified, arrival)

    def _adapt_threshold(self, modified: float, arrival: float) -> None:
        """The threshold follows the trend slowly, so that a path's steady jitter does not
        read as overuse, yet a real queue (a sharp rise) still does."""
        last, self._threshold_updated = self._threshold_updated, arrival
        if last is None or abs(modified) > self._threshold + 15:
            return
        k = K_DOWN if abs(modified) < self._threshold else K_UP
        elapsed_ms = min((arrival - last) * 1000, 100.0)
        self._threshold += k * (abs(modified) - self._threshold) * elapsed_ms
        self._threshold = min(max(self._threshold, MIN_THRESHOLD), MAX_THRESHOLD)

    # --- rate ---

    def _update_rate(self, now: float) -> None:
        acked = self.acked_rate
        last, self._last_update = self._last_update, now
        if self.state == OVERUSE:
            if now - self._last_decrease >= DECREASE_INTERVAL:
                base = acked if acked > 0 else self.estimate
                self.estimate = min(self.estimate, BETA * base)
                self._last_decrease = now
        elif self.state == NORMAL and last is not None:
            ceiling = 1.5 * acked + 10_000
            if self.estimate < ceiling:
                grown = self.estimate * INCREASE ** min(now - last, 1.0)
                self.estimate = min(grown, ceiling)
        loss = self.loss
        if loss > 0.1 and now - self._last_decrease >= DECREASE_INTERVAL:
            self.estimate *= 1 - 0.5 * loss
            self._last_decrease = now
        self.estimate = min(max(self.estimate, MIN_RATE), MAX_RATE)

    # --- probes ---

    def _finish_clusters(self, now: float) -> None:
        for cluster in list(self._clusters.values()):
            if not cluster.closed or len(cluster.reported) < cluster.sent:
                continue
            del self._clusters[cluster.id]
            # A probe vouches for the rate it offered, no more (a keyframe sent meanwhile can
            # make the packets it measured come faster than that).
            result = min(probe_rate(cluster.reported), cluster.target)
            self.last_probe = (now, cluster.target, result)
            if result > self.estimate:
                self.estimate = min(result, MAX_RATE)

    def forget_probes(self) -> None:
        """Drop clusters whose feedback never came whole (feedback lost): a new probe may go."""
        self._clusters.clear()
        self.cluster = None


def probe_rate(reported: list[tuple[float, float | None, int]]) -> float:
    """The rate a probe cluster shows the path carries (bits per second), or 0 when it shows
    nothing: when too few packets arrived, or when they arrived markedly slower than they
    were sent (a queue spread them out: the path is full at the rate we send already; that
    says "no more", and how much less is the delay and loss signals' business).
    """
    got = sorted((s, a, size) for s, a, size in reported if a is not None)
    if len(got) < 4 or len(got) < 0.8 * len(reported):
        return 0.0
    send_span = got[-1][0] - got[0][0]
    arrivals = sorted(a for _, a, _ in got)
    receive_span = arrivals[-1] - arrivals[0]
    if send_span <= 0 or receive_span <= 0:
        return 0.0
    send_rate = sum(size for _, _, size in got[:-1]) * 8 / send_span
    receive_rate = sum(size for _, _, size in got[1:]) * 8 / receive_span
    if receive_rate < 0.9 * send_rate:
        return 0.0
    return min(send_rate, receive_rate)
