"""A folder as a ZIP, written as it is read: the stdlib's zipfile writing to a stream that
hands its bytes on (ZIP64, data descriptors: no seeking), each file's blob read in chunks and
checked against its SHA-256, so memory stays bounded whatever the folder holds."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from .blobs import BlobStore
from .content import Entry


class _Pipe:
    """A write-only, non-seekable file whose bytes are taken out as they come."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.written = 0

    def write(self, data: bytes) -> int:
        self.buffer += data
        self.written += len(data)
        return len(data)

    def tell(self) -> int:
        return self.written

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def zip_stream(store: BlobStore, entries: list[Entry]) -> Iterator[bytes]:
    """The ZIP's bytes, chunk by chunk (call from a thread: blob reads block)."""
    pipe = _Pipe()
    archive = zipfile.ZipFile(pipe, "w", zipfile.ZIP_STORED, allowZip64=True)  # type: ignore[call-overload]
    with archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.path, entry.modified.timetuple()[:6])
            if entry.blob_key is None:
                archive.writestr(info, b"")
            else:
                with archive.open(info, "w", force_zip64=True) as member:
                    for chunk in store.checked(entry.blob_key, entry.sha256):
                        member.write(chunk)
                        if len(pipe.buffer) >= 1 << 20:
                            yield pipe.take()
            if pipe.buffer:
                yield pipe.take()
    if pipe.buffer:
        yield pipe.take()
