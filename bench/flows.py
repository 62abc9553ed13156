"""What the forwarding benchmarks share (bench/forward.py, bench/compare.py): groups of bots in
this process or in worker processes, snapshots of what they sent and received, the windows
between two snapshots, the server under measure and the machine's description."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psutil

from palabre.bot.harness import ServerProcess
from palabre.bot.harness import start_server as harness_start_server

# --- the bots, in whichever process drives them ---

ROOM = "bench-forward"
CLIP_SECONDS = 3.0
# --simulcast: the layers (bit/s, width, height), lowest first, as the integration tests use.
SIMULCAST_LAYERS = [(150_000, 160, 120), (450_000, 320, 240), (1_200_000, 640, 480)]
SIMULCAST_STREAMS = ("video:q", "video:h", "video:f")  # the bot's keys for them (its rids)
LAYER_SETTLE = 8.0  # seconds without a layer change before the allocation counts as settled


def simulcast_clips() -> list[Any]:
    from palabre.bot import load_clip

    return [load_clip(CLIP_SECONDS, rate, w, h) for rate, w, h in SIMULCAST_LAYERS]


@dataclass
class BotSpec:
    name: str
    publisher: bool
    # As in a real meeting: a few speak, the others' microphones send Opus DTX only (one
    # packet in 400 ms, as a browser's quiet or muted microphone does); some have no camera.
    speaking: bool = True
    camera: bool = True

    @property
    def dtx(self) -> bool:
        return not self.speaking


@dataclass
class Snapshot:
    """Counters of one group of bots at one instant (all cumulative since the bots started)."""

    taken: float = 0.0
    cpu: float = 0.0  # CPU seconds of the bot process
    sent: dict[str, int] = field(default_factory=dict)  # publisher id -> packets sent
    # receiving bot id -> publisher id -> packets received
    received: dict[str, dict[str, int]] = field(default_factory=dict)
    srtp_errors: int = 0
    udp_drops: int = 0  # kernel drops on the bots' UDP sockets
    # Since the group's previous snapshot, from RTP sequence numbers, receiving bot id ->
    # publisher id -> [packets received, span of sequence numbers they cover]: the span is
    # what a receiver expects (RFC 3550 6.4.1), whatever was still in flight at the edges.
    sequences: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    # Publisher id -> the bot's stream key ("audio", "video", "video:q", ...) -> packets sent.
    sent_streams: dict[str, dict[str, int]] = field(default_factory=dict)
    # Receiving bot id -> publisher id -> heights of the keyframes received since the group's
    # previous baseline snapshot, repeats collapsed, starting with the last one before it:
    # the simulcast layer the receiver got, and [a, b] when it switched from a to b.
    layers: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    # Receiving bot id -> publisher id -> audio packets received (the rest of `received` is
    # video): audio's loss apart, and which videos a receiver is forwarded (last-N).
    received_audio: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "taken": self.taken,
            "cpu": self.cpu,
            "sent": self.sent,
            "received": self.received,
            "srtp_errors": self.srtp_errors,
            "udp_drops": self.udp_drops,
            "sequences": self.sequences,
            "sent_streams": self.sent_streams,
            "layers": self.layers,
            "received_audio": self.received_audio,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Snapshot:
        return cls(**data)


def sequence_span(sequences: set[int]) -> int:
    """How many 16-bit sequence numbers the smallest circular range holding these covers."""
    if len(sequences) < 2:
        return len(sequences)
    ordered = sorted(sequences)
    largest_gap = (ordered[0] - ordered[-1]) % 65536  # the gap across the wrap
    for low, high in itertools.pairwise(ordered):
        largest_gap = max(largest_gap, high - low)
    return 65536 - largest_gap + 1


def udp_drops(pid: int) -> int:
    """Datagrams the kernel dropped on this process's UDP sockets (full receive buffers)."""
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    drops = 0
    for table in ("udp", "udp6"):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
                fields = line.split()
                if len(fields) >= 13 and fields[9] in inodes:
                    drops += int(fields[12])
    return drops


