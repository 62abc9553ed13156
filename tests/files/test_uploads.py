"""A tus upload's bytes as files/uploads.py appends them: the SHA-256 carried from chunk to
chunk, so the complete upload goes into the local blob store without a second reading, and
only what counted (flushed, past its checksum) is in it; an upload this process did not see
from its first byte is hashed once complete, as before."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from palabre.files.blobs import Blob, LocalStore
from palabre.files.uploads import Digests, append, store_upload

MiB = 1 << 20
DATA = os.urandom(3 * MiB + 17)
TRUTH = hashlib.sha256(DATA).hexdigest()


class Watched(LocalStore):
    """A local store that notes the SHA-256 it was handed with each complete file."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.handed: list[str | None] = []

    def put_file(self, path: Path, sha256: str | None = None) -> Blob:
        self.handed.append(sha256)
        return super().put_file(path, sha256)


def chunk(start: int, end: int) -> Iterator[bytes]:
    for at in range(start, end, 256 << 10):
        yield DATA[at : min(end, at + (256 << 10))]


def sha1(start: int, end: int) -> bytes:
    return hashlib.sha1(DATA[start:end]).digest()


def put(path: Path, digests: Digests, start: int, end: int, good: bool = True) -> int:
    """One PATCH of DATA[start:end] with its Upload-Checksum (a wrong one if not `good`)."""
    expected = sha1(start, end) if good else sha1(0, 1)
    return append(path, start, chunk(start, end), hashlib.sha1(), len(DATA), expected, digests)


def stored(tmp_path: Path, path: Path, digests: Digests) -> tuple[Blob, Watched]:
    store = Watched(tmp_path / "blobs")
    blob = store_upload(store, path, digests)
    assert blob.size == len(DATA) and blob.sha256 == TRUTH and blob.head == DATA[:512]
    assert store.path(blob.key).read_bytes() == DATA
    assert not path.exists()  # renamed into the store
    return blob, store


def test_the_sha256_is_carried_from_chunk_to_chunk(tmp_path: Path) -> None:
    path, digests = tmp_path / "u.part", Digests()
    for start in range(0, len(DATA), MiB):
        assert put(path, digests, start, min(len(DATA), start + MiB)) == min(len(DATA), start + MiB)
    _, store = stored(tmp_path, path, digests)
    assert store.handed == [TRUTH]  # known: the file was not read again to hash it
    assert not digests.known  # forgotten once stored


def test_a_chunk_that_failed_its_checksum_or_broke_off_is_not_in_it(tmp_path: Path) -> None:
    path, digests = tmp_path / "u.part", Digests()
    put(path, digests, 0, MiB)
    # Damaged on the way: its checksum does not match (the endpoint answers 460).
    damaged = (bytes(b ^ 1 for b in piece) for piece in chunk(MiB, 2 * MiB))
    append(path, MiB, damaged, hashlib.sha1(), len(DATA), sha1(MiB, 2 * MiB), digests)
    put(path, digests, MiB, 2 * MiB, good=False)  # or the checksum itself is wrong

    def cut() -> Iterator[bytes]:  # the connection drops halfway
        yield DATA[MiB : MiB + 1000]
        raise ConnectionError("gone")

    with pytest.raises(ConnectionError):
        append(path, MiB, cut(), hashlib.sha1(), len(DATA), sha1(MiB, 2 * MiB), digests)
    # Each time the client starts again from the offset the server acknowledged.
    put(path, digests, MiB, 2 * MiB)
    put(path, digests, 2 * MiB, len(DATA))
    _, store = stored(tmp_path, path, digests)
    assert store.handed == [TRUTH]


def test_chunks_without_a_checksum_count_too(tmp_path: Path) -> None:
    path, digests = tmp_path / "u.part", Digests()
    append(path, 0, chunk(0, 2 * MiB), None, len(DATA), None, digests)
    append(path, 2 * MiB, chunk(2 * MiB, len(DATA)), None, len(DATA), None, digests)
    _, store = stored(tmp_path, path, digests)
    assert store.handed == [TRUTH]


def test_an_upload_not_seen_from_its_first_byte_is_hashed_when_complete(tmp_path: Path) -> None:
    path = tmp_path / "u.part"
    put(path, Digests(), 0, MiB)  # before a restart
    again = Digests()  # the new process knows nothing of it
    put(path, again, MiB, len(DATA))
    assert not again.known
    _, store = stored(tmp_path, path, again)
    assert store.handed == [None]  # the store hashed it, and got it right


def test_only_the_most_recent_uploads_are_remembered(tmp_path: Path) -> None:
    digests = Digests(keep=2)
    for name in ("a", "b", "c"):
        put(tmp_path / f"{name}.part", digests, 0, MiB)
    assert [Path(p).name for p in digests.known] == ["b.part", "c.part"]
    assert digests.at(tmp_path / "a.part", MiB) is None
    assert digests.at(tmp_path / "c.part", 2 * MiB) is None  # not where it stopped


def test_the_local_store_takes_a_known_sha256_as_it_is(tmp_path: Path) -> None:
    source = tmp_path / "file"
    source.write_bytes(DATA)
    blob = LocalStore(tmp_path / "blobs").put_file(source, TRUTH)
    assert (blob.size, blob.sha256, blob.head) == (len(DATA), TRUTH, DATA[:512])
