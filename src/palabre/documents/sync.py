"""The Yjs sync server: one room per open document per process, held by pycrdt.

A `Room` holds the document's pycrdt `Doc` (loaded from the database: snapshot + log), the
awareness states of its clients, and its connections (`Peer`s). It speaks y-protocols with
each (protocol.py):
- on joining, the server sends its sync step 1 and the awareness states it knows; a
  client's step 1 is answered with a step 2;
- a client's update (SYNC_UPDATE, or the step 2 answering the server's step 1) goes on the
  room's queue. One writer per room drains the queue: it checks, in one transaction, that
  each author may still write the document (policy) and appends the updates to the log;
  once that transaction is committed, and only then, it applies them to the room's Doc,
  sends them to the other connections and tells each author "saved" (protocol.SAVED). So no
  one ever sees an update that is not durable, and batching the writes keeps many editors'
  updates to one commit per batch.
- A read-only member's SYNC_UPDATE is refused: nothing is written, applied or sent, and the
  connection is closed with CLOSE_READ_ONLY after an error. (Their sync step 2, the answer
  to the server's step 1, is ignored: it can only bring what they hold offline, which they
  may not write.)
- awareness updates (cursors, names) are relayed to the other connections and kept, so a
  newcomer sees who is there; a leaving connection's clients are removed for everyone.

Across processes (several `palabre serve` workers, Redis bus), each room publishes its
committed updates on the bus topic `document:{id}` and applies those of the other processes'
rooms; a resync (lost bus events) reloads the log from the database. When the document has
been quiet for QUIET_SECONDS the room compacts the log into the snapshot and takes an
automatic version if it changed; the last connection leaving does the same and closes it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from pycrdt import Awareness, Doc
from sqlalchemy.orm import Session

from ..bus import RESYNC_TOPIC, Bus, Subscription
from ..errors import Forbidden, NotFound
from . import content, log, protocol, rules, versions
from .policy import document_access

logger = logging.getLogger(__name__)

T = TypeVar("T")
Runner = Callable[..., Awaitable[Any]]  # ApiContext.run: operation(session, *args) in a thread

CLOSE_READ_ONLY = 4403
CLOSE_GONE = 4404
CLOSE_PROTOCOL = 4400
# A connection's updates go on the room's queue without waiting for the writer (so one editor
# typing fast has several keystrokes in one commit, measured in bench/documents.py: with each
# connection waiting for its previous update to be written, 20 editors made 406 updates/s at
# a p50 of 176 ms); past this many queued, the sender waits, so a flood cannot grow memory.
QUEUE_WITHOUT_WAITING = 1000


def document_topic(document_id: str) -> str:
    return f"document:{document_id}"


class Peer(Protocol):
    """One WebSocket connection to a room, as the web layer gives it."""

    user_id: int
    wants_saved: bool  # asked for protocol.SAVED messages

    async def send(self, data: bytes) -> None: ...

    async def refuse(self, code: int, message: str) -> None:
        """Close, saying why in the close frame."""
        ...


@dataclass
class Pending:
    peer: Peer | None  # None: a change made by the server (a restore), not a connection
    update: bytes
    author: int | None
    done: asyncio.Future[bool] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


def _write_batch(
    session: Session, document_id: str, batch: list[tuple[int | None, bytes]]
) -> list[bool]:
    """Append each update whose author may still write the document; which were."""
    allowed: dict[int | None, bool] = {}
    written = []
    for author, update in batch:
        if author not in allowed:
            if author is None:
                allowed[author] = True
            else:
                try:
                    allowed[author] = document_access(
                        session, author, document_id, "write"
                    ).writable
                except (Forbidden, NotFound):
                    allowed[author] = False
        if allowed[author]:
            log.append(session, document_id, update, author)
        written.append(allowed[author])
    return written


def _load(session: Session, document_id: str) -> tuple[str, bytes, list[bytes]]:
    kind = log.kind_of(session, document_id)
    snapshot, updates = log.read(session, document_id)
    return kind, snapshot, updates


class Room:
    def __init__(self, rooms: Rooms, document_id: str, kind: str, doc: Doc[Any]) -> None:
        self.rooms = rooms
        self.document_id = document_id
        self.kind = kind
        self.doc = doc
        self.awareness = Awareness(doc)
        self.peers: dict[Peer, set[int]] = {}  # each connection's awareness client ids
        self.queue: list[Pending] = []
        self.wakeup = asyncio.Event()
        self.authors: set[int] = set()  # who edited since the last version
        self.changed = False  # since the last version
        self.last_edit = time.monotonic()
        self.since_compaction = 0
        self.writer = asyncio.create_task(self._write_loop())
        self.quiet = asyncio.create_task(self._quiet_loop())

    # Connections

    async def add(self, peer: Peer) -> None:
        self.peers[peer] = set()
        await peer.send(protocol.sync_step1(self.doc.get_state()))
        known = list(self.awareness.states)
        if known:
            await peer.send(protocol.awareness(self.awareness.encode_awareness_update(known)))

    async def remove(self, peer: Peer) -> None:
        clients = self.peers.pop(peer, set())
        gone = [c for c in clients if c in self.awareness.states]
        if gone:
            self.awareness.remove_awareness_states(gone, peer)
            await self.broadcast(protocol.awareness(self.awareness.encode_awareness_update(gone)))

    async def receive(self, peer: Peer, writable: bool, data: bytes) -> None:
        """One message from a connection; ProtocolError if it is not y-protocols'."""
        message = protocol.decode(data)
        if message.type == protocol.AWARENESS:
            for client, present in protocol.awareness_clients(message.data):
                if present:
                    self.peers.setdefault(peer, set()).add(client)
            self.awareness.apply_awareness_update(message.data, peer)
            await self.broadcast(protocol.awareness(message.data), but=peer)
            return
        if message.step == protocol.STEP1:
            await peer.send(protocol.sync_step2(self.doc.get_update(message.data)))
            return
        if message.data == protocol.EMPTY_UPDATE:
            return
        if not writable:
            if message.step == protocol.STEP2:
                return  # their offline state: not theirs to write
            await peer.refuse(CLOSE_READ_ONLY, "you may read this document but not change it")
            return
        if len(message.data) > rules.MAX_UPDATE:
            await peer.refuse(CLOSE_PROTOCOL, f"an update has at most {rules.MAX_UPDATE} bytes")
            return
        pending = Pending(peer, message.data, peer.user_id)
        if len(self.queue) < QUEUE_WITHOUT_WAITING:
            self.enqueue(pending)  # the connection reads on; the writer says "saved"
        else:
            await self.submit(pending)  # back-pressure: this connection waits for the writer

    def enqueue(self, pending: Pending) -> None:
        self.queue.append(pending)
        self.wakeup.set()

    async def submit(self, pending: Pending) -> bool:
        """Queue an update for the writer and wait for it; whether it was written."""
        self.enqueue(pending)
        return await pending.done

    # The writer: durable first, then shown

    async def _write_loop(self) -> None:
        while True:
            await self.wakeup.wait()
            self.wakeup.clear()
            while self.queue:
                batch, self.queue = self.queue, []
                try:
                    written = await self.rooms.run(
                        _write_batch,
                        self.document_id,
                        [(p.author, p.update) for p in batch],
                    )
                except Exception as exc:  # the database failed: nothing was acknowledged
                    logger.exception("document %s: could not write updates", self.document_id)
                    for pending in batch:
                        if not pending.done.done():
                            # Only the server's own changes (no peer) wait to hear why.
                            if pending.peer is None:
                                pending.done.set_exception(exc)
                            else:
                                pending.done.set_result(False)
                        if pending.peer is not None:
                            with contextlib.suppress(Exception):
                                await pending.peer.refuse(1011, "the update could not be saved")
                    continue
                await self._commit(batch, written)

    async def _commit(self, batch: list[Pending], written: list[bool]) -> None:
        applied = []
        for pending, ok in zip(batch, written, strict=True):
            if not ok:
                pending.done.set_result(False)
                if pending.peer is not None:
                    await pending.peer.refuse(
                        CLOSE_READ_ONLY, "you may read this document but not change it"
                    )
                continue
            self.doc.apply_update(pending.update)
            applied.append(pending)
            if pending.author is not None:
                self.authors.add(pending.author)
        if not applied:
            return
        self.changed = True
        self.last_edit = time.monotonic()
        self.since_compaction += len(applied)
        state_vector = self.doc.get_state()
        for pending in applied:
            await self.broadcast(protocol.sync_update(pending.update), but=pending.peer)
            if pending.peer is not None and pending.peer.wants_saved:
                with contextlib.suppress(Exception):
                    await pending.peer.send(protocol.saved(state_vector))
            pending.done.set_result(True)
        await self.rooms.announce(self, [p.update for p in applied])
        if self.since_compaction >= rules.COMPACT_AFTER:
            await self.compact()

    async def broadcast(self, data: bytes, but: Peer | None = None) -> None:
        for peer in list(self.peers):
            if peer is not but:
                try:
                    await peer.send(data)
                except Exception:  # a closing connection: its own handler removes it
                    logger.debug("document %s: a peer could not be sent to", self.document_id)

    # Quiet work: compaction and automatic versions

    async def compact(self) -> None:
        self.since_compaction = 0
        with contextlib.suppress(NotFound):
            await self.rooms.run(log.compact, self.document_id)

    async def settle(self) -> None:
        """Compact, and take an automatic version if the content changed since the last."""
        await self.compact()
        if self.changed:
            self.changed = False
            authors, self.authors = sorted(self.authors), set()
            with contextlib.suppress(NotFound):
                await self.rooms.run(
                    versions.take_automatic, self.document_id, content.state(self.doc), authors
                )

    async def _quiet_loop(self) -> None:
        while True:
            wait = self.last_edit + self.rooms.quiet_seconds - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            if self.changed:
                try:
                    await self.settle()
                except Exception:
                    logger.exception("document %s: settling failed", self.document_id)
            await asyncio.sleep(self.rooms.quiet_seconds)

    async def close(self) -> None:
        self.quiet.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.quiet
        # Let queued updates be written before the room goes.
        while self.queue:
            await asyncio.sleep(0.01)
        self.writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.writer
        try:
            await self.settle()
        except Exception:
            logger.exception("document %s: settling on close failed", self.document_id)


