"""A room's recording: every recorded track's packets, queued on the event loop and written
to WebM by one writer thread per recording; then the composed file, made by ffmpeg.

On the event loop, per packet, a track's tap (media/track.py) does one queue put: the
packet's bytes as received and four integers. Everything else (putting packets back in
order, gathering VP8 frames, muxing, writing) is done by the writer thread, which tells the
loop only when a video track needs a keyframe (after a loss) and when it has finished.

The process that holds the publisher writes: in a single process the SFU, with
`--media-workers` the worker of the room, into the same data directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..media.track import Track
from . import manifest as mf
from . import store
from .compose import compose
from .depacketize import Frame, OpusFrames, Packet, Timeline, Vp8Frames

log = logging.getLogger(__name__)

QUEUE_LIMIT = 20_000  # packets waiting for the writer: past this (a stalled disk) they are lost
KEYFRAME_INTERVAL = 1.0  # seconds between two keyframe requests after losses
DATA, FINISH, SWITCH = 0, 1, 2  # what the writer thread is told about a track


@dataclass(frozen=True)
class Outcome:
    """What became of a recording once stopped: the composed file, or why there is none."""

    id: str
    key: str
    state: str  # "ready" or "failed"
    duration: float
    reason: str | None = None


class _TrackWriter:
    """One track's state, touched by the writer thread only (but `layer`, read by both)."""

    def __init__(self, track: Track, entry: mf.TrackEntry, path: Path, origin: float) -> None:
        self.track = track
        self.entry = entry
        # Imported here: PyAV costs ~0.2 s of CPU to import, in every server start.
        from .webm import TrackFile

        self.file = TrackFile(path, track.kind)
        self.frames: OpusFrames | Vp8Frames = Vp8Frames() if track.is_video else OpusFrames()
        self.timeline = Timeline(track.clock_rate)
        self.origin = origin  # the recording's start, on the tracks' monotonic clock
        # The simulcast layer written: the highest sent at the start, kept while it flows.
        self.layer = track.highest_active_layer() if track.simulcast else 0
        self.last_keyframe_request = 0.0

    def add(self, packet: Packet) -> None:
        for frame in self.frames.push(packet):
            self._write(frame)

    def switch(self) -> None:
        """Another simulcast layer from now: its own numbering and timestamps, and a
        keyframe to start from."""
        for frame in self.frames.flush():
            self._write(frame)
        lost, dropped = self.frames.reorder.lost, self._dropped()
        self.frames = Vp8Frames()
        self.frames.reorder.lost, self.frames.dropped = lost, dropped
        self.timeline.resync = True

    def _dropped(self) -> int:
        return self.frames.dropped if isinstance(self.frames, Vp8Frames) else 0

    def finish(self) -> None:
        for frame in self.frames.flush():
            self._write(frame)
        self.file.close()
        entry = self.entry
        entry.frames, entry.keyframes = self.file.frames, self.file.keyframes
        entry.lost = self.frames.reorder.lost
        entry.dropped = self._dropped()

    def _write(self, frame: Frame) -> None:
        if not self.file.opened:
            self.entry.start = round(max(0.0, frame.arrival - self.origin), 3)
        pts = self.timeline.pts(frame.timestamp, frame.arrival)
        self.file.write(frame, pts)
        self.entry.end = self.entry.start + pts / 1000


