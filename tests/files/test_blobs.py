"""The blob stores, the same tests on the local directory and on S3 (SeaweedFS): content
round trips with its SHA-256, ranges, nothing partial ever visible, damage detected on
download, bounded memory."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from collections.abc import Iterator

import pytest

from palabre.files.blobs import BlobMissing, BlobStore, Corrupt, LocalStore, TooLarge
from palabre.files.s3 import PART, S3Store

MiB = 1 << 20


def pattern(size: int, seed: int = 7) -> Iterator[bytes]:
    """`size` reproducible pseudo-random bytes, in uneven chunks."""
    block = hashlib.sha256(bytes([seed])).digest() * 4096  # 128 KiB
    sent, step = 0, 0
    while sent < size:
        n = min(size - sent, len(block) - (step * 997) % 4096)
        yield block[:n]
        sent += n
        step += 1


def whole(chunks: Iterator[bytes]) -> bytes:
    return b"".join(chunks)


def visible(store: BlobStore) -> list[str]:
    """Every blob or partial blob the store shows."""
    if isinstance(store, LocalStore):
        return sorted(str(p.relative_to(store.root)) for p in store.root.rglob("*") if p.is_file())
    assert isinstance(store, S3Store)
    mine = {"Bucket": store.bucket, "Prefix": store.prefix}
    listed = store.client.list_objects_v2(**mine).get("Contents", [])
    uploads = store.client.list_multipart_uploads(**mine).get("Uploads", [])
    return sorted([o["Key"] for o in listed] + [f"upload:{u['Key']}" for u in uploads])


def test_round_trip_with_its_sha256(store: BlobStore) -> None:
    size = 2 * PART + 12345  # three parts on S3
    data = whole(pattern(size))
    blob = store.put(pattern(size))
    assert blob.size == size and blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.head == data[:512]
    assert store.size(blob.key) == size and store.exists(blob.key)
    assert whole(store.read(blob.key)) == data
    assert whole(store.checked(blob.key, blob.sha256)) == data
    small = store.put([b"hello ", b"", b"world"])
    assert whole(store.read(small.key)) == b"hello world" and small.size == 11
    empty = store.put([])
    assert whole(store.read(empty.key)) == b"" and empty.sha256 == hashlib.sha256().hexdigest()


def test_ranges(store: BlobStore) -> None:
    data = whole(pattern(3 * MiB))
    key = store.put(pattern(3 * MiB)).key
    assert whole(store.read(key, 0, 0)) == data[:1]
    assert whole(store.read(key, 1000, 2 * MiB)) == data[1000 : 2 * MiB + 1]
    assert whole(store.read(key, 3 * MiB - 10)) == data[-10:]


def test_copy_and_delete(store: BlobStore) -> None:
    key = store.put([b"original"]).key
    copy = store.copy(key)
    assert copy != key and whole(store.read(copy)) == b"original"
    store.delete(key)
    assert not store.exists(key)
    with pytest.raises(BlobMissing):
        whole(store.read(key))
    with pytest.raises(BlobMissing):
        store.size(key)
    store.delete(key)  # twice is nothing
    assert whole(store.read(copy)) == b"original"
    with pytest.raises(BlobMissing):
        store.size("../../etc/passwd")


class Dropped(ConnectionError):
    pass


def dropping(size: int) -> Iterator[bytes]:
    yield from pattern(size)
    raise Dropped("the client went away")


@pytest.mark.parametrize("size", [1000, 2 * PART + 5])
def test_nothing_partial_is_ever_visible(store: BlobStore, size: int) -> None:
    before = visible(store)
    with pytest.raises(Dropped):
        store.put(dropping(size))
    assert visible(store) == before
    with pytest.raises(TooLarge):
        store.put(pattern(size), limit=size - 1)
    assert visible(store) == before
    assert store.put(pattern(size), limit=size).size == size


def damage(store: BlobStore, key: str) -> None:
    if isinstance(store, LocalStore):
        path = store.path(key)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 1
        path.write_bytes(bytes(data))
    else:
        assert isinstance(store, S3Store)
        name = store._name(key)
        data = bytearray(store.client.get_object(Bucket=store.bucket, Key=name)["Body"].read())
        data[len(data) // 2] ^= 1
        store.client.put_object(Bucket=store.bucket, Key=name, Body=bytes(data))


def test_damage_is_caught_before_the_download_completes(store: BlobStore) -> None:
    size = 3 * MiB
    blob = store.put(pattern(size))
    damage(store, blob.key)
    received = bytearray()
    with pytest.raises(Corrupt):
        for chunk in store.checked(blob.key, blob.sha256):
            received += chunk
    assert len(received) < size  # never the whole (damaged) content
    tiny = store.put([b"x"])
    with pytest.raises(Corrupt):
        whole(store.checked(tiny.key, "0" * 64))


def test_memory_stays_bounded(store: BlobStore) -> None:
    size = 64 * MiB
    tracemalloc.start()
    try:
        blob = store.put(pattern(size))
        for _ in store.read(blob.key):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    bound = 4 * PART if isinstance(store, S3Store) else 8 * MiB
    assert peak < bound, peak
    assert store.size(blob.key) == size


def test_local_blobs_are_flushed_into_place(tmp_path: os.PathLike[str]) -> None:
    store = LocalStore(str(tmp_path))
    blob = store.put([b"abc"])
    assert store.path(blob.key).read_bytes() == b"abc"
    assert list(store.tmp.iterdir()) == []


def test_listing(store: BlobStore) -> None:
    keys = {store.put([b"a"]).key, store.put(pattern(2 * MiB)).key}
    listed = dict(store.listing())
    assert set(listed) == keys
    assert all(when.tzinfo is not None for when in listed.values())