class Rooms:
    """This process's open rooms, by document id."""

    def __init__(self, run: Runner, bus: Bus, quiet_seconds: float = rules.QUIET_SECONDS) -> None:
        self.run = run
        self.bus = bus
        self.quiet_seconds = quiet_seconds
        self.origin = uuid.uuid4().hex  # this process, on the bus
        self.rooms: dict[str, Room] = {}
        self.opening: dict[str, asyncio.Lock] = {}
        self.subscription: Subscription | None = None
        self.listener: asyncio.Task[None] | None = None

    async def join(self, document_id: str, peer: Peer) -> Room:
        lock = self.opening.setdefault(document_id, asyncio.Lock())
        async with lock:
            room = self.rooms.get(document_id)
            if room is None:
                await self._listen(document_id)
                kind, snapshot, updates = await self.run(_load, document_id)
                room = Room(self, document_id, kind, content.load(snapshot, updates))
                self.rooms[document_id] = room
            await room.add(peer)
            return room

    async def leave(self, room: Room, peer: Peer) -> None:
        await room.remove(peer)
        lock = self.opening.setdefault(room.document_id, asyncio.Lock())
        async with lock:
            if room.peers or self.rooms.get(room.document_id) is not room:
                return
            del self.rooms[room.document_id]
            if self.subscription is not None:
                await self.subscription.remove(document_topic(room.document_id))
            await room.close()
            if not self.rooms:
                await self._stop_listening()

    async def change(self, document_id: str, update: bytes, author: int | None) -> None:
        """A change made by the server (a version restored): through the open room if there
        is one here (its writer persists it, then shows it), else written and announced."""
        room = self.rooms.get(document_id)
        if room is not None:
            await room.submit(Pending(None, update, author))
            return
        await self.run(_write_batch, document_id, [(None, update)])
        await self.bus.publish(document_topic(document_id), self._event([update]))

    def _event(self, updates: list[bytes]) -> dict[str, Any]:
        return {
            "type": "document.updates",
            "origin": self.origin,
            "updates": [base64.b64encode(u).decode() for u in updates],
        }

    async def announce(self, room: Room, updates: list[bytes]) -> None:
        """Tell the other processes' rooms (they apply and forward, already durable)."""
        await self.bus.publish(document_topic(room.document_id), self._event(updates))

    async def _listen(self, document_id: str) -> None:
        if self.subscription is None:
            self.subscription = self.bus.subscribe()
            self.listener = asyncio.create_task(self._hear())
        await self.subscription.add(document_topic(document_id))

    async def _hear(self) -> None:
        assert self.subscription is not None
        while True:
            topic, event = await self.subscription.get()
            if topic == RESYNC_TOPIC:
                for room in list(self.rooms.values()):
                    with contextlib.suppress(NotFound):
                        _, snapshot, updates = await self.run(_load, room.document_id)
                        await self._apply_remote(room, [snapshot, *updates])
                continue
            if event.get("origin") == self.origin:
                continue
            listening = self.rooms.get(topic.removeprefix("document:"))
            if listening is None:
                continue
            try:
                updates = [base64.b64decode(u) for u in event.get("updates", [])]
            except (ValueError, TypeError):
                continue
            await self._apply_remote(listening, updates)

    async def _apply_remote(self, room: Room, updates: list[bytes]) -> None:
        for update in updates:
            if update and update != protocol.EMPTY_UPDATE:
                room.doc.apply_update(update)
                await room.broadcast(protocol.sync_update(update))

    async def _stop_listening(self) -> None:
        listener, subscription = self.listener, self.subscription
        self.listener = self.subscription = None
        if listener is not None:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
        if subscription is not None:
            await subscription.close()

    async def close(self) -> None:
        for room in list(self.rooms.values()):
            await room.close()
        self.rooms.clear()
        await self._stop_listening()
