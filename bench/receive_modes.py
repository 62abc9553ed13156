"""Receive modes: the bytes each participant of a 6-person meeting receives per minute in
audio-only ("off"), low, standard and high modes.

For each mode, 6 bots join a fresh room of a Palabre server (a subprocess on free loopback
ports), each publishing Opus and 3 simulcast VP8 layers (the integration tests' clips:
160x120, 320x240 and 640x480), and each sets its `receive` mode before the others arrive.
Once every bot receives audio from the 5 others and, after a warm-up, it counts the RTP bytes
(headers and payload, after SRTP decryption; retransmissions included) each bot receives over
the window and scales them to one minute.

    .venv/bin/python bench/receive_modes.py                 # 60 s windows
    .venv/bin/python bench/receive_modes.py --seconds 20    # 20 s windows, scaled to a minute
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from flows import start_server
from palabre.bot import Bot, load_clip

PARTICIPANTS = 6
LAYERS = [(150_000, 160, 120), (450_000, 320, 240), (1_200_000, 640, 480)]
MODES = ["off", "low", "standard", "high"]


def received_bytes(bot: Bot) -> dict[str, int]:
    out = {"audio": 0, "video": 0}
    for track in bot.received.values():
        out[track.kind] += track.octets
    return out


async def measure(url: str, mode: str, seconds: float, warmup: float) -> dict[str, Any]:
    clips = [load_clip(3.0, rate, w, h) for rate, w, h in LAYERS]
    room = f"receive-{mode}-{int(time.time())}"
    bots = [Bot(url, room, f"P{i}", clip=clips[0], simulcast=clips) for i in range(PARTICIPANTS)]
    try:
        for bot in bots:
            await bot.join()
            await bot.send({"type": "receive", "video": mode})
            await bot.publish()
        deadline = time.monotonic() + 30
        while not all(
            len({t.participant for t in b.received.values() if t.packets}) == PARTICIPANTS - 1
            for b in bots
        ):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{mode}: not everyone receives everyone")
            await asyncio.sleep(0.2)
        await asyncio.sleep(warmup)
        before = [received_bytes(b) for b in bots]
        start = time.monotonic()
        await asyncio.sleep(seconds)
        elapsed = time.monotonic() - start
        after = [received_bytes(b) for b in bots]
        heights = sorted({t.sizes[-1][1] for b in bots for t in b.received.values() if t.sizes})
    finally:
        for bot in bots:
            await bot.leave()
    scale = 60.0 / elapsed
    per_minute = {
        kind: sum(a[kind] - b[kind] for a, b in zip(after, before, strict=True))
        / PARTICIPANTS
        * scale
        for kind in ("audio", "video")
    }
    total = per_minute["audio"] + per_minute["video"]
    return {
        "mode": mode,
        "window_s": round(elapsed, 1),
        "video_heights_received": heights,
        "audio_MB_per_min": round(per_minute["audio"] / 1e6, 2),
        "video_MB_per_min": round(per_minute["video"] / 1e6, 2),
        "total_MB_per_min": round(total / 1e6, 2),
        "kbit_per_s": round(total * 8 / 60 / 1000),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="measured window")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--modes", default=",".join(MODES))
    args = parser.parse_args()
    server = start_server("warning", [])
    try:
        results = []
        for mode in args.modes.split(","):
            result = await measure(server.ws_url, mode, args.seconds, args.warmup)
            print(json.dumps(result), flush=True)
            results.append(result)
    finally:
        server.stop()
    print()
    print("| mode | received per participant per minute | of which video | kbit/s |")
    print("|---|---|---|---|")
    for r in results:
        print(
            f"| {r['mode']} | {r['total_MB_per_min']} MB | {r['video_MB_per_min']} MB "
            f"(heights {r['video_heights_received']}) | {r['kbit_per_s']} |"
        )


if __name__ == "__main__":
    asyncio.run(main())
