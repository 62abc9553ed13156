"""Janus Gateway for the benchmark: a loopback server with a minimal configuration, and a bot
that speaks the Janus WebSocket API to its VideoRoom plugin.

The server (`start_janus`) runs /usr/bin/janus with a configuration written to a temporary
directory: ICE-lite, host candidates on 127.0.0.1 only, the VideoRoom plugin and the
WebSocket transport (on a free loopback port) and nothing else (plugin and transport folders
hold links to those two libraries only; no event handler, no logger).

The bot (`JanusBot`) is Palabre's test participant (`palabre.bot.Bot`: the same clip, pacing,
ICE, DTLS and SRTP code) with Janus signaling in place of Palabre's:

- create a session, keep it alive (keepalive every 15 s);
- attach a VideoRoom handle and join the room as a publisher (a participant that only
  subscribes joins the same way and never publishes: Janus then tells it of publishers);
- publish with the bot's SDP offer (Janus answers a=setup:active: the bot is DTLS server);
- subscribe with a second handle to every other publisher's streams (one peer connection,
  multistream), answering the offer Janus makes; feeds that appear later are added with a
  "subscribe" request, and the bot answers Janus's updated offer;
- trickle the bot's one host candidate, then end of candidates.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from palabre.bot import Bot, ReceivedTrack
from palabre.bot.client import receiving_section
from palabre.bot.harness import stop_process
from palabre.bot.peer import BotTransport
from palabre.media import sdp

JANUS = "/usr/bin/janus"
ROOM = 1234
KEEPALIVE = 15.0


def janus_available() -> bool:
    return Path(JANUS).exists()


def _libdir() -> Path:
    for candidate in Path("/usr/lib").glob("*/janus"):
        if (candidate / "plugins" / "libjanus_videoroom.so").exists():
            return candidate
    raise RuntimeError("Janus's plugins are not installed (apt-get install janus)")


def _free_tcp_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class JanusServer:
    ws_url: str
    pid: int
    process: subprocess.Popen[bytes]
    directory: str
    log_path: str

    def log_tail(self, size: int = 4000) -> str:
        with contextlib.suppress(OSError):
            return Path(self.log_path).read_text(errors="replace")[-size:]
        return ""

    def stop(self) -> None:
        stop_process(self.process)
        shutil.rmtree(self.directory, ignore_errors=True)


def write_config(directory: Path, ws_port: int, publishers: int) -> Path:
    """Janus's configuration files in `directory`; returns janus.jcfg."""
    libdir = _libdir()
    folders = {name: directory / name for name in ("plugins", "transports", "events", "loggers")}
    for folder in folders.values():
        folder.mkdir()
    (folders["plugins"] / "libjanus_videoroom.so").symlink_to(
        libdir / "plugins" / "libjanus_videoroom.so"
    )
    (folders["transports"] / "libjanus_websockets.so").symlink_to(
        libdir / "transports" / "libjanus_websockets.so"
    )
    main = directory / "janus.jcfg"
    main.write_text(
        f"""general: {{
    configs_folder = "{directory}"
    plugins_folder = "{folders["plugins"]}"
    transports_folder = "{folders["transports"]}"
    events_folder = "{folders["events"]}"
    loggers_folder = "{folders["loggers"]}"
    debug_level = 3
    session_timeout = 60
    server_name = "palabre-bench"
}}
media: {{
    ipv6 = false
    rtp_port_range = "20000-40000"
}}
nat: {{
    ice_lite = true
    ice_tcp = false
    full_trickle = false
    ice_enforce_list = "127.0.0.2"
}}
plugins: {{
}}
transports: {{
}}
events: {{
    broadcast = false
}}
"""
    )
    (directory / "janus.transport.websockets.jcfg").write_text(
        f"""general: {{
    json = "plain"
    ws = true
    ws_port = {ws_port}
    ws_ip = "127.0.0.1"
    wss = false
}}
admin: {{
    admin_ws = false
    admin_wss = false
}}
"""
    )
    (directory / "janus.plugin.videoroom.jcfg").write_text(
        f"""general: {{
}}
room-{ROOM}: {{
    description = "palabre-bench"
    publishers = {publishers}
    bitrate = 4000000
    fir_freq = 0
    audiocodec = "opus"
    videocodec = "vp8"
    notify_joining = false
}}
"""
    )
    return main