def machine_cpu() -> tuple[float, float]:
    """Busy and total CPU seconds of the whole machine, all cores, from /proc/stat."""
    times = psutil.cpu_times()
    total = float(sum(times))
    idle = float(times.idle + getattr(times, "iowait", 0.0))
    return total - idle, total


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def server_processes(pid: int) -> list[psutil.Process]:
    """The server and its children (the SFU workers of --media-workers)."""
    with contextlib.suppress(psutil.Error):
        process = psutil.Process(pid)
        return [process, *process.children(recursive=True)]
    return []


def tree_cpu(processes: list[psutil.Process]) -> dict[int, float]:
    cpu = {}
    for process in processes:
        with contextlib.suppress(psutil.Error):
            cpu[process.pid] = cpu_seconds(process)
    return cpu


class BotGroup:
    """Some bots of the room, driven by the event loop of the current process."""

    def __init__(
        self,
        url: str,
        specs: list[BotSpec],
        bitrate: int,
        audio_only: bool,
        room: str = ROOM,
        simulcast: bool = False,
    ) -> None:
        self.url = url
        self.specs = specs
        self.bitrate = bitrate
        self.audio_only = audio_only
        self.room = room
        self.simulcast = simulcast
        self.bots: list[Any] = []
        self._process = psutil.Process()
        self._seen: dict[int, set[int]] = {}  # id(received track) -> sequence numbers seen
        self._sizes_seen: dict[int, int] = {}  # id(received track) -> keyframe sizes seen

    async def start(self) -> None:
        from palabre.bot import Bot, load_clip

        clip = None
        layers = None
        if any(spec.publisher for spec in self.specs):
            if self.simulcast:
                layers = simulcast_clips()
                clip = layers[0]  # its audio; the video is the layers'
            else:
                clip = load_clip(CLIP_SECONDS, self.bitrate)
        for spec in self.specs:
            bot = Bot(
                self.url,
                self.room,
                spec.name,
                clip=clip if spec.publisher else None,
                audio=True,
                video=not self.audio_only and spec.camera,
                simulcast=layers if spec.publisher and spec.camera else None,
                speaking=spec.speaking,
                dtx=spec.dtx,
            )
            self.bots.append(bot)
            await bot.join()
            if self.simulcast:
                bot.emulate_remb(None)  # as a browser on a clear path: the SFU picks layers
            if spec.publisher:
                await bot.publish()

    def snapshot(self, baseline: bool = False) -> Snapshot:
        """The bots' counters; sequence numbers are counted from the last baseline snapshot."""
        snap = Snapshot(
            time.monotonic(), cpu_seconds(self._process), udp_drops=udp_drops(os.getpid())
        )
        for bot in self.bots:
            if bot.outgoing:
                snap.sent[bot.id] = sum(o.sent for o in bot.outgoing.values())
                snap.sent_streams[bot.id] = {k: o.sent for k, o in bot.outgoing.items()}
            by_publisher: dict[str, int] = {}
            audio: dict[str, int] = {}
            sequences: dict[str, list[int]] = {}
            layers: dict[str, list[int]] = {}
            for track in bot.received.values():
                by_publisher[track.participant] = (
                    by_publisher.get(track.participant, 0) + track.packets
                )
                if track.kind == "audio":
                    audio[track.participant] = audio.get(track.participant, 0) + track.packets
                # The bot keeps every sequence number it received; those new since the
                # baseline give the loss without the skew of packets in flight at its edges.
                seen = set(track.sequences)
                new = seen - self._seen.get(id(track), set())
                if baseline:
                    self._seen[id(track)] = seen
                counts = sequences.setdefault(track.participant, [0, 0])
                counts[0] += len(new)
                counts[1] += sequence_span(new)
                if track.kind == "video" and track.sizes:
                    sizes = list(track.sizes)
                    start = max(0, self._sizes_seen.get(id(track), 0) - 1)
                    if baseline:
                        self._sizes_seen[id(track)] = len(sizes)
                    heights: list[int] = []
                    for _, height in sizes[start:]:
                        if not heights or heights[-1] != height:
                            heights.append(height)
                    layers[track.participant] = heights
            snap.received[bot.id] = by_publisher
            snap.received_audio[bot.id] = audio
            snap.sequences[bot.id] = sequences
            snap.layers[bot.id] = layers
            snap.srtp_errors += (
                bot.publish_transport.srtp_errors + bot.subscribe_transport.srtp_errors
            )
        return snap

    def stop_media(self) -> Snapshot:
        """Stop every publisher's media (connections stay up); the counters right after."""
        for bot in self.bots:
            if bot.outgoing:
                bot.stop_media()
        return self.snapshot()

    async def stagger(self, delays: dict[str, float]) -> None:
        """Ask each publisher for a keyframe at its own delay, through the server (PLI).

        The bot loops its clip from the keyframe and restarts it on a PLI, so after the joins
        every publisher's keyframe falls at the same instant of a 3 s cycle; in a meeting they
        do not. A PLI from a receiver at publisher k's delay restarts publisher k's clip then.
        Several groups may ask for the same publisher at once; the server merges them.

        With simulcast, a PLI would restart the forwarded layer only: the group that drives
        the publisher restarts all its layers at its delay instead.
        """
        from palabre.media import rtcp

        loop = asyncio.get_running_loop()
        start = loop.time()
        for publisher, delay in sorted(delays.items(), key=lambda item: item[1]):
            await asyncio.sleep(max(0.0, start + delay - loop.time()))
            if self.simulcast:
                for bot in self.bots:
                    if bot.id == publisher:
                        for key, outgoing in bot.outgoing.items():
                            if key.startswith("video"):
                                outgoing.restart(loop.time())
                continue
            for bot in self.bots:
                tracks = bot.tracks_from(publisher, "video")
                ssrc = bot.ssrc_of(tracks[0].track_id) if tracks else None
                if ssrc is not None:
                    bot.subscribe_transport.send_rtcp(rtcp.pli(1, ssrc))
                    break

    async def stop(self) -> None:
        for bot in self.bots:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(bot.leave(), 5)