class Recorder:
    """A room's recording, from `start` to `stop`: the TrackRecorder the SFU's participants
    hand their tracks to (media/sfu.py), and who spoke when."""

    def __init__(
        self,
        directory: Path,
        manifest: mf.Manifest,
        done: Callable[[Outcome], None],
        composer: Callable[[Path, mf.Manifest], asyncio.Future[str | None]] | None = None,
    ) -> None:
        self.directory = directory
        self.manifest = manifest
        self._done = done
        self._composer = composer
        self._loop = asyncio.get_running_loop()
        self.origin = time.monotonic()
        self._queue: queue.SimpleQueue[tuple[int, _TrackWriter, Packet | None] | None] = (
            queue.SimpleQueue()
        )
        self._writers: dict[int, _TrackWriter] = {}  # by id(track), attached now
        self._count = 0
        self.overflow = 0  # packets lost to a full queue
        self.stopped = False
        self._thread = threading.Thread(
            target=self._run, name=f"recorder-{manifest.id}", daemon=True
        )
        self._thread.start()

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def writing(self) -> bool:
        return self._thread.is_alive()

    def join(self, timeout: float) -> None:
        """Blocking: wait for the writer thread (after `stop`)."""
        self._thread.join(timeout)

    @property
    def key(self) -> str:
        return self.manifest.key

    # --- on the event loop ---

    def attach(self, track: Track) -> None:
        if self.stopped or id(track) in self._writers:
            return
        self._count += 1
        name = f"{self._count:03d}-{track.participant_id}-{track.kind}-{track.source}.webm"
        entry = mf.TrackEntry(file=name, participant=track.participant_id, kind=track.kind,
                              source=track.source, start=0.0, end=0.0)  # fmt: skip
        writer = _TrackWriter(track, entry, self.directory / name, self.origin)
        self._writers[id(track)] = writer
        self.manifest.tracks.append(entry)
        put = self._queue.put

        def tap(packet: bytes, b0: int, seq: int, ts: int, offset: int, layer: int,
                now: float) -> None:  # fmt: skip
            if layer != writer.layer:
                return
            if self._queue.qsize() > QUEUE_LIMIT:
                self.overflow += 1
                return
            end = len(packet) - (packet[-1] if b0 & 0x20 else 0)
            marker = bool(packet[1] & 0x80)
            put((DATA, writer, Packet(seq, ts, marker, packet[offset:end], now)))

        track.tap = tap
        if track.is_video:
            track.request_keyframe(writer.layer)

    def detach(self, track: Track) -> None:
        writer = self._writers.pop(id(track), None)
        if writer is None:
            return
        if track.tap is not None:
            track.tap = None
        self._queue.put((FINISH, writer, None))

    def speaker(self, participant_id: str) -> None:
        """The dominant speaker changed: the composed file highlights them from now."""
        if not self.stopped:
            at = round(time.monotonic() - self.origin, 2)
            self.manifest.speakers.append(mf.Speaker(at, participant_id))

    def tick(self) -> None:
        """Periodic (the hub's tick): a simulcast layer that stopped is replaced by the
        highest the publisher sends now, from its next keyframe."""
        for writer in list(self._writers.values()):
            track = writer.track
            if track.simulcast:
                best = track.highest_active_layer()
                layer = track.layers[writer.layer]
                if best != writer.layer and track.clock() - layer.last_packet > 2.0:
                    writer.layer = best
                    self._queue.put((SWITCH, writer, None))
                    track.request_keyframe(best)

    def stop(self) -> None:
        """No more packets: the writer finishes every file, then the composition runs."""
        if self.stopped:
            return
        self.stopped = True
        self.manifest.duration = round(time.monotonic() - self.origin, 3)
        self.manifest.stopped_at = self.manifest.started_at + self.manifest.duration
        for writer in list(self._writers.values()):
            self.detach(writer.track)
        self._queue.put(None)

    # --- on the writer thread ---

    def _run(self) -> None:
        try:
            mf.write(self.directory, self.manifest)
            self._write_all()
            if self._composer is not None:  # before "stopped": nobody else takes it up
                store.lock(self.directory)
            self.manifest.state = "stopped"
            mf.write(self.directory, self.manifest)
        except Exception as exc:  # a full disk: the recording is lost, the meeting goes on
            log.exception("recording %s failed", self.manifest.id)
            self.manifest.state = "failed"
            self.manifest.reason = f"writing failed: {exc}"
            with contextlib.suppress(Exception):
                mf.write(self.directory, self.manifest)
        with contextlib.suppress(RuntimeError):  # the loop is gone: the process stops
            self._loop.call_soon_threadsafe(self._written)

    def _write_all(self) -> None:
        open_writers: set[_TrackWriter] = set()
        while True:
            item = self._queue.get()
            if item is None:
                break
            op, writer, packet = item
            if op == FINISH:
                open_writers.discard(writer)
                writer.finish()
                continue
            if op == SWITCH or packet is None:
                writer.switch()
                continue
            open_writers.add(writer)
            writer.add(packet)
            frames = writer.frames
            if isinstance(frames, Vp8Frames) and frames.keyframe_wanted:
                now = time.monotonic()
                if now - writer.last_keyframe_request > KEYFRAME_INTERVAL:
                    writer.last_keyframe_request = now
                    self._loop.call_soon_threadsafe(writer.track.request_keyframe, writer.layer)
        for writer in open_writers:
            writer.finish()

    # --- back on the event loop ---

    def _written(self) -> None:
        if self.manifest.state == "failed":
            self._finish(self.manifest.reason)
            return
        self.manifest.tracks = [t for t in self.manifest.tracks if t.frames]
        if self._composer is None:
            self._finish("no composer")
            return
        future = self._composer(self.directory, self.manifest)
        future.add_done_callback(self._composed)

    def _composed(self, future: asyncio.Future[str | None]) -> None:
        try:
            reason = future.result()
        except Exception as exc:
            log.exception("composing recording %s failed", self.manifest.id)
            reason = f"composition failed: {exc}"
        self._finish(reason)

    def _finish(self, reason: str | None) -> None:
        manifest = self.manifest
        outcome = Outcome(manifest.id, manifest.key, "failed" if reason else "ready",
                          manifest.duration, reason)  # fmt: skip
        self._done(outcome)


