"""What tests and benchmarks share around the bots: free ports, a real `palabre serve` in a
subprocess, waiting for a condition, counting what a bot received from another."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .client import Bot
from .clip import Clip

# Where free ports come from. By default the kernel chooses (a bind to port 0, in its
# ephemeral range). A test run split over processes (pytest-xdist) gives each process a block
# of its own below that range (`use_port_block`): two processes then never pick the same port
# in the moment between finding it free and a server binding it, and a process walks its
# block instead of taking a port it has just freed.
_LOW, _HIGH = 10000, 32000  # under Linux's ephemeral range (32768-60999)
_block: tuple[int, int] | None = None  # (first port, size)
_cursor = 0


def use_port_block(index: int, count: int) -> None:
    """Take ports from block `index` of `count` equal blocks of [10000, 32000)."""
    global _block, _cursor
    size = (_HIGH - _LOW) // count
    _block = (_LOW + index * size, size)
    # A random start: two runs side by side on one machine do not walk their blocks in step.
    _cursor = random.randrange(size)


def _is_free(port: int, host: str) -> bool:
    """Free for both TCP and UDP on `host` (media uses the same number for both)."""
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with tcp, udp:
        try:
            tcp.bind((host, port))
            udp.bind((host, port))
        except OSError:
            return False
    return True


def _kernel_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
        tcp.bind((host, 0))
        return int(tcp.getsockname()[1])


def free_ports(count: int, host: str = "127.0.0.1") -> int:
    """The first of `count` consecutive ports, each free for both TCP and UDP on `host` (a
    server with media workers gives worker i the media port + i)."""
    global _cursor
    for _ in range(200):
        if _block is None:
            first = _kernel_port(host)
        else:
            start, size = _block
            offset = _cursor % size
            _cursor += count
            if offset + count > size:
                continue
            first = start + offset
        if first + count <= 65536 and all(_is_free(first + i, host) for i in range(count)):
            return first
    raise RuntimeError(f"no {count} free consecutive ports")


def free_port(host: str = "127.0.0.1") -> int:
    """A port free for both TCP and UDP on `host` (media uses the same number for both)."""
    return free_ports(1, host)


def _media_workers(args: tuple[str, ...]) -> int:
    """How many media ports `palabre serve` with these arguments takes (one per worker)."""
    for i, arg in enumerate(args):
        if arg == "--media-workers" and i + 1 < len(args):
            return max(1, int(args[i + 1]))
        if arg.startswith("--media-workers="):
            return max(1, int(arg.partition("=")[2]))
    return 1


@dataclass
class ServerProcess:
    """A `palabre serve` started by `start_server`."""

    process: subprocess.Popen[bytes]
    http_url: str
    ws_url: str
    media_port: int
    data_dir: Path
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def health(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.http_url + "/healthz", timeout=5) as response:
            return dict(json.loads(response.read()))

    def stop(self) -> int:
        """SIGTERM (its graceful exit), then SIGKILL if it has not gone in 10 s."""
        return stop_process(self.process)


def stop_process(process: subprocess.Popen[bytes], grace: float = 10.0) -> int:
    """Stops a child: SIGTERM, then SIGKILL if it has not gone in `grace` seconds. Its exit
    code."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    return process.returncode


def _die_with_parent() -> None:
    """In the server's child process: get SIGTERM if the caller dies without stopping it."""
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_server(
    data_dir: Path,
    *args: str,
    log_path: Path | None = None,
    timeout: float = 60.0,
    die_with_parent: bool = False,
) -> ServerProcess:
    """`palabre serve` on free loopback ports, once /healthz answers. The log goes beside the
    data directory unless `log_path` says where; `timeout` is generous for a loaded machine."""
    port = free_port()
    # With --media-workers N, worker i takes media_port + i: the whole range must be free.
    media_port = free_ports(_media_workers(args))
    if log_path is None:
        log_path = data_dir.parent / f"server-{port}.log"
    command = [
        sys.executable, "-m", "palabre", "serve",
        "--port", str(port),
        "--media-port", str(media_port),
        "--media-tcp-port", str(media_port),
        "--data-dir", str(data_dir),
        *args,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=_die_with_parent if die_with_parent else None,
        )
    server = ServerProcess(
        process,
        f"http://127.0.0.1:{port}",
        f"ws://127.0.0.1:{port}/ws",
        media_port,
        data_dir,
        log_path,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"palabre serve exited:\n{server.log()}")
        with contextlib.suppress(OSError):
            server.health()
            return server
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"palabre serve did not start in {timeout:.0f} s:\n{server.log()}")


async def until(condition: Callable[[], object], timeout: float = 10.0, step: float = 0.05) -> None:
    """Wait until `condition()` is true; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(step)


def received_from(receiver: Bot, sender: Bot, kind: str) -> int:
    """RTP packets of this kind the receiver got from the sender, over all its tracks."""
    if sender.id is None:  # not joined yet
        return 0
    return sum(track.packets for track in receiver.tracks_from(sender.id, kind))


async def start_bots(
    ws_url: str, room: str, count: int, clip: Clip, prefix: str = "bot", **options: Any
) -> list[Bot]:
    """`count` bots named prefix0, prefix1... joined and publishing, one after the other."""
    bots = []
    for index in range(count):
        bot = Bot(ws_url, room, f"{prefix}{index}", clip=clip, **options)
        await bot.join()
        await bot.publish()
        bots.append(bot)
    return bots