def new_event_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop

        return uvloop.new_event_loop()
    except ImportError:  # pragma: no cover
        return asyncio.new_event_loop()


def set_nice(pid: int, nice: int | None) -> str | None:
    """Give a process this niceness; the reason if it cannot be done."""
    if nice is None:
        return None
    try:
        psutil.Process(pid).nice(nice)
    except (psutil.Error, OSError) as exc:
        return f"cannot set niceness {nice} on {pid}: {exc}"
    return None


def _worker(
    conn: Connection,
    url: str,
    specs: list[BotSpec],
    bitrate: int,
    audio_only: bool,
    nice: int | None = None,
    simulcast: bool = False,
) -> None:
    """A bot process: start the bots, then answer 'snap' and 'stop' from the controller."""
    set_nice(os.getpid(), nice)

    async def main() -> None:
        group = BotGroup(url, specs, bitrate, audio_only, simulcast=simulcast)
        loop = asyncio.get_running_loop()
        try:
            await group.start()
        except Exception as exc:
            conn.send(("error", repr(exc)))
            await group.stop()
            return
        conn.send(("ready", None))
        while True:
            command = await loop.run_in_executor(None, conn.recv)
            if command == "snap":
                conn.send(("snap", group.snapshot().as_dict()))
            elif command == "baseline":
                conn.send(("snap", group.snapshot(baseline=True).as_dict()))
            elif command == "stop_media":
                conn.send(("snap", group.stop_media().as_dict()))
            elif isinstance(command, tuple) and command[0] == "stagger":
                await group.stagger(command[1])
                conn.send(("staggered", None))
            else:
                await group.stop()
                conn.send(("stopped", None))
                return

    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        runner.run(main())