class Recordings:
    """The recordings this process makes, under `root` (the data directory's recordings/):
    one directory each, and one composition at a time (ffmpeg takes a core)."""

    def __init__(self, root: Path, ffmpeg: str = "ffmpeg") -> None:
        self.root = root
        self.ffmpeg = ffmpeg
        self._compositions = asyncio.Semaphore(1)
        self._tasks: set[asyncio.Task[str | None]] = set()
        self._recorders: list[Recorder] = []

    def start(self, room: str, by: str | None, done: Callable[[Outcome], None]) -> Recorder:
        """Begin recording `room` (`by`: the account of the moderator, if signed in);
        `done` is called on the event loop once the composed file is there or has failed.
        OSError if the directory cannot be made."""
        recording_id = time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(4)
        directory = self.root / recording_id
        directory.mkdir(parents=True, mode=0o700)
        manifest = mf.Manifest(id=recording_id, room=room, key=secrets.token_urlsafe(24),
                               by=by, started_at=time.time())  # fmt: skip
        recorder = Recorder(directory, manifest, done, self._compose)
        self._recorders = [r for r in self._recorders if r.writing] + [recorder]
        return recorder

    def _compose(self, directory: Path, manifest: mf.Manifest) -> asyncio.Future[str | None]:
        task = asyncio.get_running_loop().create_task(self._run_composition(directory, manifest))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run_composition(self, directory: Path, manifest: mf.Manifest) -> str | None:
        try:
            async with self._compositions:
                return await compose_recording(directory, manifest, self.ffmpeg)
        finally:  # done, or cut short (this process stops): the main process's job takes it
            await asyncio.to_thread(store.unlock, directory)

    async def close(self) -> None:
        """Let the writers finish their files (the meetings have ended), then stop the
        compositions: what is left uncomposed, the main process's job composes."""
        for recorder in self._recorders:
            await asyncio.to_thread(recorder.join, 10.0)
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def compose_recording(directory: Path, manifest: mf.Manifest, ffmpeg: str) -> str | None:
    """The composed file, and the manifest saying so (`ready`, or `failed` and why)."""
    reason = await compose(directory, manifest, ffmpeg)
    manifest.state = "failed" if reason else "ready"
    manifest.reason = reason
    await asyncio.to_thread(mf.write, directory, manifest)
    return reason
