"""Palabre against Janus Gateway: the same bots, the same load, the same machine, one run.

Scenarios (sizes can be lowered with --meeting, --audio, --webinar, --big):

- meeting: 10 participants, each publishing VP8 (~1.2 Mbit/s, 640x480) and Opus, each
  receiving every other participant;
- audio: 50 participants publishing Opus, each receiving every other participant;
- webinar: 1 publisher (VP8 + Opus) and 100 subscribers;
- big: 100 participants, all publishing Opus, 20 of them a camera too (VP8 ~300 kbit/s,
  320x240: a tile), each receiving every microphone and, on Palabre, the cameras of the last
  5 speakers only (--last-n 5). Palabre only: the Janus adapter subscribes to every feed (no
  last-N), which would not be the same load. Its join probes run while the server is
  saturated: the join time under overload.

As in a real meeting, only a few participants speak (--speakers, default 3 in the meeting and
audio scenarios, 5 in the big one, the publisher in the webinar): the other microphones send
Opus DTX only (one packet in 400 ms, as a browser's quiet microphone does). `--speakers all`
makes everyone speak, as the runs before issue 18 did (bench/RESULTS.md says which).

For each scenario and each server, a fresh server is started, the bots join and connect (in
--bot-processes processes, which run --bot-priority nice levels above the servers so that the
bots are not what limits the run), the publishers start sending together once every bot is
connected, media flows for a warm-up, then a window of --duration seconds is measured:

- server CPU: user + system time of the server's processes (Palabre: `palabre serve` and any
  child; Janus: its one process, all threads), per forwarded packet and in % of one core;
- forwarded packets per second and loss: the packets each bot received of each publisher,
  against what the publishers sent (as bench/forward.py counts them). The bots count every
  RTP packet from its clear header (SSRC, sequence number; a repeated one is not counted),
  reading their sockets in batches (recvmmsg) every 10 ms: palabre.bot.batch;
- forwarding latency, publisher send -> subscriber receive: the publishing bot writes a
  2-byte tag and its CLOCK_REALTIME time in microseconds into the last 8 bytes of each RTP
  payload (of at least 24 bytes) just before SRTP protection; the receiving bot decrypts one
  packet in --sample-every (by sequence number) and compares the tag's time with the kernel's
  receive time of that datagram (SO_TIMESTAMPNS: when the SFU's copy was queued to the
  bot's socket). One clock for every process of the machine, and both SFUs forward the
  payload's tail untouched (Palabre rewrites only the VP8 payload descriptor at its start).
  It includes the publishing bot's SRTP and send, and not the receiving bot's delays;
- server memory per participant: RSS in the window minus RSS before the first join, divided
  by the participants;
- join time: after the window, --join-probes more bots join one after another as
  subscribers; each is timed from opening its signaling connection to its first RTP packet.

Janus (Debian package janus, /usr/bin/janus) is started on a configuration of its own
(bench/janus_adapter.py). Janus gathers ICE candidates on non-loopback interfaces only, so
when Janus is in the run the whole benchmark (both servers and all bots) runs in a private
network namespace made for it (unshare --net, as root): loopback plus a veth pair with
127.0.0.2 for Janus's media. No packet can leave that namespace.

    .venv/bin/python bench/compare.py                         # all scenarios, both servers
    .venv/bin/python bench/compare.py --scenarios meeting --servers palabre --duration 5
"""

from __future__ import annotations

import argparse
import array
import asyncio
import contextlib
import json
import math
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

import flows
from janus_adapter import ROOM as JANUS_ROOM
from janus_adapter import JanusBot, janus_available, start_janus

ROOT = Path(__file__).resolve().parents[1]
CLIP_SECONDS = 3.0
WIDTH, HEIGHT = 640, 480  # at 320x240 the VP8 encoder tops out near 0.95 Mbit/s
VIDEO_BITRATE = 1_200_000
TAG = b"\xb7\x3e"  # marks a stamped payload
MIN_STAMPED_PAYLOAD = 24
STAMP_MASK = 0xFFFFFFFFFFFF  # 48 bits of microseconds
NETNS_ENV = "PALABRE_BENCH_NETNS"
JANUS_MEDIA_IP = "127.0.0.2"