class BotProcess:
    """The controller's handle on a process that runs `target(conn, *args)` and answers each
    command sent on its pipe with (what, data), or ("error", text)."""

    def __init__(self, target: Callable[..., None], *args: object) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=target, args=(child, *args), daemon=True)
        self.process.start()
        child.close()

    async def _call(self, command: object, timeout: float) -> tuple[str, Any]:
        """Sends a command (None: only waits for the first word) and returns the reply."""
        loop = asyncio.get_running_loop()
        if command is not None:
            self.conn.send(command)
        if not await loop.run_in_executor(None, self.conn.poll, timeout):
            raise RuntimeError(f"bot process {self.process.pid} did not answer {command!r}")
        reply: tuple[str, Any] = self.conn.recv()
        if reply[0] == "error":
            raise RuntimeError(f"bot process {self.process.pid}: {reply[1]}")
        return reply

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await self._call("stop", 30)
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()


class RemoteBots(BotProcess):
    """The controller's handle on a bot process."""

    def __init__(
        self,
        url: str,
        specs: list[BotSpec],
        bitrate: int,
        audio_only: bool,
        nice: int | None = None,
        simulcast: bool = False,
    ) -> None:
        super().__init__(_worker, url, specs, bitrate, audio_only, nice, simulcast)

    async def start(self) -> None:
        await self._call(None, 120)

    async def snapshot(self, baseline: bool = False) -> Snapshot:
        _, data = await self._call("baseline" if baseline else "snap", 10)
        return Snapshot.from_dict(data)

    async def stop_media(self) -> Snapshot:
        _, data = await self._call("stop_media", 10)
        return Snapshot.from_dict(data)

    async def stagger(self, delays: dict[str, float]) -> None:
        await self._call(("stagger", delays), 10 + max(delays.values(), default=0))


class LocalBots:
    def __init__(self, group: BotGroup) -> None:
        self.group = group

    async def start(self) -> None:
        await self.group.start()

    async def snapshot(self, baseline: bool = False) -> Snapshot:
        return self.group.snapshot(baseline)

    async def stop_media(self) -> Snapshot:
        return self.group.stop_media()

    async def stagger(self, delays: dict[str, float]) -> None:
        await self.group.stagger(delays)

    async def stop(self) -> None:
        await self.group.stop()


# --- the server ---


@dataclass
class Server:
    """The server under measure: one this benchmark started (`started`), or one already
    running elsewhere (`--url`), known by its URLs and, if it can be seen, its pid."""

    ws_url: str
    http_url: str
    pid: int | None
    started: ServerProcess | None = None

    def health(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.http_url + "/healthz", timeout=5) as response:
            return dict(json.loads(response.read()))

    def log_tail(self, size: int = 4000) -> str:
        if self.started is None:
            return ""
        with contextlib.suppress(OSError):
            return self.started.log()[-size:]
        return ""

    def stop(self) -> None:
        if self.started is not None:
            self.started.stop()
            shutil.rmtree(self.started.data_dir.parent, ignore_errors=True)


def start_server(log_level: str, extra: list[str]) -> Server:
    """`palabre serve` on free ports (the tests' harness), killed if the benchmark dies."""
    scratch = Path(tempfile.mkdtemp(prefix="palabre-bench-"))
    started = harness_start_server(
        scratch / "data",
        "--log-level",
        log_level,
        *extra,
        log_path=scratch / "server.log",
        timeout=30,
        die_with_parent=True,
    )
    return Server(started.ws_url, started.http_url, started.pid, started)


def external_server(url: str, pid: int | None) -> Server:
    parts = urllib.parse.urlsplit(url)
    scheme = "https" if parts.scheme == "wss" else "http"
    http_url = f"{scheme}://{parts.netloc}"
    if pid is None:
        pid = _listening_pid(parts.port or (443 if scheme == "https" else 80))
    return Server(url, http_url, pid)


