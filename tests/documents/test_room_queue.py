"""A room's writer and its connections: a connection reads on while its updates are being
written (so a fast typist's keystrokes share a commit), and still nothing is shown or said
saved before the database has it."""

from __future__ import annotations

import asyncio
from typing import Any

from pycrdt import Doc, Text

from palabre.documents import protocol
from palabre.documents.sync import Room


class FakePeer:
    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.wants_saved = True
        self.sent: list[bytes] = []

    async def send(self, data: bytes) -> None:
        self.sent.append(data)

    async def refuse(self, code: int, message: str) -> None:
        raise AssertionError(f"refused: {code} {message}")


class SlowDatabase:
    """The Rooms a Room needs: `run` waits for the test to open the gate, and records each
    batch written."""

    quiet_seconds = 3600.0

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.batches: list[int] = []

    async def run(self, operation: Any, document_id: str, batch: list[Any]) -> list[bool]:
        await self.gate.wait()
        self.batches.append(len(batch))
        return [True] * len(batch)

    async def announce(self, room: Room, updates: list[bytes]) -> None:
        pass


def keystrokes(count: int) -> list[bytes]:
    doc: Doc[Any] = Doc()
    text = doc.get("t", type=Text)
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    for _ in range(count):
        text += "a"
    return updates


async def test_a_connection_reads_on_while_its_updates_are_written() -> None:
    database = SlowDatabase()
    room = Room(database, "doc", "text", Doc())  # type: ignore[arg-type]
    typist, reader = FakePeer(1), FakePeer(2)
    await room.add(typist)
    await room.add(reader)
    sent_before = len(reader.sent)
    try:
        for update in keystrokes(5):
            # Returns at once though the database has not written the first one yet.
            await asyncio.wait_for(room.receive(typist, True, protocol.sync_update(update)), 1)
        await asyncio.sleep(0.05)
        assert len(reader.sent) == sent_before  # nothing shown before it is durable
        assert not any(m[0] == protocol.SAVED for m in typist.sent)
        database.gate.set()
        for _ in range(100):
            if str(room.doc.get("t", type=Text)) == "aaaaa":
                break
            await asyncio.sleep(0.01)
        assert str(room.doc.get("t", type=Text)) == "aaaaa"
        assert sum(database.batches) == 5 and len(database.batches) <= 2  # shared commits
        assert len(reader.sent) == sent_before + 5
        assert any(m[0] == protocol.SAVED for m in typist.sent)
    finally:
        room.writer.cancel()
        room.quiet.cancel()
