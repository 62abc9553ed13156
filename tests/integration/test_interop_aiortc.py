"""Interoperability with a WebRTC stack we did not write: aiortc publishes, aiortc decodes.

One aiortc client publishes a real VP8 + Opus stream (encoded by aiortc from generated frames)
through the SFU; a second aiortc client subscribes and decodes it. Both speak Palabre's
signaling over a plain WebSocket, exactly as docs/protocol.md describes.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import json
import math
import struct
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import aioice.ice
import pytest
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError
from av import AudioFrame, VideoFrame
from websockets.asyncio.client import ClientConnection, connect

if TYPE_CHECKING:
    from palabre.bot.harness import ServerProcess as PalabreServer

pytestmark = pytest.mark.slow

TIME_LIMIT = 20.0  # seconds for the receiver to decode enough media
VIDEO_FRAMES_WANTED = 30
AUDIO_FRAMES_WANTED = 25


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """aiortc gathers host candidates on every interface; keep test traffic on loopback."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


# --- media sources ---


class PatternVideoTrack(MediaStreamTrack):
    """30 fps of diagonal luma stripes that move a few pixels per frame (320x240 by default)."""

    kind = "video"
    fps = 30

    def __init__(self, width: int = 320, height: int = 240) -> None:
        super().__init__()
        self.width, self.height = width, height
        self._start = 0.0
        self._count = 0
        self._ramp = bytes(range(256)) * 4

    async def recv(self) -> VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._count == 0:
            self._start = time.monotonic()
        else:
            await asyncio.sleep(self._start + self._count / self.fps - time.monotonic())
        frame = VideoFrame(width=self.width, height=self.height, format="yuv420p")
        luma = frame.planes[0]
        shift = 4 * self._count
        luma.update(
            b"".join(
                self._ramp[(y + shift) % 256 : (y + shift) % 256 + luma.line_size]
                for y in range(luma.height)
            )
        )
        for chroma in frame.planes[1:]:
            chroma.update(bytes([128]) * chroma.buffer_size)
        frame.pts = self._count * (90000 // self.fps)
        frame.time_base = fractions.Fraction(1, 90000)
        self._count += 1
        return frame


class ToneAudioTrack(MediaStreamTrack):
    """A 400 Hz tone, 20 ms mono s16 frames at 48 kHz (400 Hz fits 8 whole periods in 20 ms)."""

    kind = "audio"
    rate, samples = 48000, 960

    def __init__(self) -> None:
        super().__init__()
        self._start = 0.0
        self._count = 0
        period = [int(8000 * math.sin(2 * math.pi * i / 120)) for i in range(120)]
        self._pcm = struct.pack(f"<{self.samples}h", *(period * (self.samples // 120)))

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._count == 0:
            self._start = time.monotonic()
        else:
            delay = self._start + self._count * self.samples / self.rate - time.monotonic()
            await asyncio.sleep(delay)
        frame = AudioFrame(format="s16", layout="mono", samples=self.samples)
        frame.planes[0].update(self._pcm)
        frame.sample_rate = self.rate
        frame.pts = self._count * self.samples
        frame.time_base = fractions.Fraction(1, self.rate)
        self._count += 1
        return frame


# --- a participant made of aiortc peer connections and a WebSocket ---


class AiortcParticipant:
    def __init__(self, url: str, room: str, name: str) -> None:
        self.url, self.room, self.name = url, room, name
        self.id: str | None = None
        # No STUN server: aiortc's default is a public one, and the SFU is on loopback anyway.
        self.publish_pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.subscribe_pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.messages: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.offered_tracks: list[dict[str, Any]] = []
        # Decoded frames and video sizes by mid of the subscribe connection.
        self.frames: Counter[str] = Counter()
        self.sizes: dict[str, set[tuple[int, int]]] = defaultdict(set)
        self.kinds: dict[str, str] = {}
        self._ws: ClientConnection | None = None
        self._next_id = 1
        self._waiters: list[tuple[Callable[[dict[str, Any]], bool], asyncio.Future[Any]]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.subscribe_pc.on("track", self._on_track)

    async def join(self) -> None:
        self._ws = await connect(self.url)
        self._tasks.append(asyncio.create_task(self._read()))
        joined = await self.request({"type": "join", "room": self.room, "name": self.name})
        assert joined["type"] == "joined", joined
        self.id = joined["you"]["id"]

    async def publish(self, audio: MediaStreamTrack, video: MediaStreamTrack) -> None:
        pc = self.publish_pc
        pc.addTransceiver(audio, direction="sendonly")
        video_transceiver = pc.addTransceiver(video, direction="sendonly")
        vp8 = [
            codec
            for codec in RTCRtpSender.getCapabilities("video").codecs
            if codec.mimeType.lower() == "video/vp8"
        ]
        video_transceiver.setCodecPreferences(vp8)
        await pc.setLocalDescription(await pc.createOffer())
        sources = {
            transceiver.mid: "microphone" if transceiver.kind == "audio" else "camera"
            for transceiver in pc.getTransceivers()
            if transceiver.mid is not None
        }
        answer = await self.request(
            {"type": "publish", "sdp": pc.localDescription.sdp, "sources": sources}
        )
        assert answer["type"] == "publish_answer", answer
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))

    async def request(self, message: dict[str, Any], timeout: float = 10) -> dict[str, Any]:
        ident = self._next_id
        self._next_id += 1
        future = self._expect(lambda m: m.get("ref") == ident)
        await self._send({**message, "id": ident})
        return dict(await asyncio.wait_for(future, timeout))

    def _expect(self, predicate: Callable[[dict[str, Any]], bool]) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        return future

    async def _send(self, message: dict[str, Any]) -> None:
        assert self._ws is not None
        await self._ws.send(json.dumps(message))

    async def _read(self) -> None:
        assert self._ws is not None
        async for text in self._ws:
            message = json.loads(text)
            self.messages.append(message)
            if message["type"] == "error":
                self.errors.append(message)
            elif message["type"] == "subscribe_offer":
                # Handled in order: the server keeps one offer outstanding at a time.
                try:
                    await self._answer_subscribe_offer(message)
                except Exception as exc:  # aiortc refused the offer: make the test say so
                    self.errors.append({"type": "aiortc", "message": repr(exc)})
            for waiter in list(self._waiters):
                predicate, future = waiter
                if not future.done() and predicate(message):
                    future.set_result(message)
                    self._waiters.remove(waiter)

    async def _answer_subscribe_offer(self, message: dict[str, Any]) -> None:
        self.offered_tracks = message["tracks"]
        pc = self.subscribe_pc
        await pc.setRemoteDescription(RTCSessionDescription(sdp=message["sdp"], type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        await self._send({"type": "subscribe_answer", "sdp": pc.localDescription.sdp})

    def _on_track(self, track: MediaStreamTrack) -> None:
        transceiver = next(
            t for t in self.subscribe_pc.getTransceivers() if t.receiver.track is track
        )
        mid = transceiver.mid
        assert mid is not None
        self.kinds[mid] = track.kind
        self._tasks.append(asyncio.create_task(self._consume(mid, track)))

    async def _consume(self, mid: str, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                self.frames[mid] += 1
                if isinstance(frame, VideoFrame):
                    self.sizes[mid].add((frame.width, frame.height))

    def count(self, kind: str, mids: Iterable[str] | None = None) -> int:
        """Frames decoded of this kind, on these mids or all."""
        chosen = self.kinds if mids is None else mids
        return sum(self.frames[mid] for mid in chosen if self.kinds.get(mid) == kind)

    def offered_mids(self, participant: str | None) -> dict[str, str]:
        """kind -> mid of what the latest subscribe offer carries from this participant."""
        return {t["kind"]: t["mid"] for t in self.offered_tracks if t["participant"] == participant}

    def describe(self) -> str:
        return (
            f"frames by mid {dict(self.frames)}, sizes {dict(self.sizes)}, "
            f"offered {self.offered_tracks}, errors {self.errors}, "
            f"subscribe connection {self.subscribe_pc.connectionState}"
        )

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._ws is not None:
            await self._ws.close()
        await self.publish_pc.close()
        await self.subscribe_pc.close()


async def _until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


async def test_aiortc_publishes_vp8_and_opus_that_aiortc_decodes(
    palabre_server: PalabreServer,
) -> None:
    receiver = AiortcParticipant(palabre_server.ws_url, "Interop aiortc", "Receiver")
    sender = AiortcParticipant(palabre_server.ws_url, "Interop aiortc", "Sender")
    try:
        await receiver.join()
        await sender.join()
        await sender.publish(ToneAudioTrack(), PatternVideoTrack(320, 240))

        await _until(
            lambda: (
                receiver.count("video") >= VIDEO_FRAMES_WANTED
                and receiver.count("audio") >= AUDIO_FRAMES_WANTED
            ),
            TIME_LIMIT,
        )
        state = f"{receiver.describe()}\nserver log:\n{palabre_server.log()[-4000:]}"
        assert not receiver.errors and not sender.errors, state
        mids = receiver.offered_mids(sender.id)
        assert set(mids) == {"audio", "video"}, state
        assert receiver.count("video", [mids["video"]]) >= VIDEO_FRAMES_WANTED, state
        assert receiver.sizes[mids["video"]] == {(320, 240)}, state
        assert receiver.count("audio", [mids["audio"]]) >= AUDIO_FRAMES_WANTED, state
    finally:
        await sender.close()
        await receiver.close()


async def test_aiortc_decodes_a_new_publisher_in_a_reused_m_section(
    palabre_server: PalabreServer,
) -> None:
    """A departed publisher's m-sections carry the next one's media to an aiortc receiver.

    Two publishers are needed: with one, aiortc would route any stream by its payload type.
    """
    url, room = palabre_server.ws_url, "Interop aiortc reuse"
    receiver = AiortcParticipant(url, room, "Receiver")
    first, second, third = (AiortcParticipant(url, room, n) for n in ("One", "Two", "Three"))
    try:
        await receiver.join()
        for publisher in (first, second):
            await publisher.join()
            await publisher.publish(ToneAudioTrack(), PatternVideoTrack(320, 240))
        assert await _until(lambda: len(receiver.offered_tracks) == 4, 10), receiver.describe()
        freed = receiver.offered_mids(first.id)

        await first.close()
        assert await _until(lambda: not receiver.offered_mids(first.id), 10), receiver.describe()
        await third.join()
        await third.publish(ToneAudioTrack(), PatternVideoTrack(160, 120))
        assert await _until(lambda: receiver.offered_mids(third.id) == freed, 10), (
            f"the freed m-sections {freed} were not reused: {receiver.describe()}"
        )

        video_before = receiver.count("video", [freed["video"]])
        audio_before = receiver.count("audio", [freed["audio"]])
        await _until(
            lambda: (
                receiver.count("video", [freed["video"]]) - video_before >= VIDEO_FRAMES_WANTED
                and receiver.count("audio", [freed["audio"]]) - audio_before >= AUDIO_FRAMES_WANTED
            ),
            TIME_LIMIT,
        )
        state = f"{receiver.describe()}\nserver log:\n{palabre_server.log()[-4000:]}"
        assert not receiver.errors, state
        video = receiver.count("video", [freed["video"]]) - video_before
        audio = receiver.count("audio", [freed["audio"]]) - audio_before
        assert video >= VIDEO_FRAMES_WANTED, f"{video} new video frames; {state}"
        assert (160, 120) in receiver.sizes[freed["video"]], state
        assert audio >= AUDIO_FRAMES_WANTED, f"{audio} new audio frames; {state}"
    finally:
        for participant in (first, second, third, receiver):
            await participant.close()