def start_janus(publishers: int = 128) -> JanusServer:
    directory = Path(tempfile.mkdtemp(prefix="palabre-bench-janus-"))
    port = _free_tcp_port()
    config = write_config(directory, port, publishers)
    log_path = str(directory / "janus.log")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [JANUS, "-C", str(config), "-F", str(directory), "-o"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = JanusServer(f"ws://127.0.0.1:{port}/", process.pid, process, str(directory), log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = server.log_tail()
            server.stop()
            raise RuntimeError(f"janus exited:\n{tail}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return server
        time.sleep(0.1)
    server.stop()
    raise RuntimeError("janus did not start in 30 s")


class JanusError(RuntimeError):
    pass


class JanusBot(Bot):
    """A bot in a Janus VideoRoom (see the module's docstring)."""

    def __init__(self, url: str, room: int, name: str = "bot", **kwargs: Any) -> None:
        super().__init__(url, str(room), name, **kwargs)
        self.room_id = room
        self.session: int | None = None
        self.publisher_handle: int | None = None
        self.subscriber_handle: int | None = None
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._transactions = itertools.count(1)
        self._feeds_wanted: set[int] = set()
        self._feeds_subscribed: set[int] = set()
        self._subscribing = asyncio.Lock()
        self._trickled: set[int] = set()

    # --- the Janus API ---

    async def connect(self) -> None:
        if self._ws is None:
            self._ws = await connect(self.url, subprotocols=["janus-protocol"], max_size=2**22)  # type: ignore[list-item]
            self._tasks.append(asyncio.create_task(self._read()))

    async def _read(self) -> None:
        assert self._ws is not None
        with contextlib.suppress(Exception):
            async for text in self._ws:
                message = json.loads(text)
                kind = message.get("janus")
                if kind == "ack":
                    continue
                future = self._pending.pop(message.get("transaction") or "", None)
                if future is not None and not future.done():
                    future.set_result(message)
                elif kind == "event":
                    self._on_event(message)
                elif kind in ("hangup", "detached"):
                    self.errors.append(message)
        for future in self._pending.values():
            if not future.done():
                future.set_exception(JanusError("the Janus WebSocket closed"))

    async def _call(self, message: dict[str, Any], timeout: float = 20) -> dict[str, Any]:
        await self.connect()
        assert self._ws is not None
        transaction = f"t{next(self._transactions)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[transaction] = future
        if self.session is not None:
            message = {"session_id": self.session, **message}
        await self._ws.send(json.dumps({**message, "transaction": transaction}))
        reply = await asyncio.wait_for(future, timeout)
        if reply.get("janus") == "error":
            raise JanusError(f"{message.get('janus')}: {reply.get('error')}")
        return reply

    async def _message(
        self, handle: int, body: dict[str, Any], jsep: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A VideoRoom request; returns its event (Janus acks first, then answers)."""
        message: dict[str, Any] = {"janus": "message", "handle_id": handle, "body": body}
        if jsep is not None:
            message["jsep"] = jsep
        reply = await self._call(message)
        data = reply.get("plugindata", {}).get("data", {})
        if "error" in data:
            raise JanusError(f"{body.get('request')}: {data['error']}")
        return reply

    async def _attach(self) -> int:
        reply = await self._call({"janus": "attach", "plugin": "janus.plugin.videoroom"})
        return int(reply["data"]["id"])

    async def _keepalive(self) -> None:
        while True:
            await asyncio.sleep(KEEPALIVE)
            with contextlib.suppress(Exception):
                await self._call({"janus": "keepalive"})

    async def _trickle(self, handle: int, transport: BotTransport) -> None:
        """Our one host candidate, then the end of candidates (Janus is ICE-lite)."""
        if handle in self._trickled:
            return
        self._trickled.add(handle)
        address = transport.local_address
        candidates: list[dict[str, Any]] = []
        if address is not None:
            host, port = address
            line = f"candidate:1 1 udp 2130706431 {host} {port} typ host"
            candidates.append({"candidate": line, "sdpMid": "0", "sdpMLineIndex": 0})
        candidates.append({"completed": True})
        # Janus only acks a trickle: nothing to wait for.
        assert self._ws is not None and self.session is not None
        message = {"janus": "trickle", "session_id": self.session, "handle_id": handle}
        transaction = f"t{next(self._transactions)}"
        await self._ws.send(
            json.dumps({**message, "candidates": candidates, "transaction": transaction})
        )

    # --- joining and publishing ---

    async def join(self, timeout: float = 20) -> dict[str, Any]:
        reply = await self._call({"janus": "create"}, timeout)
        self.session = int(reply["data"]["id"])
        self._tasks.append(asyncio.create_task(self._keepalive()))
        self.publisher_handle = await self._attach()
        event = await self._message(
            self.publisher_handle,
            {"request": "join", "ptype": "publisher", "room": self.room_id, "display": self.name},
        )
        data = event["plugindata"]["data"]
        self.id = str(data["id"])
        self._publishers(data.get("publishers", []))
        return data  # type: ignore[no-any-return]

    async def publish(self, timeout: float = 20, *, start_media: bool = True) -> None:
        assert self.publisher_handle is not None
        offer = self._publish_offer()
        event = await self._message(
            self.publisher_handle, {"request": "publish"}, {"type": "offer", "sdp": offer}
        )
        jsep = event.get("jsep")
        if not jsep:
            raise JanusError(f"publish: no answer in {event}")
        await self.publish_transport.start(sdp.parse(jsep["sdp"]))
        await self._trickle(self.publisher_handle, self.publish_transport)
        await asyncio.wait_for(self.publish_transport.connected.wait(), timeout)
        if start_media:
            self.start_media()

    # --- subscribing ---

    def _on_event(self, message: dict[str, Any]) -> None:
        data = message.get("plugindata", {}).get("data", {})
        if message.get("sender") == self.publisher_handle and "publishers" in data:
            self._publishers(data["publishers"])

    def _publishers(self, publishers: list[dict[str, Any]]) -> None:
        feeds = {int(p["id"]) for p in publishers if str(p["id"]) != self.id}
        if feeds - self._feeds_wanted:
            self._feeds_wanted |= feeds
            self._tasks.append(asyncio.create_task(self._subscribe()))

    async def _subscribe(self) -> None:
        async with self._subscribing:
            feeds = sorted(self._feeds_wanted - self._feeds_subscribed)
            if not feeds:
                return
            streams = [{"feed": feed} for feed in feeds]
            if self.subscriber_handle is None:
                self.subscriber_handle = await self._attach()
                body = {
                    "request": "join",
                    "ptype": "subscriber",
                    "room": self.room_id,
                    "streams": streams,
                }
                event = await self._message(self.subscriber_handle, body)
            else:
                event = await self._message(
                    self.subscriber_handle, {"request": "subscribe", "streams": streams}
                )
            self._feeds_subscribed |= set(feeds)
            jsep = event.get("jsep")
            if jsep:
                await self._answer(jsep["sdp"], event["plugindata"]["data"].get("streams", []))

    async def _answer(self, offer_sdp: str, streams: list[dict[str, Any]]) -> None:
        assert self.subscriber_handle is not None
        offer = sdp.parse(offer_sdp)
        by_mid = {str(s.get("mid")): s for s in streams}
        answer = sdp.SessionDescription(origin=f"- {random.getrandbits(32)} 1 IN IP4 0.0.0.0")
        answer.attributes = [a for a in offer.attributes if a[0] == "group"]
        ssrc_map: dict[int, ReceivedTrack] = {}
        for section in offer.media:
            mid = section.mid or ""
            answer.media.append(receiving_section(section, self.subscribe_transport, section.port))
            info = by_mid.get(mid)
            ssrcs = section.ssrcs()
            if info is None or not ssrcs or "feed_id" not in info:
                continue
            track_id = f"{info['feed_id']}:{info.get('feed_mid', mid)}"
            track = self.received.get(track_id)
            if track is None:
                kind = str(info.get("type", section.kind))
                source = "microphone" if kind == "audio" else "camera"
                track = ReceivedTrack(track_id, str(info["feed_id"]), kind, source)
                self.received[track_id] = track
            ssrc_map[ssrcs[0]] = track
        self._ssrc_to_track = ssrc_map
        await self._message(
            self.subscriber_handle,
            {"request": "start"},
            {"type": "answer", "sdp": sdp.serialize(answer)},
        )
        await self.subscribe_transport.start(offer)
        await self._trickle(self.subscriber_handle, self.subscribe_transport)

    # --- leaving ---

    async def leave(self) -> None:
        if self.session is not None and self._ws is not None:
            with contextlib.suppress(Exception):
                await self._call({"janus": "destroy"}, 5)
        await self.close()
