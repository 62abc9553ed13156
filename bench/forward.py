"""Forwarding benchmark: server CPU time per forwarded RTP packet, with bot participants.

N publishing bots (a looped pre-encoded Opus + VP8 clip) and M subscribe-only bots join one
room of a Palabre server; every participant receives every other participant's tracks. Once
every bot receives every publisher, and after a warm-up, it measures over a window:

- the server's CPU time (user + system, all threads, and its media worker processes if it
  runs with --media-workers), from psutil;
- the packets the bots sent (per publisher) and received (per receiver and publisher);
- the kernel's drops on the server's and the bots' UDP sockets (/proc/<pid>/net/udp);
- the CPU of the bots and of the rest of the machine, which shares the cores;

At the window's end the publishers stop and the benchmark waits until nothing more arrives,
so the counts and the server's CPU time (window plus drain) cover the same packets. It
prints packets forwarded per second, server CPU %, server CPU microseconds per forwarded
packet (all the server's work, ingress included, divided by the packets the bots received),
and the loss: received against sent x receivers, and from gaps in RTP sequence numbers.

The bot loops a 3 s clip that starts with a keyframe and restarts it on a PLI, so after the
joins every publisher's keyframe falls at the same instant of the cycle; in a meeting they do
not, and the benchmark spreads them over the cycle with one PLI per publisher
(--aligned-keyframes keeps them together, the worst case).

With --simulcast, each publisher sends its video as three VP8 layers (150 kbit/s 160x120,
450 kbit/s 320x240, 1.2 Mbit/s 640x480, as the integration tests do) and every bot sends REMBs
as a browser does on a clear path (Bot.emulate_remb): each receiver gets the layer the SFU
allocates it, and the benchmark waits until those allocations have settled before measuring.
Packets in counts all three layers; packets forwarded and the CPU per forwarded packet are
counted as without simulcast (so the unprotect of the layers nobody receives is part of each
forwarded packet's cost), and the loss compares what each receiver got with what its layer
carried. The report gives the layers received and any switch during the window.

The server runs as a subprocess on free loopback ports (or is reached with --url); the bots
run in this process, or in --bot-processes worker processes when one cannot drive them all.

    .venv/bin/python bench/forward.py                          # 4 publishers + 4 subscribers
    .venv/bin/python bench/forward.py --publishers 6 --subscribers 10 --bot-processes 2
    .venv/bin/python bench/forward.py --url ws://127.0.0.1:8000/ws --server-pid 1234
    .venv/bin/python bench/forward.py --simulcast --nice -10   # 3 layers per video publisher
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from collections.abc import Callable

from flows import (
    CLIP_SECONDS,
    SIMULCAST_LAYERS,
    SIMULCAST_STREAMS,
    BotGroup,
    BotSpec,
    LocalBots,
    RemoteBots,
    Result,
    Snapshot,
    drain,
    external_server,
    machine,
    machine_cpu,
    merge,
    missing_flows,
    new_event_loop,
    server_processes,
    set_nice,
    settle_layers,
    simulcast_clips,
    start_server,
    tree_cpu,
    udp_drops,
    window,
)


async def run(args: argparse.Namespace, log: Callable[[str], None]) -> Result:
    if args.url:
        server = external_server(args.url, args.server_pid)
    else:
        server = start_server(args.server_log_level, args.server_arg)
    log(f"server {server.ws_url} (pid {server.pid})")
    if args.nice is not None:
        pids = [p.pid for p in server_processes(server.pid)] if server.pid else []
        for pid in [os.getpid(), *pids]:
            problem = set_nice(pid, args.nice)
            if problem:
                log(problem)
    specs = [BotSpec(f"pub-{i}", True) for i in range(args.publishers)]
    specs += [BotSpec(f"sub-{i}", False) for i in range(args.subscribers)]
    processes = max(1, min(args.bot_processes, len(specs)))
    groups: list[LocalBots | RemoteBots] = []
    try:
        from palabre.bot import load_clip

        # Encode once, before the bot processes.
        if args.simulcast:
            simulcast_clips()
        else:
            load_clip(CLIP_SECONDS, args.video_bitrate)
        if processes == 1:
            group = BotGroup(
                server.ws_url,
                specs,
                args.video_bitrate,
                args.audio_only,
                simulcast=args.simulcast,
            )
            groups.append(LocalBots(group))
        else:
            for index in range(processes):
                share = specs[index::processes]
                groups.append(
                    RemoteBots(
                        server.ws_url,
                        share,
                        args.video_bitrate,
                        args.audio_only,
                        args.nice,
                        args.simulcast,
                    )
                )
        started = time.monotonic()
        await asyncio.gather(*(group.start() for group in groups))
        log(f"{len(specs)} bots joined in {time.monotonic() - started:.1f} s")

        async def snapshot(baseline: bool = False) -> Snapshot:
            return merge(list(await asyncio.gather(*(g.snapshot(baseline) for g in groups))))

        wait = 30 + len(specs)
        deadline = time.monotonic() + wait
        while missing := missing_flows(await snapshot()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"after {wait} s, {missing} bot-publisher pairs have no media")
            await asyncio.sleep(0.2)
        settle = None
        if args.simulcast:
            settle = await settle_layers(snapshot, log)
        if not args.audio_only and not args.aligned_keyframes:
            publishers = sorted((await snapshot()).sent)
            # Past the server's merging interval for the joins' keyframe requests (0.3 s).
            await asyncio.sleep(0.5)
            step = CLIP_SECONDS / len(publishers)
            delays = {p: i * step for i, p in enumerate(publishers)}
            await asyncio.gather(*(g.stagger(delays) for g in groups))
            log(f"keyframes of the {len(publishers)} publishers spread over the clip's cycle")
        log(f"media flowing; warming up {args.warmup:g} s")
        await asyncio.sleep(args.warmup)

        server_procs = server_processes(server.pid) if server.pid else []
        machine_before = machine_cpu()
        cpu_before = tree_cpu(server_procs)
        drops_before = sum(udp_drops(p.pid) for p in server_procs)
        before = await snapshot(baseline=True)
        log(f"measuring {args.duration:g} s")
        await asyncio.sleep(args.duration)
        # The publishers stop at the window's end; what is still queued (in the server's or a
        # bot's socket, or waiting for a busy core) is delivered before counting, so the
        # counts and the server's CPU time cover the same packets.
        stopped = merge(list(await asyncio.gather(*(g.stop_media() for g in groups))))
        after = await drain(snapshot, stopped)
        cpu_after = tree_cpu(server_procs)
        machine_after = machine_cpu()
        drops_after = sum(udp_drops(p.pid) for p in server_procs)
        log(f"delivery drained {after.taken - stopped.taken:.1f} s after the window")
        health = server.health()
        after.sent = stopped.sent
        counted = window(before, after)
        # The processes alive at both ends of the window (workers do not come and go).
        server_cpu = (
            sum(cpu_after[pid] - cpu_before[pid] for pid in cpu_after if pid in cpu_before)
            if cpu_before
            else None
        )
        return Result(
            participants=len(specs),
            publishers=args.publishers,
            subscribers=args.subscribers,
            bot_processes=processes,
            duration=stopped.taken - before.taken,
            cpu_window=after.taken - before.taken,
            packets_in=counted.packets_in,
            packets_forwarded=counted.received,
            packets_expected=counted.expected,
            server_cpu=server_cpu,
            bot_cpu=after.cpu - before.cpu,
            srtp_errors=after.srtp_errors,
            server_udp_drops=drops_after - drops_before if server_procs else None,
            bot_udp_drops=after.udp_drops - before.udp_drops,
            seq_received=counted.seq_received,
            seq_expected=counted.seq_expected,
            machine_busy=machine_after[0] - machine_before[0],
            machine_total=machine_after[1] - machine_before[1],
            health=health,
            simulcast=args.simulcast,
            in_streams=counted.in_streams,
            layers=counted.layers,
            settle=settle,
        )
    except BaseException:
        tail = server.log_tail()
        if tail:
            log(f"server log (end):\n{tail}")
        raise
    finally:
        for group in groups:
            with contextlib.suppress(Exception):
                await group.stop()
        server.stop()


def report(result: Result, args: argparse.Namespace) -> str:
    info = machine()
    media = (
        "audio only" if args.audio_only else f"audio + video {args.video_bitrate // 1000} kbit/s"
    )
    if args.simulcast:
        media = (
            "audio + simulcast video "
            + " + ".join(f"{w}x{h} {rate // 1000}" for rate, w, h in SIMULCAST_LAYERS)
            + " kbit/s"
        )
    cpu = result.server_cpu_percent
    us = result.us_per_packet
    lines = [
        "Palabre forwarding benchmark (bench/forward.py)",
        f"  machine                          {info['nproc']} CPUs, {info['cpu']}, "
        f"Python {info['python']}",
        f"  code                             {info['revision']} ('+': src/ has local changes)",
        f"  participants                     {result.participants} in one room: "
        f"{result.publishers} publishers ({media}) + {result.subscribers} subscribers",
        f"  bot processes                    {result.bot_processes}",
        f"  window                           {result.duration:.1f} s after "
        f"{args.warmup:g} s warm-up (server CPU: {result.cpu_window:.1f} s, with the drain)",
        f"  packets in (from publishers)     {result.in_per_second:,.0f} /s"
        + (" (all simulcast layers)" if result.simulcast else ""),
    ]
    if result.simulcast:
        parts = [
            f"{label} {result.stream_per_second(key):,.0f}"
            for key, label in zip(SIMULCAST_STREAMS, ("low", "mid", "high"), strict=True)
        ]
        parts.append(f"audio {result.stream_per_second('audio'):,.0f}")
        lines.append(f"    by stream                      {', '.join(parts)} /s")
    lines += [
        f"  packets forwarded                {result.forwarded_per_second:,.0f} /s "
        f"(received by the bots; {result.fan_out:.1f} per packet in)",
        f"  loss                             {result.loss_percent:.2f} % received vs sent x "
        f"receivers ({result.rtp_loss_percent:.2f} % by RTP sequence gaps)"
        + (" (sent: the audio and the layer each receiver got)" if result.simulcast else ""),
        "  server CPU                       "
        + ("n/a (server pid unknown)" if cpu is None else f"{cpu:.1f} % of one core"),
        "  server CPU per forwarded packet  " + ("n/a" if us is None else f"{us:.1f} µs"),
        f"  bot CPU                          {100 * result.bot_cpu / result.cpu_window:.1f} % "
        "of one core (all bot processes)",
        f"  other processes' CPU             {result.others_cpu_percent:.1f} % of one core "
        f"(machine {result.machine_busy_percent:.0f} % busy)",
    ]
    if result.simulcast:
        shown = ", ".join(f"{n} {label}" for label, n in sorted(result.layers.items()))
        settle = "" if result.settle is None else f"; settled {result.settle:.0f} s before"
        lines.append(
            f"  simulcast layers received        {shown} (receiver-publisher pairs{settle})"
        )
    server_drops = result.server_udp_drops
    lines.append(
        "  UDP drops (kernel, full buffer)  "
        + ("server n/a" if server_drops is None else f"server {server_drops}")
        + f", bots {result.bot_udp_drops}"
    )
    if result.srtp_errors:
        lines.append(f"  SRTP errors at the bots          {result.srtp_errors}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure the server CPU time per forwarded RTP packet with bot participants.",
    )
    parser.add_argument("--publishers", type=int, default=4, help="publishing bots (default 4)")
    parser.add_argument(
        "--subscribers", type=int, default=4, help="subscribe-only bots (default 4)"
    )
    parser.add_argument(
        "--duration", type=float, default=20.0, help="measured seconds (default 20)"
    )
    parser.add_argument(
        "--warmup", type=float, default=3.0, help="seconds before measuring (default 3)"
    )
    parser.add_argument(
        "--video-bitrate",
        type=int,
        default=600_000,
        help="bit rate of the VP8 clip, bit/s (default 600000)",
    )
    parser.add_argument("--audio-only", action="store_true", help="publish Opus only")
    parser.add_argument(
        "--simulcast",
        action="store_true",
        help="publish video as three VP8 layers (150, 450, 1200 kbit/s; --video-bitrate is "
        "not used); the bots send REMBs and each receives the layer the SFU allocates",
    )
    parser.add_argument(
        "--bot-processes",
        type=int,
        default=1,
        help="processes driving the bots (default 1: this process)",
    )
    parser.add_argument(
        "--aligned-keyframes",
        action="store_true",
        help="leave every publisher's keyframe (each 3 s loop of the clip) at the same instant, "
        "as after the joins, instead of spreading them over the cycle",
    )
    parser.add_argument(
        "--nice",
        type=int,
        help="niceness for the server and the bot processes, e.g. -5 on a machine that other "
        "work keeps busy, so that the measurement is of forwarding, not of waiting for a "
        "core (below 0 needs privileges)",
    )
    parser.add_argument(
        "--url", help="signaling URL of a running server, e.g. ws://127.0.0.1:8000/ws"
    )
    parser.add_argument(
        "--server-pid",
        type=int,
        help="pid of the server given by --url (default: the process listening on its port)",
    )
    parser.add_argument(
        "--server-log-level", default="warning", help="log level of the started server"
    )
    parser.add_argument(
        "--server-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="one more argument for the started `palabre serve` (repeat it), "
        "e.g. --server-arg=--media-workers=2",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON too")
    args = parser.parse_args(argv)
    if args.publishers < 1:
        parser.error("--publishers must be at least 1")
    if args.subscribers < 0 or args.duration <= 0 or args.warmup < 0:
        parser.error("--subscribers, --duration and --warmup must not be negative")
    if args.simulcast and args.audio_only:
        parser.error("--simulcast needs video: not with --audio-only")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def log(message: str) -> None:
        print(f"[forward] {message}", file=sys.stderr, flush=True)

    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        result = runner.run(run(args, log))
    print(report(result, args))
    if args.json:
        print(json.dumps(result.as_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
