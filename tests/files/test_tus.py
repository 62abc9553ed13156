"""tus resumable uploads, driven by an independent client (tuspy) against the app served
for real: a file in chunks with checksums, the protocol's refusals, termination, who may."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tusclient.client import TusClient

from files.conftest import team
from palabre.files.models import FileUpload
from served import Served
from space_kit import count
from workspace import Workspace

MiB = 1 << 20


def token_for(client: Any, scopes: str = "read write") -> str:
    made = client.post("/api/tokens", json={"name": "tus", "scopes": scopes})
    assert made.status_code == 201, made.text
    return str(made.json()["token"])


def some_file(path: Path, size: int) -> str:
    """A file of `size` pseudo-random bytes; its SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as out:
        block = os.urandom(MiB)
        for n in range(0, size, MiB):
            piece = block[: min(MiB, size - n)]
            out.write(piece)
            digest.update(piece)
    return digest.hexdigest()


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


@pytest.fixture
def served(sqlite_files_ws: Workspace) -> Iterator[tuple[Served, dict[str, Any]]]:
    people = team(sqlite_files_ws)
    with Served(sqlite_files_ws.app) as server:
        yield server, people


def test_a_file_in_checked_chunks(served: tuple[Served, dict[str, Any]], tmp_path: Path) -> None:
    server, people = served
    member, space = people["member"], people["space"]
    folder = member.post(f"/api/spaces/{space}/files/folders", json={"name": "Vidéos"}).json()
    source = tmp_path / "film.bin"
    digest = some_file(source, 5 * MiB + 321)
    client = TusClient(f"{server.url}/api/spaces/{space}/files/tus",
                       headers={"Authorization": f"Bearer {token_for(member)}"})  # fmt: skip
    where = {"filename": "film.bin", "parent": folder["id"]}
    uploader = client.uploader(str(source), chunk_size=MiB, upload_checksum=True, metadata=where)
    uploader.upload()
    listed = member.get(f"/api/spaces/{space}/files", params={"folder": folder["id"]}).json()
    (made,) = listed["items"]
    assert made["name"] == "film.bin" and made["sha256"] == digest
    got = member.get(f"/api/files/{made['id']}/content")
    assert hashlib.sha256(got.content).hexdigest() == digest
    assert not any((Path(server_data(people)) / "uploads").iterdir())  # its part file is gone
    # The same name again: a new version, the old one kept.
    again = client.uploader(str(source), chunk_size=4 * MiB, metadata=where)
    again.upload()
    assert len(member.get(f"/api/files/{made['id']}/versions").json()) == 2


def server_data(people: dict[str, Any]) -> str:
    return str(people["ws"].settings.data_dir)