JOIN_TIMEOUT = 30.0
BIG_BITRATE, BIG_WIDTH, BIG_HEIGHT = 300_000, 320, 240
BIG_CAMERAS, BIG_SPEAKERS, BIG_LAST_N = 20, 5, 5
SCENARIOS = ("meeting", "audio", "webinar", "big")


@dataclass
class Scenario:
    name: str
    publishers: int
    subscribers: int
    audio_only: bool
    speakers: int  # publishers that speak; the others send DTX only
    cameras: int | None = None  # publishers with a camera (None: all, unless audio only)
    server_args: tuple[str, ...] = ()
    janus: bool = True  # the Janus adapter can run it as Palabre does
    last_n: bool = False  # not every video to everyone: loss counts the videos forwarded
    video: tuple[int, int, int] = (1_200_000, 640, 480)  # bit/s, width, height

    @property
    def participants(self) -> int:
        return self.publishers + self.subscribers

    def specs(self) -> list[flows.BotSpec]:
        cameras = self.publishers if self.cameras is None else self.cameras
        specs = [
            # The speakers first: they have cameras, and last-N shows the first joined
            # until someone speaks.
            flows.BotSpec(f"pub-{i}", True, speaking=i < self.speakers, camera=i < cameras)
            for i in range(self.publishers)
        ]
        specs += [flows.BotSpec(f"sub-{i}", False) for i in range(self.subscribers)]
        return specs


def scenarios(args: argparse.Namespace) -> list[Scenario]:
    def speakers(default: int, publishers: int) -> int:
        wanted = default if args.speakers is None else args.speakers
        return publishers if wanted < 0 else min(wanted, publishers)

    big = args.big
    known = {
        "meeting": Scenario("meeting", args.meeting, 0, False, speakers(3, args.meeting)),
        "audio": Scenario("audio", args.audio, 0, True, speakers(3, args.audio)),
        "webinar": Scenario("webinar", 1, args.webinar, False, 1),
        "big": Scenario(
            "big", big, 0, False, speakers(BIG_SPEAKERS, big),
            cameras=min(BIG_CAMERAS, big), server_args=("--last-n", str(BIG_LAST_N)),
            janus=False, last_n=True, video=(BIG_BITRATE, BIG_WIDTH, BIG_HEIGHT),
        ),
    }  # fmt: skip
    return [known[name] for name in args.scenarios]


# --- the bots, in the bot processes ---


def _stamp(packet: bytes) -> bytes:
    """Write the tag and the time (CLOCK_REALTIME, µs) into the payload's last 8 bytes."""
    header = 12 + 4 * (packet[0] & 0x0F)
    if packet[0] & 0x10 and len(packet) >= header + 4:
        header += 4 + 4 * int.from_bytes(packet[header + 2 : header + 4], "big")
    if len(packet) - header < MIN_STAMPED_PAYLOAD:
        return packet
    now = time.time_ns() // 1000
    return packet[:-8] + TAG + (now & STAMP_MASK).to_bytes(6, "big")


