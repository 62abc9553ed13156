"""Uploads passed to a virus scanner (files/antivirus.py) against a stand-in clamd speaking
the INSTREAM protocol (fake_clamd.py): clean content is kept and marked so, the EICAR test
file is refused at every door (the API, tus, a share link's drop box, WebDAV) and nothing of
it kept; past clamd's size limit a file is kept and said not scanned; an unreachable scanner
refuses the upload; with no scanner configured, files are said not scanned."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_clamd import EICAR, FakeClamd
from files.conftest import team
from files.test_api import upload, uploaded
from palabre.files.antivirus import Clamd, ScannerDown, parse_address
from served import Served
from workspace import Workspace


@pytest.fixture
def clamd(tmp_path: Path) -> Iterator[FakeClamd]:
    server = FakeClamd(tmp_path / "clamd.ctl", limit=1 << 20).start()
    yield server
    server.stop()


def blob_count(ws: Workspace) -> int:
    root = Path(ws.settings.data_dir) / "blobs"
    return sum(1 for p in root.rglob("*") if p.is_file() and p.parent.name != "tmp")


def test_the_protocol_over_unix_and_tcp(clamd: FakeClamd) -> None:
    tcp = FakeClamd(limit=1 << 20).start()
    try:
        for address in (clamd.address, tcp.address):
            scanner = Clamd(address)
            assert scanner.ping()
            assert scanner.scan([b"bonjour"]).status == "clean"
            found = scanner.scan([b"before ", EICAR, b" after"])
            assert found.status == "infected" and found.signature == "Eicar-Test-Signature"
            assert scanner.scan([b"x" * (1 << 20), b"y"]).status == "too_large"
        assert tcp.scans == [7, 7 + len(EICAR) + 6]
        assert clamd.scans[-1] == 7 + len(EICAR) + 6  # it received the whole stream
    finally:
        tcp.stop()
    with pytest.raises(ScannerDown, match="cannot be reached"):
        Clamd(str(Path(clamd.address).with_name("none.ctl"))).scan([b"x"])
    assert not Clamd("127.0.0.1:1").ping()
    assert parse_address("tcp://[::1]:3310")[1] == ("::1", 3310)
    with pytest.raises(ValueError):
        parse_address("clamd")


def test_uploads_are_scanned_at_every_door(clamd: FakeClamd, tmp_path: Path) -> None:
    ws = Workspace(f"sqlite:///{tmp_path / 'p.db'}", data_dir=str(tmp_path / "data"),
                   clamd_socket=clamd.address)  # fmt: skip
    try:
        people = team(ws)
        member, space = people["member"], people["space"]
        fine = uploaded(member, space, "propre.txt", b"rien a signaler")
        assert fine["scan"] == "clean"
        listing = member.get(f"/api/spaces/{space}/files").json()
        assert listing["scanner"] is True
        before = blob_count(ws)
        refused = upload(member, space, "eicar.com", EICAR)
        assert refused.status_code == 422, refused.text
        error = refused.json()["error"]
        assert error["code"] == "infected"
        assert "“eicar.com” holds a virus (Eicar-Test-Signature)" in error["message"]
        # A new version of an existing file, infected: refused, the old one stays current.
        again = upload(member, space, "propre.txt", b"now " + EICAR)
        assert again.status_code == 422
        assert [i["name"] for i in member.get(f"/api/spaces/{space}/files").json()["items"]] \
            == ["propre.txt"]  # fmt: skip
        assert len(member.get(f"/api/files/{fine['id']}/versions").json()) == 1
        assert blob_count(ws) == before  # nothing of them kept
        # tus: the last chunk's answer says so, and the upload is gone.
        token = member.post("/api/tokens", json={"name": "t", "scopes": "read write"}).json()
        tus = {"Authorization": f"Bearer {token['token']}", "Tus-Resumable": "1.0.0"}
        name = base64.b64encode(b"virus.bin").decode()
        made = member.post(
            f"/api/spaces/{space}/files/tus",
            headers={
                **tus,
                "Upload-Length": str(len(EICAR)),
                "Upload-Metadata": f"filename {name}",
            },
        )
        url = made.headers["location"]
        done = member.patch(
            url,
            content=EICAR,
            headers={
                **tus,
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": "0",
            },
        )
        assert done.status_code == 422 and done.json()["error"]["code"] == "infected"
        assert member.head(url, headers=tus).status_code == 404
        assert not any((Path(ws.settings.data_dir) / "uploads").iterdir())
        # A share link's drop box.
        box = member.post(f"/api/spaces/{space}/files/folders", json={"name": "Dépôt"}).json()
        link = member.post(f"/api/files/{box['id']}/shares", json={"mode": "upload"}).json()
        dropped = ws.anonymous().post(f"/api/s/{link['token']}/upload", params={"name": "v.com"},
                                      content=EICAR)  # fmt: skip
        assert dropped.status_code == 422
        assert member.get(f"/api/spaces/{space}/files", params={"folder": box["id"]}).json()[
            "items"] == []  # fmt: skip
        # WebDAV: a PUT of it is forbidden, a clean one kept as clean.
        with Served(ws.app) as server:
            dav = httpx.Client(base_url=f"{server.url}/dav", auth=("member", token["token"]))
            assert dav.put("/Projet/virus.com", content=EICAR).status_code == 403
            assert dav.put("/Projet/sain.txt", content=b"sain").status_code == 201
        ws.app.state.dav.close()
        listed = member.get(f"/api/spaces/{space}/files").json()["items"]
        assert {i["name"]: i["scan"] for i in listed if i["kind"] == "file"} == {
            "propre.txt": "clean", "sain.txt": "clean"}  # fmt: skip
        before += 1
        # Past clamd's limit: kept, said not scanned (too large).
        big = uploaded(member, space, "grand.bin", b"z" * ((1 << 20) + 1))
        assert big["scan"] == "too_large"
        assert blob_count(ws) == before + 1
        # The scanner gone: the upload is refused, nothing kept.
        clamd.stop()
        (tmp_path / "clamd.ctl").unlink()
        down = upload(member, space, "plus-tard.txt", b"x")
        assert down.status_code == 503 and down.json()["error"]["code"] == "scanner_unavailable"
        assert blob_count(ws) == before + 1
    finally:
        ws.close()


def test_no_scanner_configured(people: dict[str, Any]) -> None:
    member, space = people["member"], people["space"]
    made = uploaded(member, space, "eicar.com", EICAR)  # nothing to say it is a test virus
    assert made["scan"] == "unscanned"
    assert member.get(f"/api/spaces/{space}/files").json()["scanner"] is False
    assert member.get(f"/api/files/{made['id']}").json()["scan"] == "unscanned"
