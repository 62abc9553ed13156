"""One bot as a process, for running inside a network namespace (`ip netns exec NS python
bot_runner.py WS_URL ROOM NAME [--simulcast] [--receive MODE]`).

Prints "joined <participant id>" once in the room (and publishing, if it publishes), then
stays until SIGTERM or until its stdin closes, and prints what it received as one JSON line
("received {...}": bytes per sender) before leaving.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from palabre.bot import Bot, load_clip

# The layers of the simulcast clip, lowest first (as the integration tests use them).
LAYERS = [(150_000, 160, 120), (450_000, 320, 240), (1_200_000, 640, 480)]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("room")
    parser.add_argument("name")
    parser.add_argument("--simulcast", action="store_true", help="publish 3 VP8 layers")
    parser.add_argument("--no-publish", action="store_true")
    parser.add_argument("--no-audio", action="store_true", help="publish video only")
    parser.add_argument("--receive", choices=["off", "low", "standard", "high"])
    args = parser.parse_args()
    clips = [load_clip(3.0, rate, w, h) for rate, w, h in LAYERS]
    publish = not args.no_publish
    bot = Bot(
        args.url,
        args.room,
        args.name,
        clip=clips[0] if publish else None,
        audio=not args.no_audio,
        simulcast=clips if publish and args.simulcast else None,
    )
    await bot.join()
    if args.receive:
        await bot.send({"type": "receive", "video": args.receive})
    if publish:
        await bot.publish()
    print(f"joined {bot.id}", flush=True)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    loop.add_reader(sys.stdin.fileno(), lambda: stop.done() or stop.set_result(None))
    await stop
    received: dict[str, int] = {}
    for track in bot.received.values():
        received[track.participant] = received.get(track.participant, 0) + track.octets
    print("received " + json.dumps(received), flush=True)
    await bot.leave()


if __name__ == "__main__":
    asyncio.run(main())