class Group(flows.BotGroup):
    """Some bots of the room (Palabre or Janus), with latency probes on their packets."""

    def __init__(
        self,
        server: str,
        url: str,
        specs: list[flows.BotSpec],
        audio_only: bool,
        sample_every: int = 8,
        video: tuple[int, int, int] = (VIDEO_BITRATE, WIDTH, HEIGHT),
    ):
        super().__init__(url, specs, video[0], audio_only)
        self.video = video
        self.server = server
        self.sample_every = sample_every
        self.latencies = array.array("q")
        self.recording = False
        self.join_ms: list[float] = []  # each bot's join + publish (connected)

    def _instrument(self, bot: Any) -> None:
        transport = bot.publish_transport
        send_rtp = transport.send_rtp
        transport.send_rtp = lambda packet: send_rtp(_stamp(packet))
        latencies = self.latencies

        def sampled(packet: bytes, arrival_ns: int) -> None:
            if self.recording and packet[-8:-6] == TAG:
                sent = int.from_bytes(packet[-6:], "big")
                delay = ((arrival_ns // 1000) & STAMP_MASK) - sent
                if 0 <= delay < 60_000_000:
                    latencies.append(delay)

        bot.count_only(self.sample_every, sampled)

    def make_bot(self, spec: flows.BotSpec, clip: Any) -> Any:
        from palabre.bot import Bot

        options = {
            "clip": clip if spec.publisher else None,
            "audio": True,
            "video": not self.audio_only and spec.camera,
            "speaking": spec.speaking,
            "dtx": spec.dtx,
        }
        if self.server == "janus":
            return JanusBot(self.url, JANUS_ROOM, spec.name, **options)
        return Bot(self.url, self.room, spec.name, **options)

    async def start(self) -> None:
        from palabre.bot import load_clip

        clip = None
        if any(spec.publisher for spec in self.specs):
            clip = load_clip(CLIP_SECONDS, *self.video)
        for spec in self.specs:
            bot = self.make_bot(spec, clip)
            self._instrument(bot)
            self.bots.append(bot)
            started = time.monotonic()
            # Generous limits: on a shared 2-core machine the O(n^2) renegotiations of a
            # 100-person room's joins take seconds each by the end (the times are reported).
            await bot.join(timeout=JOIN_TIMEOUT)
            if spec.publisher:
                # Connected, but silent until every bot is (play): see measure().
                await bot.publish(timeout=JOIN_TIMEOUT, start_media=False)
            self.join_ms.append(1000 * (time.monotonic() - started))

    def snapshot(self, baseline: bool = False) -> flows.Snapshot:
        for bot in self.bots:
            bot.subscribe_transport.settle()  # the counting path's counts, up to date
        return super().snapshot(baseline)

    def play(self) -> None:
        for bot in self.bots:
            if bot.outgoing:
                bot.start_media()

    def take_latencies(self) -> list[int]:
        values = self.latencies.tolist()
        del self.latencies[:]
        return values


def _worker(
    conn: Connection,
    server: str,
    url: str,
    specs: list[flows.BotSpec],
    audio_only: bool,
    sample_every: int,
    priority: int,
    video: tuple[int, int, int],
) -> None:
    if priority:
        with contextlib.suppress(OSError):  # raising a priority needs root
            os.nice(-priority)

    async def main() -> None:
        group = Group(server, url, specs, audio_only, sample_every, video)
        loop = asyncio.get_running_loop()
        try:
            await group.start()
        except Exception as exc:
            conn.send(("error", f"{exc!r} after {len(group.join_ms)} joins {group.join_ms}"))
            await group.stop()
            return
        conn.send(("ready", group.join_ms))
        while True:
            command = await loop.run_in_executor(None, conn.recv)
            op, arg = command if isinstance(command, tuple) else (command, None)
            if op == "play":
                group.play()
                conn.send(("ok", None))
            elif op == "snap":
                conn.send(("snap", group.snapshot().as_dict()))
            elif op == "stagger":
                await group.stagger(arg)
                conn.send(("ok", None))
            elif op == "record":
                group.take_latencies()
                group.recording = bool(arg)
                conn.send(("ok", None))
            elif op == "latencies":
                conn.send(("latencies", group.take_latencies()))
            else:
                await group.stop()
                conn.send(("stopped", None))
                return

    with asyncio.Runner(loop_factory=flows.new_event_loop) as runner:
        runner.run(main())


class Remote(flows.BotProcess):
    """A bot process of the comparison: a Group of bots on Palabre or Janus."""

    def __init__(
        self,
        server: str,
        url: str,
        specs: list[flows.BotSpec],
        audio_only: bool,
        sample_every: int = 8,
        priority: int = 0,
        video: tuple[int, int, int] = (VIDEO_BITRATE, WIDTH, HEIGHT),
    ) -> None:
        super().__init__(_worker, server, url, specs, audio_only, sample_every, priority, video)

    async def call(self, command: object, timeout: float = 30) -> Any:
        return (await self._call(command, timeout))[1]

    async def snapshot(self) -> flows.Snapshot:
        return flows.Snapshot.from_dict(await self.call("snap"))


# --- the servers ---


@dataclass
class Running:
    name: str
    url: str
    pid: int
    stop: Any
    log_tail: Any
    http_url: str | None = None  # Palabre's, for /metrics

    def overload(self) -> dict[str, float]:
        """Palabre's overload figures from /metrics (docs/overload.md); {} for Janus."""
        if self.http_url is None:
            return {}
        names = ("palabre_media_overload_level", "palabre_media_loop_lag_seconds")
        found: dict[str, float] = {}
        url = self.http_url + "/metrics"
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
            for line in response.read().decode().splitlines():
                name, _, value = line.partition(" ")
                if name in names:
                    found[name] = float(value)
        return found

    def processes(self) -> list[psutil.Process]:
        process = psutil.Process(self.pid)
        return [process, *process.children(recursive=True)]

    def cpu(self) -> float:
        return sum(flows.cpu_seconds(p) for p in self.processes())

    def rss(self) -> int:
        return sum(int(p.memory_info().rss) for p in self.processes())


def start(name: str, publishers: int, server_args: tuple[str, ...] = ()) -> Running:
    if name == "janus":
        janus = start_janus(max(16, publishers + 8))
        return Running(name, janus.ws_url, janus.pid, janus.stop, janus.log_tail)
    palabre = flows.start_server("warning", list(server_args))
    assert palabre.pid is not None
    return Running(
        name, palabre.ws_url, palabre.pid, palabre.stop, palabre.log_tail, palabre.http_url
    )


# --- one measurement ---


@dataclass
class Measure:
    scenario: str
    server: str
    participants: int
    publishers: int
    subscribers: int
    duration: float = 0.0
    packets_in_per_s: float = 0.0
    forwarded_per_s: float = 0.0
    cpu_percent: float = 0.0
    us_per_packet: float | None = None
    loss_percent: float = 0.0
    audio_loss_percent: float | None = None
    latency_p50_ms: float | None = None
    latency_p99_ms: float | None = None
    latency_samples: int = 0
    memory_per_participant_mib: float | None = None
    join_ms: list[float] = field(default_factory=list)
    join_failures: int = 0  # probes that got no packet in 20 s
    bot_cpu_percent: float = 0.0
    machine_busy_percent: float = 0.0
    server_udp_drops: int = 0
    bot_udp_drops: int = 0
    speakers: int = 0
    # Palabre's shedding (docs/overload.md): the highest level seen during the window and
    # the join probes, and its loop's largest lag.
    overload_level: float | None = None
    loop_lag_ms: float | None = None
    error: str | None = None

    @property
    def join_median_ms(self) -> float | None:
        return percentile(sorted(self.join_ms), 50) if self.join_ms else None

    @property
    def join_p99_ms(self) -> float | None:
        return percentile(sorted(self.join_ms), 99) if self.join_ms else None

    def saw(self, overload: dict[str, float]) -> None:
        level = overload.get("palabre_media_overload_level")
        lag = overload.get("palabre_media_loop_lag_seconds")
        if level is not None:
            self.overload_level = max(self.overload_level or 0.0, level)
        if lag is not None:
            self.loop_lag_ms = max(self.loop_lag_ms or 0.0, 1000 * lag)


def percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return math.nan
    index = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))
    return float(ordered[index])


