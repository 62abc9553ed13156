"""A stand-in for ClamAV's clamd speaking its INSTREAM protocol (clamd(8)), for tests: an
asyncio server, on a Unix socket or a loopback TCP port, in a thread of its own. It answers
`stream: Eicar-Test-Signature FOUND` when the stream holds the EICAR test string, `stream:
OK` otherwise, and `INSTREAM size limit exceeded. ERROR` past `limit` bytes, like clamd."""

from __future__ import annotations

import asyncio
import contextlib
import struct
import threading
from pathlib import Path

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd:
    def __init__(self, socket_path: Path | None = None, limit: int = 25 << 20) -> None:
        self.socket_path = socket_path
        self.limit = limit
        self.scans: list[int] = []  # bytes of each stream scanned
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.port = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    @property
    def address(self) -> str:
        return str(self.socket_path) if self.socket_path else f"127.0.0.1:{self.port}"

    def start(self) -> FakeClamd:
        self.thread.start()
        if not self.ready.wait(10):
            raise RuntimeError("the fake clamd did not start")
        return self

    def stop(self) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        if self.socket_path:
            server = self.loop.run_until_complete(
                asyncio.start_unix_server(self._serve, str(self.socket_path)))  # fmt: skip
        else:
            server = self.loop.run_until_complete(
                asyncio.start_server(self._serve, "127.0.0.1", 0))  # fmt: skip
            self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        try:
            self.loop.run_forever()
        finally:
            server.close()
            self.loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            command = await reader.readuntil(b"\0")
            if command == b"zPING\0":
                writer.write(b"PONG\0")
                return
            if command != b"zINSTREAM\0":
                writer.write(b"UNKNOWN COMMAND\0")
                return
            data = bytearray()
            seen = 0
            while True:
                (length,) = struct.unpack(">I", await reader.readexactly(4))
                if length == 0:
                    break
                piece = await reader.readexactly(length)
                seen += length
                if seen <= self.limit:
                    data += piece
            if seen > self.limit:
                writer.write(b"INSTREAM size limit exceeded. ERROR\0")
                return
            self.scans.append(len(data))
            if EICAR in data:
                writer.write(b"stream: Eicar-Test-Signature FOUND\0")
            else:
                writer.write(b"stream: OK\0")
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            with contextlib.suppress(ConnectionError):
                await writer.drain()
            writer.close()
