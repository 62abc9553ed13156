"""Where file content lives: a BlobStore holds immutable blobs under keys of its choosing.

Every call is synchronous and may block (disk, network): the web layer calls it in a thread,
never on the event loop; the WebDAV server (WSGI) calls it from its own threads. `put`
streams whatever the size in bounded memory and returns the blob's size and SHA-256, which
the database records; a blob is visible only once complete (a temporary file renamed into
place, or an S3 multipart upload completed). `read` streams a byte range. `checked` verifies
a whole download against the recorded SHA-256 before its last bytes leave.

- LocalStore (here): a directory of the data directory, the embedded default.
- S3Store (s3.py): any S3-compatible bucket (SeaweedFS in the tests, production's S3).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from .sniff import HEAD

CHUNK = 1 << 20  # bytes read at a time


class BlobMissing(LookupError):
    pass


class Corrupt(IOError):
    """A blob's bytes no longer match its recorded SHA-256."""


class TooLarge(ValueError):
    """More bytes than the caller allowed (the space's quota)."""


@dataclass(frozen=True)
class Blob:
    key: str
    size: int
    sha256: str
    head: bytes  # its first bytes, for sniffing its type
    scan: str = ""  # what the virus scanner said of it (antivirus.py), once asked


def new_key() -> str:
    return uuid.uuid4().hex


class Tally:
    """Counts and hashes the chunks going by; TooLarge past `limit` bytes."""

    def __init__(self, chunks: Iterable[bytes], limit: int | None = None) -> None:
        self.chunks = chunks
        self.limit = limit
        self.size = 0
        self.hash = hashlib.sha256()
        self.head = b""

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            if not chunk:
                continue
            self.size += len(chunk)
            if self.limit is not None and self.size > self.limit:
                raise TooLarge(f"more than {self.limit} bytes")
            self.hash.update(chunk)
            if len(self.head) < HEAD:
                self.head += chunk[: HEAD - len(self.head)]
            yield chunk

    def blob(self, key: str) -> Blob:
        return Blob(key, self.size, self.hash.hexdigest(), self.head)


class BlobStore(ABC):
    @abstractmethod
    def put(self, chunks: Iterable[bytes], limit: int | None = None) -> Blob:
        """Store the chunks as a new blob. If the iterable raises (the client went away) or
        passes `limit` bytes (TooLarge), nothing is stored."""

    @abstractmethod
    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """The bytes from `start` to `end` (inclusive; None: the end), in chunks."""

    @abstractmethod
    def size(self, key: str) -> int:
        """BlobMissing if there is no such blob."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the blob (nothing if it is already gone)."""

    @abstractmethod
    def listing(self) -> Iterator[tuple[str, datetime]]:
        """Every complete blob's key and when it was written (for the sweep of orphans)."""

    def copy(self, key: str) -> str:
        """A new blob with the same bytes; its key."""
        return self.put(self.read(key)).key

    def put_file(self, path: Path, sha256: str | None = None) -> Blob:
        """A complete file (flushed to disk) as a new blob; the file may be gone after.
        `sha256`: its SHA-256 if the caller already knows it (hashed as it wrote the file),
        which spares a store that takes the file as it is a second reading of it."""
        return self.put(_file_chunks(path))

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except BlobMissing:
            return False
        return True

    def checked(self, key: str, sha256: str) -> Iterator[bytes]:
        """The whole blob, Corrupt raised before its last chunk if its SHA-256 is not
        `sha256`: a reader never receives a complete copy of damaged content."""
        digest = hashlib.sha256()
        held: bytes | None = None
        for chunk in self.read(key):
            if held is not None:
                yield held
            digest.update(chunk)
            held = chunk
        if digest.hexdigest() != sha256:
            raise Corrupt(f"blob {key}: SHA-256 mismatch")
        if held is not None:
            yield held

    def close(self) -> None:
        return None


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalStore(BlobStore):
    """Blobs as files under `root` (blobs/ab/abcdef...), written to root/tmp first, flushed
    to disk, then renamed into place."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        if not key.isalnum():
            raise BlobMissing(key)
        return self.root / key[:2] / key

    def put(self, chunks: Iterable[bytes], limit: int | None = None) -> Blob:
        tally = Tally(chunks, limit)
        key = new_key()
        temporary = self.tmp / f"{key}.part"
        try:
            with temporary.open("wb") as out:
                for chunk in tally:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            self.adopt(temporary, key)
        finally:
            temporary.unlink(missing_ok=True)
        return tally.blob(key)

    def put_file(self, path: Path, sha256: str | None = None) -> Blob:
        """Hashed as read (unless `sha256` is given), then renamed into place (no copy: the
        same file system)."""
        if sha256 is None:
            tally = Tally(_file_chunks(path))
            for _ in tally:
                pass
            size, sha256, head = tally.size, tally.hash.hexdigest(), tally.head
        else:
            with path.open("rb") as handle:
                head = handle.read(HEAD)
                size = os.fstat(handle.fileno()).st_size
        key = new_key()
        try:
            self.adopt(path, key)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            return super().put_file(path)  # another file system: copied
        return Blob(key, size, sha256, head)

    def adopt(self, path: Path, key: str) -> None:
        """Move a complete file (flushed, on the same file system) in as blob `key`."""
        final = self.path(key)
        final.parent.mkdir(exist_ok=True)
        os.replace(path, final)
        _fsync_dir(final.parent)

    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        try:
            handle = self.path(key).open("rb")
        except FileNotFoundError:
            raise BlobMissing(key) from None
        return self._chunks(handle, start, end)

    @staticmethod
    def _chunks(handle: BinaryIO, start: int, end: int | None) -> Iterator[bytes]:
        with handle:
            handle.seek(start)
            left = None if end is None else end - start + 1
            while left is None or left > 0:
                chunk = handle.read(CHUNK if left is None else min(CHUNK, left))
                if not chunk:
                    return
                if left is not None:
                    left -= len(chunk)
                yield chunk

    def listing(self) -> Iterator[tuple[str, datetime]]:
        for folder in self.root.iterdir():
            if folder == self.tmp or not folder.is_dir():
                continue
            for path in folder.iterdir():
                with contextlib.suppress(FileNotFoundError):
                    yield path.name, datetime.fromtimestamp(path.stat().st_mtime, UTC)

    def size(self, key: str) -> int:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            raise BlobMissing(key) from None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def copy(self, key: str) -> str:
        new = new_key()
        temporary = self.tmp / f"{new}.part"
        try:
            shutil.copyfile(self.path(key), temporary)
        except FileNotFoundError:
            raise BlobMissing(key) from None
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        self.adopt(temporary, new)
        return new