class Progress:
    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.started = time.monotonic()

    def log(self, label: str, message: str) -> None:
        elapsed = time.monotonic() - self.started
        print(
            f"[bench {self.done}/{self.total} {elapsed:5.0f}s] {label}: {message}",
            file=sys.stderr,
            flush=True,
        )


async def join_probe(server: Running, audio_only: bool, index: int) -> float:
    """A subscriber joins; milliseconds from its signaling connection to its first packet."""
    from palabre.bot import Bot

    if server.name == "janus":
        bot: Any = JanusBot(server.url, JANUS_ROOM, f"probe-{index}", video=not audio_only)
    else:
        bot = Bot(server.url, flows.ROOM, f"probe-{index}", video=not audio_only)
    started = time.monotonic()
    try:
        await bot.join()
        deadline = started + 20
        while time.monotonic() < deadline:
            firsts = [t.first_packet for t in bot.received.values() if t.first_packet]
            if firsts:
                return 1000 * (min(firsts) - started)
            await asyncio.sleep(0.002)
        kinds = [m.get("type", m.get("janus")) for m in bot.messages][:12]
        connected = bot.subscribe_transport.connected.is_set()
        raise RuntimeError(
            f"a probe bot got no packet in 20 s (messages {kinds}, connected {connected}, "
            f"tracks {len(bot.received)})"
        )
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(bot.leave(), 5)


