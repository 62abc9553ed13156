"""The bus across processes and nodes: Redis pub/sub (redis.asyncio).

Each process holds two connections to Redis, whatever the number of its listeners:
- one subscribed to the union of its listeners' topics (a Redis channel per topic, under a
  prefix naming the Redis database, since pub/sub ignores database numbers); it reads what
  other processes publish and hands it to the local listeners (memory.Fanout);
- one publishing: `publish` hands the event to this process's listeners at once and queues it
  for a single writer, which sends queued events in order (pipelined), so one publisher's
  events keep their order on each topic.

Events are msgspec JSON (they may hold msgspec Structs and datetimes); other processes'
listeners get them decoded (plain dicts, times as RFC 3339 strings), this process's as they
were published. A process skips its own events when Redis echoes them.

When the link breaks (a Redis restart, a network cut, a Redis that stops answering pings),
the reader reconnects with a growing pause and subscribes again; once it is back, every
listener gets a resync (interface.RESYNC) since events published meanwhile are gone. The
writer keeps what it could not send and retries; what has waited longer than STALE seconds is
dropped, as the listeners it was for get a resync when their own link comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Coroutine
from typing import Any

import msgspec
import redis.asyncio as aioredis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from .interface import Event
from .memory import Fanout, MemorySubscription

log = logging.getLogger(__name__)

OUTBOX_LIMIT = 10_000  # events waiting for Redis; past that new ones are dropped (logged)
BATCH = 500  # events sent in one pipeline
STALE = 10.0  # seconds after which an unsent event is dropped rather than sent late
PING_INTERVAL = 10.0  # seconds of silence after which the reader pings Redis
SILENCE_LIMIT = 3  # pings unanswered: the link is dead, reconnect
CONFIRM_TIMEOUT = 5.0  # seconds `add` waits for Redis to confirm a subscription
RETRY_FIRST, RETRY_MAX = 0.1, 2.0  # pause before reconnecting, doubled up to the max


class RedisBus:
    def __init__(
        self,
        url: str,
        *,
        ping_interval: float = PING_INTERVAL,
        stale: float = STALE,
        outbox_limit: int = OUTBOX_LIMIT,
    ) -> None:
        self.url = url
        self.ping_interval = ping_interval
        self.stale = stale
        self.origin = secrets.token_hex(8).encode()  # ours, to skip our own echoes
        self.fanout = Fanout()
        options = aioredis.connection.parse_url(url)
        self.prefix = f"palabre:{options.get('db', 0)}:"
        self._outbox_limit = outbox_limit
        self._outbox: asyncio.Queue[tuple[float, str, bytes]] | None = None
        self._pubsub: PubSub | None = None  # the reader's, while it is subscribed
        self._pending: dict[str, asyncio.Future[None]] = {}  # channels awaiting confirmation
        self._connected: asyncio.Event | None = None
        self._gap = False  # listeners may have missed events: resync them on reconnect
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False
        self.connections = 0  # times the reader connected (for tests and logs)
        self._dropped = 0

    # -- the Bus protocol

    async def publish(self, topic: str, event: Event) -> None:
        self.fanout.deliver(topic, event)
        payload = self.origin + b"\n" + msgspec.json.encode(event)
        outbox = self._start()
        try:
            outbox.put_nowait((time.monotonic(), self.prefix + topic, payload))
        except asyncio.QueueFull:
            self._dropped += 1
            if self._dropped in (1, 10, 100) or self._dropped % 1000 == 0:
                log.warning("redis bus: %d events dropped (Redis unreachable?)", self._dropped)

    def subscribe(self) -> MemorySubscription:
        return MemorySubscription(self)

    async def close(self) -> None:
        self._closing = True
        if self._outbox is not None and self._tasks:
            with contextlib.suppress(TimeoutError):  # what can still go, goes
                await asyncio.wait_for(self._outbox.join(), 2.0)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        self.fanout.listeners.clear()

    async def start(self) -> None:
        """Connect now (else on first use) and wait a little for the link to be up."""
        self._start()
        assert self._connected is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), CONFIRM_TIMEOUT)

    # -- what subscriptions call (memory.Watcher)

    async def watch(self, subscription: MemorySubscription, topics: list[str]) -> None:
        first = self.fanout.attach(subscription, topics)
        self._start()
        assert self._connected is not None
        if not self._connected.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._connected.wait(), CONFIRM_TIMEOUT)
        pending = (self._pending.get(self.prefix + t) for t in topics)
        waiting = [future for future in pending if future is not None]
        pubsub = self._pubsub
        if pubsub is None:
            # Not linked: the reader subscribes to every topic when it is back, and the
            # listeners get a resync then.
            self._gap = True
            return
        loop = asyncio.get_running_loop()
        channels = [self.prefix + t for t in first]
        for channel in channels:
            future = self._pending[channel] = loop.create_future()
            waiting.append(future)
        try:
            if channels:
                await pubsub.subscribe(*channels)
            await asyncio.wait_for(asyncio.gather(*waiting), CONFIRM_TIMEOUT)
        except (RedisError, OSError, TimeoutError) as exc:
            log.info("redis bus: subscription not confirmed (%s); it will be on reconnect", exc)
            self._gap = True

    async def unwatch(self, subscription: MemorySubscription, topics: list[str]) -> None:
        last = self.fanout.detach(subscription, topics)
        pubsub = self._pubsub
        if last and pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await pubsub.unsubscribe(*(self.prefix + t for t in last))

    # -- the two tasks

    def _start(self) -> asyncio.Queue[tuple[float, str, bytes]]:
        if self._outbox is None:
            self._outbox = asyncio.Queue(self._outbox_limit)
            self._connected = asyncio.Event()
            self._tasks = [
                self._spawn(self._read_forever(), "redis bus reader"),
                self._spawn(self._write_forever(self._outbox), "redis bus writer"),
            ]
        return self._outbox

    @staticmethod
    def _spawn(work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        return asyncio.get_running_loop().create_task(work, name=name)

    def _client(self) -> aioredis.Redis:
        # No retry inside redis-py: a broken link surfaces here, where it is handled.
        return aioredis.Redis.from_url(
            self.url, retry=Retry(NoBackoff(), 0), socket_connect_timeout=5, socket_timeout=None
        )

    async def _read_forever(self) -> None:
        pause = RETRY_FIRST
        control = f"{self.prefix}bus:{self.origin.decode()}"  # keeps the link in pub/sub mode
        while not self._closing:
            client = self._client()
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(control, *(self.prefix + t for t in self.fanout.topics()))
                heard = time.monotonic()
                pinged = 0
                while True:
                    message = await pubsub.get_message(timeout=min(1.0, self.ping_interval))
                    now = time.monotonic()
                    if message is None:
                        silent = now - heard
                        if silent > self.ping_interval * SILENCE_LIMIT:
                            raise ConnectionError(f"Redis silent for {silent:.0f} s")
                        if silent > self.ping_interval * (pinged + 1):
                            pinged += 1
                            await pubsub.ping()
                        continue
                    heard, pinged = now, 0
                    kind = message["type"]
                    if kind == "message":
                        self._receive(message["channel"], message["data"])
                    elif kind == "subscribe":
                        channel = message["channel"].decode()
                        if channel == control:
                            pause = self._linked(pubsub)
                        future = self._pending.pop(channel, None)
                        if future is not None and not future.done():
                            future.set_result(None)
            except (RedisError, OSError) as exc:
                if not self._closing:
                    log.warning("redis bus: link lost (%s); reconnecting in %.1f s", exc, pause)
            finally:
                self._unlinked()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call,unused-ignore]  # typed from redis 8.2
                with contextlib.suppress(Exception):
                    await client.aclose()
            await asyncio.sleep(pause)
            pause = min(pause * 2, RETRY_MAX)

    def _linked(self, pubsub: PubSub) -> float:
        self.connections += 1
        self._pubsub = pubsub
        assert self._connected is not None
        self._connected.set()
        if self._gap:  # Redis has confirmed our channels: anything published from now on comes
            self._gap = False
            self.fanout.miss_all()
        if self.connections > 1:
            log.info("redis bus: linked again")
        return RETRY_FIRST

    def _unlinked(self) -> None:
        self._pubsub = None
        self._gap = True
        if self._connected is not None:
            self._connected.clear()
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ConnectionError("the link to Redis broke"))
                future.exception()  # looked at: no "never retrieved" warning if unawaited
        self._pending.clear()

    def _receive(self, channel: bytes, data: bytes) -> None:
        origin, _, body = data.partition(b"\n")
        if origin == self.origin:
            return  # ours: our listeners had it when we published it
        topic = channel.decode()[len(self.prefix) :]
        try:
            event = msgspec.json.decode(body)
        except msgspec.DecodeError:
            log.warning("redis bus: an undecodable event on %s, skipped", topic)
            return
        if isinstance(event, dict):
            self.fanout.deliver(topic, event)

    async def _write_forever(self, outbox: asyncio.Queue[tuple[float, str, bytes]]) -> None:
        client: aioredis.Redis | None = None
        pause = RETRY_FIRST
        try:
            while True:
                batch = [await outbox.get()]
                while len(batch) < BATCH and not outbox.empty():
                    batch.append(outbox.get_nowait())
                taken = len(batch)
                while batch:
                    try:
                        if client is None:
                            client = self._client()
                        async with client.pipeline(transaction=False) as pipe:
                            for _, channel, payload in batch:
                                pipe.publish(channel, payload)
                            await pipe.execute()
                        batch, pause = [], RETRY_FIRST
                    except (RedisError, OSError) as exc:
                        log.warning("redis bus: publishing failed (%s); retrying", exc)
                        if client is not None:
                            with contextlib.suppress(Exception):
                                await client.aclose()
                        client = None
                        await asyncio.sleep(pause)
                        pause = min(pause * 2, RETRY_MAX)
                        now = time.monotonic()
                        batch = [item for item in batch if now - item[0] < self.stale]
                for _ in range(taken):
                    outbox.task_done()
        finally:
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.aclose()
