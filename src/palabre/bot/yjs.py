"""A Yjs client in Python for the tests and benchmarks: pycrdt's Doc over the y-websocket
protocol on /api/yjs/{id} (the server's own protocol module frames the messages; a stock
JavaScript client is tested in tests/documents/test_interop.py). It edits as the TipTap editor
lays a document out: paragraphs in the XmlFragment "default"."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from pycrdt import Decoder, Doc, TransactionEvent, XmlElement, XmlFragment, XmlText
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from ..documents import protocol


class YClient:
    def __init__(
        self, url: str, cookie: str | None = None, saved: bool = True, token: str | None = None
    ) -> None:
        """`cookie`: a signed-in session's; or `token`: a personal access token (Bearer).
        `saved`: ask the server to say which state it saved (SAVED messages)."""
        self.url = url + ("&" if "?" in url else "?") + "saved=1" if saved else url
        self.cookie = cookie
        self.token = token
        self.doc: Doc[Any] = Doc()  # pycrdt's Doc is generic in the types it holds
        self.errors: list[str] = []
        self.saved_states: list[bytes] = []
        self.synced = asyncio.Event()
        self.closed = asyncio.Event()
        self.close_code: int | None = None
        self._socket: ClientConnection | None = None
        self.remote = False
        self.reader: asyncio.Task[None] | None = None
        self.writer: asyncio.Task[None] | None = None
        self.outbox: asyncio.Queue[bytes] = asyncio.Queue()
        # Called with each remote update applied (a benchmark's latency probe, for one).
        self.on_remote: list[Callable[[], None]] = []
        self.doc.observe(self._local_update)

    def _local_update(self, event: TransactionEvent) -> None:
        if not self.remote:
            self.outbox.put_nowait(protocol.sync_update(event.update))

    @property
    def socket(self) -> ClientConnection:
        if self._socket is None:
            raise RuntimeError("not connected: use `async with YClient(...)`")
        return self._socket

    async def __aenter__(self) -> YClient:
        headers = {"cookie": self.cookie} if self.cookie else {}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        self._socket = await connect(self.url, additional_headers=headers, max_size=None)
        self.reader = asyncio.create_task(self._read())
        self.writer = asyncio.create_task(self._write())
        with contextlib.suppress(ConnectionClosed):  # refused at once
            await self.socket.send(protocol.sync_step1(self.doc.get_state()))
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in (self.reader, self.writer):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        with contextlib.suppress(Exception):
            await self.socket.close()

    async def _write(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            while True:
                data = await self.outbox.get()
                await self.socket.send(data)

    async def _read(self) -> None:
        try:
            async for data in self.socket:
                if isinstance(data, str):
                    self.errors.append(data)
                    continue
                if data[0] == protocol.SAVED:
                    self.saved_states.append(protocol.decode_saved(data))
                    continue
                message = protocol.decode(data)
                if message.type == protocol.SYNC:
                    if message.step == protocol.STEP1:
                        await self.socket.send(
                            protocol.sync_step2(self.doc.get_update(message.data))
                        )
                    else:
                        self.remote = True
                        try:
                            self.doc.apply_update(message.data)
                        finally:
                            self.remote = False
                        for callback in self.on_remote:
                            callback()
                        if message.step == protocol.STEP2:
                            self.synced.set()
        except ConnectionClosed:
            pass
        finally:
            self.close_code = self.socket.close_code
            if self.socket.close_reason:
                self.errors.append(self.socket.close_reason)
            self.closed.set()

    # Editing, in the TipTap layout: a paragraph of text per line

    @property
    def fragment(self) -> XmlFragment:
        fragment: XmlFragment = self.doc.get("default", type=XmlFragment)
        return fragment

    def add_paragraph(self, text: str) -> None:
        with self.doc.transaction():
            paragraph = self.fragment.children.append(XmlElement("paragraph"))
            paragraph.children.append(XmlText(text))

    def paragraphs(self) -> list[str]:
        return [
            "".join(str(child) for child in element.children)
            for element in self.fragment.children
            if isinstance(element, XmlElement)
        ]

    async def flush(self, timeout: float = 20) -> None:
        """Until every local edit was sent and acknowledged as saved."""

        async def acknowledged() -> None:
            while not self.outbox.empty():
                await asyncio.sleep(0.01)
            mine = self.doc.client_id
            want = clock_of(self.doc.get_state(), mine)
            while not self.saved_states or clock_of(self.saved_states[-1], mine) < want:
                if self.closed.is_set():
                    raise ConnectionError(f"closed ({self.close_code}): {self.errors}")
                await asyncio.sleep(0.01)

        await asyncio.wait_for(acknowledged(), timeout)


def clock_of(state_vector: bytes, client: int) -> int:
    """The clock of `client` in a state vector (Y.encodeStateVector's format)."""
    decoder = Decoder(state_vector)
    for _ in range(decoder.read_var_uint()):
        who, clock = decoder.read_var_uint(), decoder.read_var_uint()
        if who == client:
            return clock
    return 0