async def measure(
    scenario: Scenario, name: str, args: argparse.Namespace, progress: Progress
) -> Measure:
    label = f"{scenario.name}/{name}"
    result = Measure(
        scenario.name, name, scenario.participants, scenario.publishers, scenario.subscribers,
        speakers=scenario.speakers,
    )  # fmt: skip
    server = start(name, scenario.publishers, scenario.server_args)
    groups: list[Remote] = []
    try:
        await asyncio.sleep(0.5)
        rss_idle = server.rss()
        specs = scenario.specs()
        processes = max(1, min(args.bot_processes, len(specs)))
        progress.log(label, f"{len(specs)} bots joining ({processes} bot processes)")
        started = time.monotonic()
        for index in range(processes):
            share = specs[index::processes]
            groups.append(
                Remote(
                    name,
                    server.url,
                    share,
                    scenario.audio_only,
                    args.sample_every,
                    args.bot_priority,
                    scenario.video,
                )
            )
        joins = await asyncio.gather(*(g.call(None, 60 + 2 * len(specs)) for g in groups))
        times = sorted(t for group_times in joins for t in group_times)
        progress.log(
            label,
            f"{len(times)} bots joined and connected in {time.monotonic() - started:.1f} s "
            f"(each: median {percentile(times, 50):.0f} ms, slowest {times[-1]:.0f} ms); "
            "publishers start",
        )
        await asyncio.gather(*(g.call("play") for g in groups))

        async def snapshot() -> flows.Snapshot:
            return flows.merge(list(await asyncio.gather(*(g.snapshot() for g in groups))))

        deadline = time.monotonic() + 30 + len(specs)
        while missing := flows.missing_flows(await snapshot()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{missing} bot-publisher pairs have no media")
            await asyncio.sleep(0.2)
        progress.log(label, f"all media flowing {time.monotonic() - started:.1f} s after start")
        if not scenario.audio_only and scenario.publishers > 1:
            publishers = sorted((await snapshot()).sent)
            await asyncio.sleep(0.5)
            step = CLIP_SECONDS / len(publishers)
            delays = {p: i * step for i, p in enumerate(publishers)}
            await asyncio.gather(*(g.call(("stagger", delays), 20) for g in groups))
        progress.log(label, f"warming up {args.warmup:g} s")
        await asyncio.sleep(args.warmup)

        await asyncio.gather(*(g.call(("record", True)) for g in groups))
        machine_before = flows.machine_cpu()
        cpu_before = server.cpu()
        drops_before = flows.udp_drops(server.pid)
        before = await snapshot()
        end = time.monotonic() + args.duration
        while (left := end - time.monotonic()) > 0:
            await asyncio.sleep(min(5.0, left))
            done = args.duration - max(0.0, end - time.monotonic())
            cpu = 100 * (server.cpu() - cpu_before) / max(done, 1e-3)
            result.saw(server.overload())
            progress.log(
                label, f"measuring {done:4.0f}/{args.duration:g} s, server CPU {cpu:.0f} %"
            )
        cpu_after = server.cpu()
        machine_after = flows.machine_cpu()
        drops_after = flows.udp_drops(server.pid)
        rss = server.rss()
        after = await snapshot()
        latencies: list[int] = []
        for group in groups:
            latencies += await group.call("latencies")
        await asyncio.gather(*(g.call(("record", False)) for g in groups))

        counted = flows.window(before, after, scenario.last_n)
        result.duration = after.taken - before.taken
        result.packets_in_per_s = counted.packets_in / result.duration
        result.forwarded_per_s = counted.received / result.duration
        server_cpu = cpu_after - cpu_before
        result.cpu_percent = 100 * server_cpu / result.duration
        if counted.received:
            result.us_per_packet = 1e6 * server_cpu / counted.received
        if counted.expected:
            result.loss_percent = 100 * (1 - counted.received / counted.expected)
        if counted.audio_expected:
            result.audio_loss_percent = 100 * (1 - counted.audio_received / counted.audio_expected)
        latencies.sort()
        result.latency_samples = len(latencies)
        if latencies:
            result.latency_p50_ms = percentile(latencies, 50) / 1000
            result.latency_p99_ms = percentile(latencies, 99) / 1000
        result.memory_per_participant_mib = (rss - rss_idle) / scenario.participants / 2**20
        result.bot_cpu_percent = 100 * (after.cpu - before.cpu) / result.duration
        busy, total = machine_after[0] - machine_before[0], machine_after[1] - machine_before[1]
        result.machine_busy_percent = 100 * busy / total if total else 0.0
        result.server_udp_drops = drops_after - drops_before
        result.bot_udp_drops = after.udp_drops - before.udp_drops

        for index in range(args.join_probes):
            try:
                result.join_ms.append(await join_probe(server, scenario.audio_only, index))
            except (RuntimeError, OSError, TimeoutError) as exc:
                result.join_failures += 1
                progress.log(label, f"join probe {index} failed: {exc}")
            result.saw(server.overload())
        progress.log(label, summary(result))
        return result
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        progress.log(label, f"FAILED {result.error}\n{server.log_tail(2000)}")
        return result
    finally:
        await asyncio.gather(*(g.stop() for g in groups), return_exceptions=True)
        server.stop()
        progress.done += 1


def summary(m: Measure) -> str:
    return (
        f"{m.forwarded_per_s:,.0f} pkt/s forwarded, {fmt(m.us_per_packet, 1)} µs/pkt, "
        f"CPU {m.cpu_percent:.0f} %, latency p50 {fmt(m.latency_p50_ms, 2)} ms "
        f"p99 {fmt(m.latency_p99_ms, 2)} ms, loss {m.loss_percent:.2f} %"
    )


def fmt(value: float | None, digits: int) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


# --- the report ---

ROWS: list[tuple[str, str, int]] = [
    ("participants", "participants", 0),
    ("packets in /s", "packets_in_per_s", 0),
    ("forwarded packets /s", "forwarded_per_s", 0),
    ("server CPU µs per forwarded packet", "us_per_packet", 1),
    ("server CPU, % of one core", "cpu_percent", 0),
    ("latency p50, ms", "latency_p50_ms", 2),
    ("latency p99, ms", "latency_p99_ms", 2),
    ("loss, %", "loss_percent", 2),
    ("audio loss, %", "audio_loss_percent", 2),
    ("server memory per participant, MiB", "memory_per_participant_mib", 2),
    ("join time (median of probes), ms", "join_median_ms", 0),
    ("join time (p99 of probes), ms", "join_p99_ms", 0),
    ("overload level seen (Palabre, 0-4)", "overload_level", 0),
    ("event loop lag, largest, ms", "loop_lag_ms", 0),
    ("bot CPU, % of one core", "bot_cpu_percent", 0),
    ("machine busy, %", "machine_busy_percent", 0),
]


def table(results: list[Measure]) -> str:
    lines = []
    for scenario in dict.fromkeys(r.scenario for r in results):
        by_server = {r.server: r for r in results if r.scenario == scenario}
        palabre, janus = by_server.get("palabre"), by_server.get("janus")
        first = palabre or janus
        assert first is not None
        size = (
            f"{first.publishers} publishers + {first.subscribers} subscribers, "
            f"{first.speakers} speaking"
        )
        lines += [f"**{scenario}** ({size})", ""]
        lines += ["| metric | Palabre | Janus | Palabre / Janus |", "| --- | ---: | ---: | ---: |"]
        for title, key, digits in ROWS:
            a = getattr(palabre, key) if palabre and not palabre.error else None
            b = getattr(janus, key) if janus and not janus.error else None
            plain = key in ("participants", "overload_level", "loop_lag_ms")
            ratio = "" if not a or not b or plain else f"{a / b:.2f}"
            lines.append(f"| {title} | {fmt(a, digits)} | {fmt(b, digits)} | {ratio} |")
        failures = {r.server: r.join_failures for r in by_server.values() if r.join_failures}
        if failures:
            lines.append(f"| join probes without media in 20 s | {failures} | | |")
        for result in by_server.values():
            if result.error:
                lines.append(f"| error ({result.server}) | {result.error} | | |")
        lines.append("")
    return "\n".join(lines)


def plot(results: list[Measure], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(r.scenario for r in results))
    servers = ["palabre", "janus"]
    colors = {"palabre": "#2a6f97", "janus": "#c9733a"}

    def values(server: str, key: str) -> list[float]:
        out = []
        for name in names:
            found = [r for r in results if r.scenario == name and r.server == server]
            value = getattr(found[0], key) if found and not found[0].error else None
            out.append(math.nan if value is None else value)
        return out

    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    width = 0.38
    positions = range(len(names))
    for offset, server in zip((-width / 2, width / 2), servers, strict=True):
        xs = [p + offset for p in positions]
        axes[0].bar(xs, values(server, "us_per_packet"), width, label=server, color=colors[server])
        p50, p99 = values(server, "latency_p50_ms"), values(server, "latency_p99_ms")
        axes[1].bar(xs, p50, width, label=f"{server} p50", color=colors[server])
        axes[1].scatter(xs, p99, marker="_", s=400, color="black", zorder=3)
        delivered = [100 - loss for loss in values(server, "loss_percent")]
        axes[2].bar(xs, delivered, width, label=server, color=colors[server])
    axes[1].scatter([], [], marker="_", s=200, color="black", label="p99")
    axes[0].set_title("Server CPU per forwarded packet (µs)")
    axes[1].set_title("Latency, publisher send -> receiver (ms, log scale)")
    axes[1].set_yscale("log")
    axes[2].set_title("Delivered, % of the packets asked (100 - loss)")
    axes[2].set_ylim(0, 105)
    for axis in axes:
        axis.set_xticks(list(positions), names)
        axis.legend(loc="lower center" if axis is axes[2] else "best")
        axis.grid(axis="y", alpha=0.3)
    fig.suptitle("Palabre vs Janus, same bots, same machine (bench/compare.py)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --- the network namespace ---


def in_private_netns() -> bool:
    return os.environ.get(NETNS_ENV) == "1"


def netns_possible() -> bool:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    probe = subprocess.run(
        ["unshare", "--net", "ip", "link", "add", "b0", "type", "veth", "peer", "name", "b1"],
        capture_output=True,
    )
    return probe.returncode == 0


def reexec_in_netns() -> None:
    setup = (
        "ip link set lo up && ip link add b0 type veth peer name b1 && "
        f"ip addr add {JANUS_MEDIA_IP}/32 dev b0 && ip link set b0 up && ip link set b1 up"
    )
    env = {**os.environ, NETNS_ENV: "1"}
    command = [sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]]
    os.execvpe(
        "unshare",
        ["unshare", "--net", "sh", "-c", f'{setup} && exec "$@"', "sh", *command],
        env,
    )


def prioritise(nice: int) -> None:
    """Give this run (servers and bots alike: they inherit it) more of a shared machine.

    Linux's scheduler shares the CPU between sessions (autogroups) before it looks at nice
    values, so a run in a busy machine's session gets 1/N of it whatever its nice. The run
    takes a session of its own and sets that session's nice too (both need root to lower).
    """
    with contextlib.suppress(OSError):
        os.setsid()
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(str(nice))
    with contextlib.suppress(OSError):
        os.nice(nice)


# --- main ---


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Palabre against Janus, same bots, same run.")
    parser.add_argument(
        "--scenarios", default="meeting,audio,webinar", help="comma-separated (default all)"
    )
    parser.add_argument(
        "--servers", default="palabre,janus", help="palabre,janus (default both, when possible)"
    )
    parser.add_argument("--meeting", type=int, default=10, help="meeting participants (10)")
    parser.add_argument("--audio", type=int, default=50, help="audio meeting participants (50)")
    parser.add_argument("--webinar", type=int, default=100, help="webinar subscribers (100)")
    parser.add_argument("--big", type=int, default=100, help="big meeting participants (100)")
    parser.add_argument(
        "--speakers",
        type=lambda v: -1 if v == "all" else int(v),
        default=None,
        help="publishers that speak in the meeting, audio and big scenarios, the others "
        "DTX-silent; 'all' as before issue 18 (default 3, and 5 in the big one)",
    )
    parser.add_argument("--duration", type=float, default=30.0, help="measured s (30)")
    parser.add_argument("--warmup", type=float, default=5.0, help="warm-up s (5)")
    parser.add_argument("--bot-processes", type=int, default=2, help="bot processes (2)")
    parser.add_argument(
        "--bot-priority",
        type=int,
        default=5,
        help="nice levels the bot processes run above the servers, so that the servers, not "
        "the bots, are what the machine's limits show in (5; needs root)",
    )
    parser.add_argument(
        "--sample-every",
        type=int,
        default=8,
        help="the receiving bots decrypt one packet in this many for latency (power of 2; 8)",
    )
    parser.add_argument("--join-probes", type=int, default=5, help="late joiners timed (5)")
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness increment for the run (servers and bots alike); negative needs root",
    )
    parser.add_argument("--json", type=Path, default=ROOT / "test-artifacts" / "bench-compare.json")
    parser.add_argument("--plot", type=Path, help="write a PNG plot here")
    parser.add_argument(
        "--from-json", type=Path, help="print the table and plot of an earlier run's JSON"
    )
    args = parser.parse_args(argv)
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    args.servers = [s for s in args.servers.split(",") if s]
    for name in args.scenarios:
        if name not in SCENARIOS:
            parser.error(f"unknown scenario {name}")
    for name in args.servers:
        if name not in ("palabre", "janus"):
            parser.error(f"unknown server {name}")
    if args.sample_every < 1 or args.sample_every & (args.sample_every - 1):
        parser.error("--sample-every must be a power of 2")
    return args