def _listening_pid(port: int) -> int | None:
    """The process listening on this TCP port, if this user may see it."""
    with contextlib.suppress(psutil.AccessDenied, PermissionError):
        for connection in psutil.net_connections(kind="tcp"):
            if (
                connection.status == psutil.CONN_LISTEN
                and connection.laddr
                and connection.laddr.port == port
                and connection.pid
            ):
                return int(connection.pid)
    return None


# --- measurement ---


def merge(snapshots: list[Snapshot]) -> Snapshot:
    total = Snapshot(max(s.taken for s in snapshots))
    for snap in snapshots:
        total.cpu += snap.cpu
        total.sent.update(snap.sent)
        total.received.update(snap.received)
        total.srtp_errors += snap.srtp_errors
        total.udp_drops += snap.udp_drops
        total.sequences.update(snap.sequences)
        total.sent_streams.update(snap.sent_streams)
        total.layers.update(snap.layers)
        total.received_audio.update(snap.received_audio)
    return total


def missing_flows(snap: Snapshot) -> int:
    """(receiver, publisher) pairs with no packet yet: every bot receives every other publisher."""
    publishers = set(snap.sent)
    missing = 0
    for bot_id, by_publisher in snap.received.items():
        for publisher in publishers - {bot_id}:
            if by_publisher.get(publisher, 0) == 0:
                missing += 1
    return missing


@dataclass
class Result:
    participants: int
    publishers: int
    subscribers: int
    bot_processes: int
    duration: float  # the publishers' sending window
    cpu_window: float  # the server's CPU window: the sending window and the drain after it
    packets_in: int  # sent by the publishers in the window
    packets_forwarded: int  # received by the bots: sent in the window (drained at its end)
    packets_expected: int  # sent in the window by each publisher x its receivers
    server_cpu: float | None  # CPU seconds in the window, server and its workers
    bot_cpu: float
    srtp_errors: int
    server_udp_drops: int | None  # kernel drops on the server's UDP socket, in the window
    bot_udp_drops: int  # kernel drops on the bots' UDP sockets, in the window
    seq_received: int  # packets received in the window, by RTP sequence numbers
    seq_expected: int  # the sequence number spans they cover
    machine_busy: float  # CPU seconds the whole machine was busy in the window, all cores
    machine_total: float  # CPU seconds the whole machine had in the window, all cores
    health: dict[str, Any]
    simulcast: bool = False
    in_streams: dict[str, int] = field(default_factory=dict)  # packets in by stream key
    layers: dict[str, int] = field(default_factory=dict)  # simulcast: pairs by layer received
    settle: float | None = None  # simulcast: seconds until the layer allocation settled

    @property
    def others_cpu_percent(self) -> float:
        """CPU of everything but the server and the bots, in % of one core."""
        others = self.machine_busy - self.bot_cpu - (self.server_cpu or 0.0)
        return max(0.0, 100 * others / self.cpu_window)

    @property
    def machine_busy_percent(self) -> float:
        return 100 * self.machine_busy / self.machine_total if self.machine_total else 0.0

    @property
    def forwarded_per_second(self) -> float:
        return self.packets_forwarded / self.duration

    @property
    def in_per_second(self) -> float:
        return self.packets_in / self.duration

    @property
    def fan_out(self) -> float:
        """Packets forwarded per packet in."""
        return self.packets_forwarded / self.packets_in if self.packets_in else 0.0

    def stream_per_second(self, key: str) -> float:
        return self.in_streams.get(key, 0) / self.duration

    @property
    def server_cpu_percent(self) -> float | None:
        return None if self.server_cpu is None else 100 * self.server_cpu / self.cpu_window

    @property
    def us_per_packet(self) -> float | None:
        if self.server_cpu is None or not self.packets_forwarded:
            return None
        return 1e6 * self.server_cpu / self.packets_forwarded

    @property
    def loss_percent(self) -> float:
        """Received against sent x receivers (reads a little low when a bot process was
        behind at the window's start: packets sent before it are received in it)."""
        if not self.packets_expected:
            return 0.0
        return 100 * (1 - self.packets_forwarded / self.packets_expected)

    @property
    def rtp_loss_percent(self) -> float:
        """From gaps in the sequence numbers each receiver got in the window."""
        if not self.seq_expected:
            return 0.0
        return 100 * (1 - self.seq_received / self.seq_expected)

    def as_dict(self) -> dict[str, Any]:
        return {
            "participants": self.participants,
            "publishers": self.publishers,
            "subscribers": self.subscribers,
            "bot_processes": self.bot_processes,
            "duration_s": round(self.duration, 3),
            "cpu_window_s": round(self.cpu_window, 3),
            "simulcast": self.simulcast,
            "packets_in_per_s": round(self.in_per_second, 1),
            "packets_in_per_s_by_stream": {
                key: round(self.stream_per_second(key), 1) for key in sorted(self.in_streams)
            },
            "simulcast_layers_received": self.layers,
            "simulcast_settle_s": _round(self.settle, 1),
            "packets_forwarded": self.packets_forwarded,
            "packets_expected": self.packets_expected,
            "seq_received": self.seq_received,
            "seq_expected": self.seq_expected,
            "packets_forwarded_per_s": round(self.forwarded_per_second, 1),
            "server_cpu_percent": _round(self.server_cpu_percent, 1),
            "server_cpu_us_per_forwarded_packet": _round(self.us_per_packet, 2),
            "loss_percent": round(self.loss_percent, 3),
            "rtp_loss_percent": round(self.rtp_loss_percent, 3),
            "bot_cpu_percent": round(100 * self.bot_cpu / self.cpu_window, 1),
            "others_cpu_percent": round(self.others_cpu_percent, 1),
            "machine_busy_percent": round(self.machine_busy_percent, 1),
            "srtp_errors": self.srtp_errors,
            "server_udp_drops": self.server_udp_drops,
            "bot_udp_drops": self.bot_udp_drops,
            "machine": machine(),
        }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


