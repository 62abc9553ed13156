"""Uploads passed to a virus scanner: ClamAV's clamd, when `clamd_socket` names it (a Unix
socket's path, or host:port). What it says of each stored content is recorded with the
version: "clean", "too_large" (past clamd's StreamMaxLength: kept, said not scanned), or
"unscanned" when no scanner is configured. Content clamd finds infected is refused: its
blob is deleted at once and the uploader told which virus (Infected, 422); if clamd cannot
be reached, the upload is refused too (ScannerDown, 503), never let through unscanned.

clamd's INSTREAM command is written here against its documented protocol (clamd(8): the
command `zINSTREAM\\0`, then chunks each preceded by its length as 4 bytes in network order,
a zero length to end; the answer `stream: OK`, `stream: <name> FOUND`, or `... ERROR`,
ended by a NUL). The Python clamd clients on PyPI (clamd, pyclamd) are unmaintained for
years and blocking anyway; aioclamd is small and little used. Ours is blocking too, like the
blob stores it reads from, and runs in a thread (web layer) or WsgiDAV's threads."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..errors import Refusal
from .blobs import Blob, BlobStore

PIECE = 64 << 10  # bytes sent per INSTREAM chunk (clamd reads chunks of any size up to its limit)
TIMEOUT = 120.0  # seconds clamd may take to answer (a large archive)
CLEAN, UNSCANNED, TOO_LARGE = "clean", "unscanned", "too_large"


class Infected(Refusal):
    code = "infected"
    status = 422


class ScannerDown(Refusal):
    code = "scanner_unavailable"
    status = 503


@dataclass(frozen=True)
class Verdict:
    status: str  # CLEAN, TOO_LARGE, or "infected"
    signature: str = ""  # the virus found


def parse_address(address: str) -> tuple[int, str | tuple[str, int]]:
    """A Unix socket's path (absolute, or unix:PATH), or host:port / tcp://host:port."""
    if address.startswith("unix:"):
        return socket.AF_UNIX, address.removeprefix("unix:").removeprefix("//")
    if address.startswith("/"):
        return socket.AF_UNIX, address
    hostport = address.removeprefix("tcp://")
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"clamd_socket is a socket's path or host:port, not {address!r}")
    return socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET, (
        host.strip("[]"), int(port))  # fmt: skip


class Clamd:
    def __init__(self, address: str, timeout: float = TIMEOUT) -> None:
        self.family, self.address = parse_address(address)
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        connection = socket.socket(self.family, socket.SOCK_STREAM)
        connection.settimeout(self.timeout)
        try:
            connection.connect(self.address)
        except OSError:
            connection.close()
            raise
        return connection

    def scan(self, chunks: Iterable[bytes]) -> Verdict:
        """Send the content to clamd (INSTREAM); its verdict. ScannerDown if clamd cannot
        be reached or answers what it should not."""
        try:
            with self._connect() as connection:
                try:
                    connection.sendall(b"zINSTREAM\0")
                    for chunk in chunks:
                        for start in range(0, len(chunk), PIECE):
                            piece = chunk[start : start + PIECE]
                            connection.sendall(struct.pack(">I", len(piece)) + piece)
                    connection.sendall(struct.pack(">I", 0))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # clamd stopped reading (its size limit): its answer says why
                answer = _answer(connection)
        except OSError as exc:
            raise ScannerDown(f"the virus scanner cannot be reached ({exc}): the file was "
                              "not kept, try again later") from None  # fmt: skip
        return _verdict(answer)

    def ping(self) -> bool:
        try:
            with self._connect() as connection:
                connection.sendall(b"zPING\0")
                return _answer(connection) == "PONG"
        except OSError:
            return False


def _answer(connection: socket.socket) -> str:
    data = bytearray()
    while not data.endswith(b"\0") and len(data) < 4096:
        try:
            got = connection.recv(4096)
        except ConnectionResetError:
            break
        if not got:
            break
        data += got
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def _verdict(answer: str) -> Verdict:
    if answer.endswith("FOUND"):
        body = answer.removeprefix("stream:").strip()
        return Verdict("infected", body.removesuffix("FOUND").strip())
    if answer == "stream: OK":
        return Verdict(CLEAN)
    if "size limit exceeded" in answer:
        return Verdict(TOO_LARGE)
    raise ScannerDown(f"the virus scanner could not scan the file ({answer or 'no answer'}): "
                      "it was not kept")  # fmt: skip


def scanner_for(address: str | None) -> Clamd | None:
    return Clamd(address) if address else None


def scanned(scanner: Clamd | None, store: BlobStore, blob: Blob, name: str) -> Blob:
    """The blob with what the scanner said of it (blocking: call it in a thread). Infected
    or ScannerDown, the blob deleted, if it may not be kept."""
    if scanner is None:
        return replace(blob, scan=UNSCANNED)
    try:
        verdict = scanner.scan(store.read(blob.key))
    except BaseException:
        store.delete(blob.key)
        raise
    if verdict.status == "infected":
        store.delete(blob.key)
        raise Infected(f"“{name}” holds a virus ({verdict.signature}): it was refused and "
                       "not kept")  # fmt: skip
    return replace(blob, scan=verdict.status)
