"""The shedding policy (media/overload.py) on a fake clock, the receive buffer's size, and the
transport's control-first order under overload."""

from __future__ import annotations

import asyncio

import pytest

from palabre.media import overload
from palabre.media.overload import (
    LAYERS_CAPPED,
    LOWEST_LAYER,
    NO_VIDEO,
    NORMAL,
    SPEAKER_VIDEO,
    OverloadPolicy,
    Signals,
)
from palabre.media.transport import MediaTransport

OVER = Signals(lag=0.2)
CALM = Signals(lag=0.001)
STEP = 0.05  # the sampling interval of pressure.py


def run(policy: OverloadPolicy, start: float, seconds: float, signals: Signals) -> float:
    """Sample every STEP for `seconds`; the time reached."""
    now = start
    for _ in range(round(seconds / STEP)):
        now += STEP
        policy.sample(now, signals)
    return now


def test_steps_up_one_level_a_second_in_the_order_of_the_docs() -> None:
    policy = OverloadPolicy(0.0)
    levels = []
    now = 0.0
    for _ in range(int(6 / STEP)):
        now += STEP
        levels.append(policy.sample(now, OVER))
    # Not before RISE of overload, then one step per STEP_UP, up to NO_VIDEO and no further.
    assert levels[int(0.25 / STEP)] == NORMAL
    assert dict.fromkeys(levels) == dict.fromkeys(
        [NORMAL, LAYERS_CAPPED, LOWEST_LAYER, SPEAKER_VIDEO, NO_VIDEO]
    )
    first = {level: levels.index(level) * STEP for level in set(levels)}
    assert first[LOWEST_LAYER] - first[LAYERS_CAPPED] == pytest.approx(1.0, abs=STEP)
    assert levels[-1] == NO_VIDEO
    assert policy.steps_up == 4


def test_a_short_spike_sheds_nothing() -> None:
    policy = OverloadPolicy(0.0)
    now = run(policy, 0.0, 0.2, OVER)  # a GC pause, a keyframe burst
    now = run(policy, now, 1.0, CALM)
    run(policy, now, 0.2, Signals(lag=0.0, drops=3))
    assert policy.level == NORMAL


def test_every_signal_counts() -> None:
    for signals in (Signals(lag=0.06), Signals(lag=0.0, queue=0.6), Signals(lag=0, drops=1)):
        policy = OverloadPolicy(0.0)
        run(policy, 0.0, 0.5, signals)
        assert policy.level == LAYERS_CAPPED, signals


def test_steps_down_after_calm_and_waits_longer_after_a_failed_step() -> None:
    policy = OverloadPolicy(0.0)
    now = run(policy, 0.0, 2.0, OVER)
    assert policy.level == LOWEST_LAYER
    now = run(policy, now, 3.5, CALM)
    assert policy.level == LOWEST_LAYER  # not yet CALM seconds
    now = run(policy, now, 0.6, CALM)
    assert policy.level == LAYERS_CAPPED
    # The load comes back at once: that step down failed; up again, then a longer wait.
    now = run(policy, now, 1.2, OVER)
    assert policy.level == LOWEST_LAYER
    now = run(policy, now, 5.0, CALM)
    assert policy.level == LOWEST_LAYER  # 8 s now
    now = run(policy, now, 3.1, CALM)
    assert policy.level == LAYERS_CAPPED


def test_between_the_bars_holds() -> None:
    policy = OverloadPolicy(0.0)
    now = run(policy, 0.0, 1.0, OVER)
    assert policy.level == LAYERS_CAPPED
    run(policy, now, 20.0, Signals(lag=0.03))  # neither over nor calm
    assert policy.level == LAYERS_CAPPED