@dataclass
class Window:
    packets_in: int
    received: int
    expected: int
    seq_received: int
    seq_expected: int
    in_streams: dict[str, int] = field(default_factory=dict)  # packets in by stream key
    # Simulcast: receiver-publisher video pairs by the layer received throughout the window
    # ("640x480"), or "switched" when the layer changed in it.
    layers: dict[str, int] = field(default_factory=dict)
    audio_received: int = 0
    audio_expected: int = 0


def _layer_stream(height: int) -> tuple[str, str] | None:
    """The bot's stream key and the label of the simulcast layer of this height."""
    for key, (_, width, layer_height) in zip(SIMULCAST_STREAMS, SIMULCAST_LAYERS, strict=True):
        if layer_height == height:
            return key, f"{width}x{height}"
    return None


def window(before: Snapshot, after: Snapshot, forwarded_video_only: bool = False) -> Window:
    """The packets of the window between two snapshots.

    Expected: what each publisher sent, once per other participant. Received: what the bots
    counted; the publishers stop at the window's end and the deliveries drain before the
    last snapshot, so the end is exact, but the count reads a little high when a bot process
    was behind at the window's start (packets sent before it wait in the bot's socket).
    By sequence numbers: the packets each receiver got of each publisher and the span of
    sequence numbers they cover, which that lag does not skew but which cannot see packets
    lost at the very end of the window.

    A simulcast publisher's packets in are all its layers'; a receiver expects its audio and
    the layer it received at the window's end (the top layer's if it saw no keyframe).
    With `forwarded_video_only` (last-N), a receiver that got no video of a publisher in the
    window expects only its audio. Audio alone is counted apart too (bots with its counts).
    """
    sent = {p: n - before.sent.get(p, 0) for p, n in after.sent.items()}
    streams = {
        p: {k: n - before.sent_streams.get(p, {}).get(k, 0) for k, n in by_key.items()}
        for p, by_key in after.sent_streams.items()
    }
    result = Window(sum(sent.values()), 0, 0, 0, 0)
    for by_key in streams.values():
        for key, n in by_key.items():
            result.in_streams[key] = result.in_streams.get(key, 0) + n
    for bot_id, by_publisher in after.received.items():
        old = before.received.get(bot_id, {})
        sequences = after.sequences.get(bot_id, {})
        layers = after.layers.get(bot_id, {})
        for publisher, count in sent.items():
            if publisher == bot_id:
                continue
            by_key = streams.get(publisher, {})
            if SIMULCAST_STREAMS[-1] in by_key:
                heights = layers.get(publisher, [])
                found = _layer_stream(heights[-1]) if heights else None
                key, label = found or (SIMULCAST_STREAMS[-1], "unknown")
                if len(heights) > 1:
                    label = "switched"
                result.layers[label] = result.layers.get(label, 0) + 1
                count = by_key[key] + sum(n for k, n in by_key.items() if not k.startswith("video"))
            got = by_publisher.get(publisher, 0) - old.get(publisher, 0)
            audio_sent = by_key.get("audio", 0)
            if bot_id in after.received_audio:
                audio_got = after.received_audio[bot_id].get(publisher, 0) - (
                    before.received_audio.get(bot_id, {}).get(publisher, 0)
                )
                result.audio_expected += audio_sent
                result.audio_received += audio_got
                if forwarded_video_only and got == audio_got:
                    count = audio_sent  # this receiver is not forwarded that video
            result.expected += count
            result.received += got
            got, span = sequences.get(publisher, (0, 0))
            result.seq_received += got
            result.seq_expected += span
    return result


