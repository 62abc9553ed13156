"""`/metrics` in Prometheus's text format, made by prometheus-client from a `Sample`.

Every metric is named here once, with its help and its one label if it has one; the label
values are bounded sets (a media kind, a refusal code, a drop reason), never a name, an
address or a room name. docs/operations.md lists them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from .sample import Sample

__all__ = ["CONTENT_TYPE_LATEST", "FAMILIES", "Family", "render"]


@dataclass(frozen=True)
class Family:
    name: str  # the Prometheus name (a counter's without its _total)
    counter: bool
    help: str
    label: str | None = None


FAMILIES: dict[str, Family] = {
        # Meetings (signaling).
        "rooms": Family("palabre_rooms", False, "Meeting rooms open now"),
        "participants": Family("palabre_participants", False, "Participants in a room now"),
        "lobby": Family("palabre_lobby_waiting", False, "People waiting in a lobby now"),
        "joins": Family("palabre_joins", True, "Participants seated in a room (lobby included)"),
        "resumes": Family(
            "palabre_resumes", True, "Participants back in their seat after a dropped connection"
        ),
        "lobby_entries": Family("palabre_lobby_entries", True, "People who knocked at a lobby"),
        "meetings_ended": Family("palabre_meetings_ended", True, "Meetings that ended"),
        "join_refusals": Family(
            "palabre_join_refusals", True, "Joins refused, by the error code sent", "reason"
        ),
        "signaling_errors": Family(
            "palabre_signaling_errors", True, "Signaling messages refused, by error code", "code"
        ),
        # Media (the SFU).
        "media_connections": Family(
            "palabre_media_connections", False, "Media connections (two per participant)"
        ),
        "tracks": Family("palabre_tracks", False, "Tracks published now, by kind", "kind"),
        "packets_received": Family(
            "palabre_rtp_packets_received", True, "RTP packets received from publishers", "kind"
        ),
        "packets_forwarded": Family(
            "palabre_rtp_packets_forwarded", True, "RTP packets forwarded to subscribers", "kind"
        ),
        "bytes_received": Family(
            "palabre_rtp_payload_bytes_received", True,
            "RTP payload bytes received from publishers", "kind",
        ),
        "bytes_forwarded": Family(
            "palabre_rtp_payload_bytes_forwarded", True,
            "RTP payload bytes forwarded to subscribers", "kind",
        ),
        "bitrate_received": Family(
            "palabre_bitrate_received_bps", False,
            "Payload bits per second received from publishers now", "kind",
        ),
        "bitrate_forwarded": Family(
            "palabre_bitrate_forwarded_bps", False,
            "Payload bits per second forwarded to subscribers now", "kind",
        ),
        "packets_dropped": Family(
            "palabre_media_packets_dropped", True,
            "Packets on the media ports dropped unread, by reason", "reason",
        ),
        "media_timeouts": Family(
            "palabre_media_timeouts", True, "Participants whose media stopped (ICE consent)"
        ),
        "keyframe_requests": Family(
            "palabre_keyframe_requests", True, "Keyframe requests (PLI) sent to publishers"
        ),
        # Overload (docs/overload.md).
        "overload_level": Family(
            "palabre_media_overload_level", False,
            "Shedding level of the SFU: 0 none, 1 layers capped, 2 lowest layer, "
            "3 speaker's video only, 4 no video (the worst media worker's)",
        ),
        "loop_lag": Family(
            "palabre_media_loop_lag_seconds", False,
            "Largest lag of the media event loop since the last scrape (the worst worker's)",
        ),
        "receive_queue": Family(
            "palabre_media_receive_queue_ratio", False,
            "Share of the UDP receive buffer in use (the last sample)",
        ),
        "receive_buffer": Family(
            "palabre_media_receive_buffer_bytes", False,
            "UDP receive buffer (SO_RCVBUF as the kernel counts it), sized for ~100 ms",
        ),
        "overload_steps": Family(
            "palabre_media_overload_steps", True, "Times the SFU raised its shedding level"
        ),
        "packets_shed": Family(
            "palabre_media_packets_shed", True,
            "Video RTP packets dropped unread under overload (level 4)",
        ),
        "receive_drops": Family(
            "palabre_media_receive_drops", True,
            "Datagrams the kernel dropped at the media socket: its receive buffer was full",
        ),
        # The worker cluster (--media-workers).
        "media_workers": Family("palabre_media_workers", False, "Media worker processes"),
        "media_workers_up": Family(
            "palabre_media_workers_up", False, "Media worker processes that answered"
        ),
}  # fmt: skip


def _split(key: str) -> tuple[str, str | None]:
    base, _, value = key.partition(":")
    return base, value or None


class _SampleCollector(Collector):
    def __init__(self, sample: Sample) -> None:
        self.sample = sample

    def collect(self) -> Iterator[Metric]:
        values: dict[str, list[tuple[str | None, float]]] = {}
        for source in (self.sample.counters, self.sample.gauges):
            for key, value in source.items():
                base, label = _split(key)
                values.setdefault(base, []).append((label, value))
        for base, family in FAMILIES.items():
            found = values.get(base, [])
            labels = [family.label] if family.label else []
            metric: CounterMetricFamily | GaugeMetricFamily
            if family.counter:
                metric = CounterMetricFamily(family.name, family.help, labels=labels)
            else:
                metric = GaugeMetricFamily(family.name, family.help, labels=labels)
            if family.label is None:
                if found or base not in ("media_workers", "media_workers_up"):
                    metric.add_metric([], sum(v for _, v in found))
            else:
                for label, value in sorted(found, key=lambda item: item[0] or ""):
                    if label is not None:
                        metric.add_metric([label], value)
            yield metric


def render(sample: Sample, process: bool = True) -> bytes:
    """The text exposition of `sample`, with this process's CPU and memory if `process`."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SampleCollector(sample))
    if process:
        ProcessCollector(registry=registry)
    return generate_latest(registry)
