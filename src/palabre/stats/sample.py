"""One process's figures for `/metrics`: counters (which only grow while the process lives)
and gauges (the state now), keyed `name` or `name:label-value` (stats/exposition.py gives
each name its Prometheus name, help and label)."""

from __future__ import annotations

import msgspec

from ..media.sfu import KINDS, Sfu
from ..signaling.counts import SignalingCounts
from ..signaling.hub import Hub


class Sample(msgspec.Struct, forbid_unknown_fields=True):
    counters: dict[str, float] = {}
    gauges: dict[str, float] = {}


def signaling_counters(counts: SignalingCounts) -> dict[str, float]:
    counters: dict[str, float] = {
        "joins": counts.joins,
        "resumes": counts.resumes,
        "lobby_entries": counts.lobby_entries,
        "meetings_ended": counts.meetings_ended,
    }
    for code, n in counts.refusals.items():
        counters[f"join_refusals:{code}"] = n
    for code, n in counts.errors.items():
        counters[f"signaling_errors:{code}"] = n
    return counters


# Gauges that a cluster reports as its worst worker's rather than summed (cluster/front.py).
PEAK_GAUGES = ("overload_level", "loop_lag", "receive_queue")


def node_sample(hub: Hub) -> Sample:
    """The figures of a hub and, if it is a real one, its SFU."""
    counters = signaling_counters(hub.counts)
    gauges: dict[str, float] = {
        "rooms": len(hub.rooms),
        "participants": len(hub.members),
        "lobby": len(hub.waiting),
        "media_connections": hub.sfu.connection_count,
    }
    sfu = hub.sfu
    if isinstance(sfu, Sfu):
        totals, now = sfu.totals(), sfu.now()
        for kind in KINDS:
            counters[f"packets_received:{kind}"] = totals.packets_received[kind]
            counters[f"packets_forwarded:{kind}"] = totals.packets_forwarded[kind]
            counters[f"bytes_received:{kind}"] = totals.bytes_received[kind]
            counters[f"bytes_forwarded:{kind}"] = totals.bytes_forwarded[kind]
            gauges[f"tracks:{kind}"] = now.tracks[kind]
            gauges[f"bitrate_received:{kind}"] = now.bitrate_received[kind]
            gauges[f"bitrate_forwarded:{kind}"] = now.bitrate_forwarded[kind]
        counters["media_timeouts"] = sfu.stats.timeouts
        counters["keyframe_requests"] = sfu.stats.keyframe_requests
        for reason, n in sfu.transport.dropped.items():
            counters[f"packets_dropped:{reason}"] = n
        # Overload (media/overload.py, docs/overload.md).
        gauges["overload_level"] = sfu.overload_level
        gauges["loop_lag"] = sfu.pressure.take_peak_lag()
        gauges["receive_queue"] = sfu.pressure.queue
        gauges["receive_buffer"] = sfu.receive_buffer
        counters["overload_steps"] = sfu.policy.steps_up
        counters["packets_shed"] = sfu.transport.shed
        counters["receive_drops"] = sfu.pressure.drops
    return Sample(counters, gauges)


def add(into: dict[str, float], more: dict[str, float]) -> None:
    for key, value in more.items():
        into[key] = into.get(key, 0.0) + value