def revision() -> str:
    """The git commit of the code under test, '+' when src/ has local changes."""
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+" if dirty else "")


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "revision": revision(),
        "nproc": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
    }


async def drain(
    snapshot: Callable[[], Awaitable[Snapshot]], stopped: Snapshot, quiet: float = 0.5
) -> Snapshot:
    """Snapshots until the bots have received nothing for `quiet` seconds (at most 15 s)."""
    last = sum(sum(p.values()) for p in stopped.received.values())
    changed = time.monotonic()
    while True:
        await asyncio.sleep(0.1)
        snap = await snapshot()
        total = sum(sum(p.values()) for p in snap.received.values())
        now = time.monotonic()
        if total != last:
            last, changed = total, now
        elif now - changed >= quiet or now - stopped.taken > 15:
            return snap


def current_layers(snap: Snapshot) -> dict[tuple[str, str], int]:
    """(receiver, publisher) -> height of the last video keyframe received."""
    return {
        (bot_id, publisher): heights[-1]
        for bot_id, by_publisher in snap.layers.items()
        for publisher, heights in by_publisher.items()
        if heights
    }


async def settle_layers(
    snapshot: Callable[[], Awaitable[Snapshot]],
    log: Callable[[str], None],
    quiet: float = LAYER_SETTLE,
    limit: float = 90.0,
) -> float:
    """Wait until no receiver's simulcast layer changed for `quiet` seconds (the SFU steps up
    one layer at a time as the REMBs show room); the seconds it took."""
    started = time.monotonic()
    snap = await snapshot()
    expected = sum(len(set(snap.sent) - {bot_id}) for bot_id in snap.received)
    last = current_layers(snap)
    changed = started
    while True:
        await asyncio.sleep(0.5)
        layers = current_layers(await snapshot())
        now = time.monotonic()
        if layers != last:
            last, changed = layers, now
        elif len(layers) >= expected and now - changed >= quiet:
            break
        if now - started > limit:
            log(f"simulcast layers still changing after {limit:g} s; measuring anyway")
            break
    counts: dict[int, int] = {}
    for height in last.values():
        counts[height] = counts.get(height, 0) + 1
    shown = ", ".join(f"{n} at {h}p" for h, n in sorted(counts.items()))
    log(f"simulcast layers settled in {now - started:.1f} s: {shown}")
    return now - started