def test_what_each_level_forwards() -> None:
    assert [overload.layer_cap(level) for level in range(5)] == [None, 1, 0, 0, 0]
    assert overload.budget_share(NORMAL) == 1.0 and overload.budget_share(LAYERS_CAPPED) < 1
    assert overload.forwards_video(LOWEST_LAYER, "camera", speaker=False)
    assert not overload.forwards_video(SPEAKER_VIDEO, "camera", speaker=False)
    assert overload.forwards_video(SPEAKER_VIDEO, "camera", speaker=True)
    assert overload.forwards_video(SPEAKER_VIDEO, "screen", speaker=False)
    assert not overload.forwards_video(NO_VIDEO, "screen", speaker=True)


def test_receive_buffer_holds_about_100_ms() -> None:
    # 50 speakers of audio (2,500 packets/s) and nothing else: the floor of 5,000 packets/s.
    floor = overload.receive_buffer_size(2500, 0)
    assert floor == 5000 * overload.AUDIO_TRUESIZE * 0.1 / 2
    # 20 cameras (3 layers, ~170 packets/s each) and 100 microphones.
    size = overload.receive_buffer_size(5000, 3400)
    assert 2 * size == pytest.approx((5000 * 832 + 3400 * 2304) * 0.1)
    assert overload.receive_buffer_size(0, 0, ceiling=1000) == 1000


class Endpoint:
    def __init__(self, handled: list[bytes]) -> None:
        self.ufrag = "u"
        self.shed_payload_types: frozenset[int] = frozenset()
        self.handled = handled

    def handle_packet(self, data: bytes) -> None:
        self.handled.append(data)


RTP_AUDIO = bytes([0x80, 111]) + bytes(10)
RTP_VIDEO = bytes([0x80, 96]) + bytes(10)
RTCP = bytes([0x80, 201]) + bytes(10)
DTLS = bytes([22]) + bytes(12)


async def test_control_packets_first_and_video_shed_under_overload() -> None:
    transport = MediaTransport()
    await transport.start("127.0.0.1", 0, None)
    try:
        handled: list[bytes] = []
        endpoint = Endpoint(handled)
        address = ("127.0.0.1", 4242)
        transport.bind_path(address, endpoint)  # type: ignore[arg-type]
        batch = [(RTP_AUDIO, address), (RTP_VIDEO, address), (RTCP, address), (DTLS, address)]
        transport.datagrams_received(batch)
        assert handled == [RTP_AUDIO, RTP_VIDEO, RTCP, DTLS]  # in order when not overloaded
        handled.clear()
        transport.media_later = True
        transport.datagrams_received(batch)
        assert handled == [RTCP, DTLS, RTP_AUDIO, RTP_VIDEO]
        handled.clear()
        endpoint.shed_payload_types = frozenset({96})
        for data, addr in batch:  # one datagram at a time, as the event loop delivers them
            transport.datagram_received(data, addr)
        assert handled == [RTCP, DTLS]
        await asyncio.sleep(0)
        assert handled == [RTCP, DTLS, RTP_AUDIO]
        assert transport.shed == 1
    finally:
        await transport.close()


async def test_sfu_sizes_its_receive_buffer_and_applies_the_level() -> None:
    from palabre.media.sfu import Sfu

    sfu = Sfu(["127.0.0.1"])
    await sfu.start("127.0.0.1", 0, None)
    try:
        # 100 ms at the floor rate, as the kernel counts it (unless rmem_max is lower).
        wanted = 2 * overload.receive_buffer_size(0, 0)
        assert 0 < sfu.receive_buffer <= wanted
        sfu.policy.level = SPEAKER_VIDEO
        sfu.apply_overload()
        assert sfu.transport.media_later
        sfu.policy.level = NORMAL
        sfu.apply_overload()
        assert not sfu.transport.media_later
    finally:
        await sfu.close()


async def test_an_sfu_told_not_to_shed_measures_and_sheds_nothing() -> None:
    from palabre.media.sfu import Sfu

    sfu = Sfu(["127.0.0.1"], shedding=False)
    await sfu.start("127.0.0.1", 0, None)
    try:
        for step in range(40):  # 4 s of a loop 200 ms late: a shedding SFU would be at level 4
            sfu.on_pressure(step * 0.1, OVER)
        assert sfu.overload_level == NORMAL and not sfu.transport.media_later
    finally:
        await sfu.close()