def test_the_protocol(served: tuple[Served, dict[str, Any]]) -> None:
    server, people = served
    space = people["space"]
    token = token_for(people["member"])
    tus = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}",
                                                     "Tus-Resumable": "1.0.0"})  # fmt: skip
    create = f"/api/spaces/{space}/files/tus"
    options = tus.options(create)
    assert options.status_code == 204
    assert set(options.headers["tus-extension"].split(",")) >= {"creation", "termination",
                                                                 "checksum"}  # fmt: skip
    assert "sha1" in options.headers["tus-checksum-algorithm"]
    made = tus.post(create, headers={"Upload-Length": "10",
                                     "Upload-Metadata": metadata(filename="a.txt")})  # fmt: skip
    assert made.status_code == 201 and made.headers["tus-resumable"] == "1.0.0"
    url = made.headers["location"]
    head = tus.head(url)
    assert head.headers["upload-offset"] == "0" and head.headers["upload-length"] == "10"
    chunk = {"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}
    wrong_sum = "sha1 " + base64.b64encode(hashlib.sha1(b"other").digest()).decode()
    refused = tus.patch(url, content=b"01234", headers={**chunk, "Upload-Checksum": wrong_sum})
    assert refused.status_code == 460
    assert tus.head(url).headers["upload-offset"] == "0"  # nothing of it counted
    right_sum = "sha256 " + base64.b64encode(hashlib.sha256(b"01234").digest()).decode()
    ok = tus.patch(url, content=b"01234", headers={**chunk, "Upload-Checksum": right_sum})
    assert ok.status_code == 204 and ok.headers["upload-offset"] == "5"
    assert tus.patch(url, content=b"5", headers=chunk).status_code == 409  # offset 0 again
    at5 = {**chunk, "Upload-Offset": "5"}
    assert (
        tus.patch(url, content=b"5", headers={**at5, "Content-Type": "text/plain"}).status_code
        == 415
    )
    assert tus.patch(url, content=b"56789xx", headers=at5).status_code == 413
    no_version = httpx.head(server.url + url, headers={"Authorization": f"Bearer {token}"})
    assert no_version.status_code == 412
    # Nothing shows in the space until the last byte is in.
    assert people["member"].get(f"/api/spaces/{space}/files").json()["items"] == []
    done = tus.patch(url, content=b"56789", headers={**chunk, "Upload-Offset": "5"})
    assert done.status_code == 204 and done.headers["upload-offset"] == "10"
    (item,) = people["member"].get(f"/api/spaces/{space}/files").json()["items"]
    assert people["member"].get(f"/api/files/{item['id']}/content").content == b"0123456789"
    # Termination.
    other = tus.post(create, headers={"Upload-Length": "4",
                                      "Upload-Metadata": metadata(filename="b.txt")})  # fmt: skip
    gone = other.headers["location"]
    assert tus.delete(gone).status_code == 204
    assert tus.head(gone).status_code == 404
    # Refusals at creation: no name, a bad one, a length past the quota.
    assert tus.post(create, headers={"Upload-Length": "4"}).status_code == 400
    bad = tus.post(create, headers={"Upload-Length": "4",
                                    "Upload-Metadata": metadata(filename="../x")})  # fmt: skip
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_name"
    huge = tus.post(create, headers={"Upload-Length": str(11 << 30),
                                     "Upload-Metadata": metadata(filename="big")})  # fmt: skip
    assert huge.status_code == 413


def test_who_may(served: tuple[Served, dict[str, Any]]) -> None:
    server, people = served
    space = people["space"]
    create = f"/api/spaces/{space}/files/tus"
    headers = {"Tus-Resumable": "1.0.0", "Upload-Length": "3",
               "Upload-Metadata": metadata(filename="x.txt")}  # fmt: skip

    def as_(name: str, scopes: str = "read write") -> httpx.Client:
        bearer = f"Bearer {token_for(people[name], scopes)}"
        return httpx.Client(
            base_url=server.url, headers={"Authorization": bearer, "Tus-Resumable": "1.0.0"}
        )

    assert as_("stranger").post(create, headers=headers).status_code == 404
    assert as_("guest").post(create, headers=headers).status_code == 403
    assert as_("reader").post(create, headers=headers).status_code == 403
    assert as_("member", "read").post(create, headers=headers).status_code == 403
    assert httpx.post(server.url + create, headers=headers).status_code == 401
    # A cookie session needs its X-CSRF-Token, as every write does.
    cookie = {"cookie": Served.cookie(people["member"]), **headers}
    assert httpx.post(server.url + create, headers=cookie).status_code == 403
    made = as_("member").post(create, headers=headers)
    assert made.status_code == 201
    url = made.headers["location"]
    for name in ("stranger", "guest", "other", "admin"):  # only its creator sees an upload
        client = as_(name)
        assert client.head(url).status_code == 404, name
        chunk = {"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}
        assert client.patch(url, content=b"abc", headers=chunk).status_code == 404, name
        assert client.delete(url).status_code == 404, name
    assert count(people["ws"], FileUpload) == 1