async def run(args: argparse.Namespace) -> list[Measure]:
    from palabre.bot import load_clip

    load_clip(CLIP_SECONDS, VIDEO_BITRATE, WIDTH, HEIGHT)  # encoded once, before the bot processes
    load_clip(CLIP_SECONDS, BIG_BITRATE, BIG_WIDTH, BIG_HEIGHT)
    plan = [
        (s, name) for s in scenarios(args) for name in args.servers if s.janus or name != "janus"
    ]
    progress = Progress(len(plan))
    return [await measure(scenario, name, args, progress) for scenario, name in plan]


def load(path: Path) -> list[Measure]:
    names = set(Measure.__dataclass_fields__)
    results = json.loads(path.read_text())["results"]
    return [Measure(**{k: v for k, v in r.items() if k in names}) for r in results]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_json:
        results = load(args.from_json)
        print(table(results))
        if args.plot:
            plot(results, args.plot)
        return 0
    if "janus" in args.servers and not in_private_netns():
        if not janus_available():
            print("[bench] janus is not installed: Palabre only", file=sys.stderr)
            args.servers.remove("janus")
        elif netns_possible():
            reexec_in_netns()
        else:
            print("[bench] cannot make a network namespace: Palabre only", file=sys.stderr)
            args.servers.remove("janus")
    if not args.servers:
        return 1
    if args.nice:
        prioritise(args.nice)
    with asyncio.Runner(loop_factory=flows.new_event_loop) as runner:
        results = runner.run(run(args))
    info = flows.machine()
    print(
        f"\nPalabre vs Janus (bench/compare.py), {info['nproc']} CPUs, {info['cpu']}, "
        f"Python {info['python']}, code {info['revision']}, window {args.duration:g} s "
        f"after {args.warmup:g} s warm-up, {args.bot_processes} bot processes\n"
    )
    print(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "machine": info,
        "args": {k: str(v) for k, v in vars(args).items()},
        "results": [
            {**vars(r), "join_median_ms": r.join_median_ms, "join_p99_ms": r.join_p99_ms}
            for r in results
        ],
    }
    args.json.write_text(json.dumps(data, indent=1))
    if args.plot:
        plot(results, args.plot)
        print(f"plot: {args.plot}")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
