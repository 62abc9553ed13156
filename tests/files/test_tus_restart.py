"""A real `palabre serve` is SIGKILLed in the middle of a tus upload (a chunk in flight),
started again on the same data directory, and the tuspy client resumes from the server's
offset (no acknowledged byte lost, nothing re-sent from zero); the file's SHA-256 matches.
Into a space's files, and into a large transfer's draft (the same protocol endpoints over
the transfers' place)."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tusclient.client import TusClient

from documents.test_no_loss import add_user, sign_in
from files.test_tus import MiB, some_file

SIZE = 50 * MiB
CHUNK = 4 * MiB


def _received(client: Any, kind: str, where: str) -> dict[str, Any]:
    """The complete file, as the space's listing or the transfer shows it."""
    if kind == "space":
        (item,) = client.get(f"/api/spaces/{where}/files").json()["items"]
        return item  # type: ignore[no-any-return]
    (item,) = client.get(f"/api/transfers/{where}").json()["files"]
    return item  # type: ignore[no-any-return]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["space", "transfer"])
def test_an_upload_survives_a_sigkill(
    server_factory: Callable[..., Any], tmp_path: Path, kind: str
) -> None:
    server = server_factory()
    url = f"sqlite:///{server.data_dir / 'palabre.db'}"
    add_user(url, "alice")
    alice = sign_in(server.http_url, "alice")
    if kind == "space":
        where = alice.post("/api/spaces", json={"name": "Lourd"}).json()["id"]
        endpoint = f"/api/spaces/{where}/files/tus"
    else:
        where = alice.post("/api/transfers", json={}).json()["id"]
        endpoint = f"/api/transfers/{where}/tus"
    token = alice.post("/api/tokens", json={"name": "tus", "scopes": "read write"}).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    source = tmp_path / "archive.bin"
    digest = some_file(source, SIZE)

    client = TusClient(f"{server.http_url}{endpoint}", headers=auth)
    uploader = client.uploader(str(source), chunk_size=CHUNK, upload_checksum=True,
                               metadata={"filename": "archive.bin"})  # fmt: skip
    for _ in range(4):
        uploader.upload_chunk()
    acknowledged = uploader.offset
    assert acknowledged == 4 * CHUNK
    location = uploader.url.removeprefix(server.http_url)
    # The rest goes on in a thread; the server dies in the middle of its second chunk.
    failed: list[BaseException] = []

    def the_rest() -> None:
        try:
            uploader.upload()
        except BaseException as exc:
            failed.append(exc)

    (part,) = (server.data_dir / "uploads").iterdir()
    sender = threading.Thread(target=the_rest)
    sender.start()
    deadline = time.monotonic() + 60
    while part.stat().st_size < acknowledged + CHUNK + CHUNK // 4:
        assert time.monotonic() < deadline and sender.is_alive(), "the upload did not go on"
        time.sleep(0.001)
    server.process.kill()  # SIGKILL, a chunk half received
    server.process.wait(10)
    sender.join(60)
    assert failed, "the kill came after the last chunk: nothing was cut"

    again = server_factory()  # started again on the same data directory
    assert again.data_dir == server.data_dir
    resumed = TusClient(again.http_url, headers=auth).uploader(
        str(source), url=again.http_url + location, chunk_size=CHUNK, upload_checksum=True
    )
    offset = resumed.get_offset()
    assert acknowledged <= offset < SIZE  # nothing acknowledged lost, not started over
    assert offset % CHUNK == 0  # a chunk cut by the kill counted for nothing
    resumed.upload()
    alice = sign_in(again.http_url, "alice")
    item = _received(alice, kind, where)
    assert item["name"] == "archive.bin" and item["size"] == SIZE and item["sha256"] == digest
    if kind == "transfer":
        return  # its bytes are read back in tests/transfers/test_tus.py
    got = hashlib.sha256()
    with alice.stream("GET", f"/api/files/{item['id']}/content") as response:
        for chunk in response.iter_bytes():
            got.update(chunk)
    assert got.hexdigest() == digest
