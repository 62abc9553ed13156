"""A transfer's files uploaded with tus (web/api/transfer_tus.py), driven by tuspy against the
app served for real: in checked chunks into the sender's draft and with a guest voucher; an
upload resumed after the app is stopped and started again on the same database and data
directory; an end-to-end encrypted transfer (its bytes RFC 8188 aes128gcm records made here
as the browser makes them) is flagged, not scanned, its links given to the sender, and its
stored blob is not the plaintext; what the virus scanner says of each file is recorded."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError

from fake_clamd import EICAR, FakeClamd
from files.test_tus import MiB, metadata, some_file, token_for
from served import Served
from smtp_server import SmtpServer
from transfers.test_transfers import link_in, person
from workspace import Workspace

RECORD = 64 * 1024  # the browser's record size (client/src/workspace/transfers/ece.ts)


def aes128gcm(key: bytes, salt: bytes, data: bytes, rs: int = RECORD) -> bytes:
    """RFC 8188 content coding, as the browser writes it: header, then records of rs bytes,
    each plaintext ended by 0x01 (0x02 for the last record) and sealed."""

    def derive(info: bytes, length: int) -> bytes:
        return HKDF(hashes.SHA256(), length, salt, info).derive(key)

    cek = derive(b"Content-Encoding: aes128gcm\0", 16)
    nonce = int.from_bytes(derive(b"Content-Encoding: nonce\0", 12), "big")
    size = rs - 17
    pieces = [data[i : i + size] for i in range(0, len(data), size)] or [b""]
    out = [salt + struct.pack(">IB", rs, 0)]
    for seq, piece in enumerate(pieces):
        last = seq == len(pieces) - 1
        iv = (nonce ^ seq).to_bytes(12, "big")
        out.append(AESGCM(cek).encrypt(iv, piece + (b"\2" if last else b"\1"), None))
    return b"".join(out)


def sealed_name(key: bytes, name: str) -> str:
    """The name's ciphertext, as the browser sends it: base64url(nonce || AES-GCM)."""
    name_key = HKDF(hashes.SHA256(), 16, b"", b"Palabre transfer name\0").derive(key)
    iv = os.urandom(12)
    sealed = iv + AESGCM(name_key).encrypt(iv, name.encode(), None)
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


@pytest.fixture
def served(ws: Workspace) -> Iterator[tuple[Served, Any]]:
    alice = person(ws, "alice")
    with Served(ws.app) as server:
        yield server, alice


def tus_for(server: Served, client: Any, tid: str) -> TusClient:
    auth = {"Authorization": f"Bearer {token_for(client)}"}
    return TusClient(f"{server.url}/api/transfers/{tid}/tus", headers=auth)


def test_a_transfers_file_in_checked_chunks(
    ws: Workspace, served: tuple[Served, Any], smtp: SmtpServer, tmp_path: Path
) -> None:
    server, alice = served
    tid = alice.post("/api/transfers", json={"message": "Voici"}).json()["id"]
    source = tmp_path / "film.bin"
    digest = some_file(source, 3 * MiB + 123)
    uploader = tus_for(server, alice, tid).uploader(
        str(source), chunk_size=MiB, upload_checksum=True, metadata={"filename": "film.bin"}
    )
    uploader.upload()
    assert uploader.url.startswith(f"{server.url}/api/transfers/{tid}/tus/")
    (made,) = alice.get(f"/api/transfers/{tid}").json()["files"]
    assert made["name"] == "film.bin" and made["sha256"] == digest
    assert made["scan"] == "unscanned"  # no scanner configured
    assert not any((Path(str(ws.settings.data_dir)) / "uploads").iterdir())
    sent = alice.post(f"/api/transfers/{tid}/send", json={"recipients": ["bob@example.org"]})
    assert sent.status_code == 200 and sent.json()["links"] == []  # the e-mail has them
    token = link_in(smtp, "bob@example.org")
    got = httpx.get(f"{server.url}/api/t/{token}/files/{made['id']}")
    assert hashlib.sha256(got.content).hexdigest() == digest
    # Sent: no more files, by tus either.
    more = tus_for(server, alice, tid)
    with pytest.raises(TusCommunicationError):
        more.uploader(str(source), chunk_size=MiB, metadata={"filename": "b.bin"}).upload()


def test_the_protocol_and_who_reaches_an_upload(ws: Workspace, served: tuple[Served, Any]) -> None:
    server, alice = served
    tid = alice.post("/api/transfers", json={}).json()["id"]
    auth = {"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {token_for(alice)}"}
    tus = httpx.Client(base_url=server.url, headers=auth)
    made = tus.post(f"/api/transfers/{tid}/tus", headers={
        "Upload-Length": "10", "Upload-Metadata": metadata(filename="a.txt")})  # fmt: skip
    assert made.status_code == 201, made.text
    url = made.headers["location"]
    chunk = {"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}
    wrong = "sha1 " + base64.b64encode(hashlib.sha1(b"x").digest()).decode()
    assert tus.patch(url, content=b"01234", headers={**chunk, "Upload-Checksum": wrong}
                     ).status_code == 460  # fmt: skip
    assert tus.patch(url, content=b"01234", headers=chunk).status_code == 204
    # Another account reaches neither the draft nor its upload.
    bob = person(ws, "bob")
    other = {"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {token_for(bob)}"}
    assert httpx.head(server.url + url, headers=other).status_code == 404
    assert httpx.post(f"{server.url}/api/transfers/{tid}/tus", headers={**other,
                      "Upload-Length": "1", "Upload-Metadata": metadata(filename="b")}
                      ).status_code == 404  # fmt: skip
    # Too large for the transfer's limit, a bad name: refused at creation.
    big = str(ws.settings.transfer_max_size + 1)
    assert (
        tus.post(
            f"/api/transfers/{tid}/tus",
            headers={"Upload-Length": big, "Upload-Metadata": metadata(filename="c")},
        ).status_code
        == 400
    )
    assert (
        tus.post(
            f"/api/transfers/{tid}/tus",
            headers={"Upload-Length": "1", "Upload-Metadata": metadata(filename="../x")},
        ).status_code
        == 400
    )
    assert tus.head(url).headers["upload-offset"] == "5"
    assert alice.get(f"/api/transfers/{tid}").json()["files"] == []  # not complete: not shown
    assert tus.delete(url).status_code == 204
    assert tus.head(url).status_code == 404


def test_an_upload_resumes_after_the_app_restarts(
    ws: Workspace, smtp: SmtpServer, tmp_path: Path
) -> None:
    alice = person(ws, "alice")
    tid = alice.post("/api/transfers", json={}).json()["id"]
    token = token_for(alice)
    auth = {"Authorization": f"Bearer {token}"}
    source = tmp_path / "archive.bin"
    digest = some_file(source, 4 * MiB + 7)
    with Served(ws.app) as server:
        client = TusClient(f"{server.url}/api/transfers/{tid}/tus", headers=auth)
        uploader = client.uploader(str(source), chunk_size=MiB, upload_checksum=True,
                                   metadata={"filename": "archive.bin"})  # fmt: skip
        uploader.upload_chunk()
        uploader.upload_chunk()
        location = uploader.url.removeprefix(server.url)
    ws.close()
    # The same database and data directory, a new app: the upload goes on from its offset.
    again = Workspace(str(ws.db.engine.url.render_as_string(hide_password=False)),
                      data_dir=ws.settings.data_dir, public_url="http://testserver",
                      **smtp.settings)  # fmt: skip
    try:
        with Served(again.app) as server:
            resumed = TusClient(server.url, headers=auth).uploader(
                str(source), url=server.url + location, chunk_size=MiB, upload_checksum=True
            )
            assert resumed.get_offset() == 2 * MiB
            resumed.upload()
            alice = again.sign_in("alice")
            (made,) = alice.get(f"/api/transfers/{tid}").json()["files"]
            assert made["size"] == 4 * MiB + 7 and made["sha256"] == digest
    finally:
        again.close()


def test_an_encrypted_transfer(ws: Workspace, served: tuple[Served, Any], smtp: SmtpServer) -> None:
    server, alice = served
    plain = b"secret report, " * 20_000  # 300 kB: several records
    key, salt = os.urandom(16), os.urandom(16)
    sealed = aes128gcm(key, salt, plain)
    made = alice.post("/api/transfers", json={"message": "Chiffré", "encrypted": True}).json()
    assert made["encrypted"] is True
    tid = made["id"]
    client = TusClient(f"{server.url}/api/transfers/{tid}/tus",
                       headers={"Authorization": f"Bearer {token_for(alice)}"})  # fmt: skip
    name = sealed_name(key, "rapport secret.pdf")
    client.uploader(file_stream=io.BytesIO(sealed), chunk_size=128 * 1024,
                    metadata={"filename": name}).upload()  # fmt: skip
    (f,) = alice.get(f"/api/transfers/{tid}").json()["files"]
    assert f["name"] == name and f["size"] == len(sealed)
    assert f["scan"] == "encrypted"  # not scanned: its bytes say nothing
    sent = alice.post(f"/api/transfers/{tid}/send", json={"recipients": ["bob@example.org"]})
    (link,) = sent.json()["links"]  # the sender's page shows it, with the key added
    assert link["email"] == "bob@example.org" and link["path"].startswith("/t/plt_")
    token = link_in(smtp, "bob@example.org")
    assert link["path"] == f"/t/{token}"
    mailed = smtp.wait_for("bob@example.org").get_body(("plain",))
    assert mailed is not None and "la clé n'est pas dans ce message" in mailed.get_content()
    page = httpx.get(f"{server.url}/api/t/{token}").json()
    assert page["encrypted"] is True and page["files"][0]["name"] == name
    got = httpx.get(f"{server.url}/api/t/{token}/files/{f['id']}").content
    assert got == sealed
    told = smtp.wait_for("alice@example.org").get_body(("plain",))
    assert told is not None and name not in told.get_content()  # no sealed name in it
    # What the server stored is the ciphertext, never the plaintext.
    blobs = Path(str(ws.settings.data_dir)) / "blobs"
    stored = [p.read_bytes() for p in blobs.rglob("*") if p.is_file()]
    assert stored == [sealed]
    assert b"secret report" not in sealed


def test_each_files_scan_is_recorded(smtp: SmtpServer, tmp_path: Path) -> None:
    clamd = FakeClamd(tmp_path / "clamd.ctl", limit=1 << 20).start()
    ws = Workspace(f"sqlite:///{tmp_path / 'p.db'}", data_dir=str(tmp_path / "data"),
                   clamd_socket=clamd.address, public_url="http://testserver",
                   **smtp.settings)  # fmt: skip
    try:
        alice = person(ws, "alice")
        with Served(ws.app) as server:
            headers = {"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {token_for(alice)}"}
            tus = httpx.Client(base_url=server.url, headers=headers)

            def upload(tid: str, name: str, content: bytes) -> httpx.Response:
                made = tus.post(f"/api/transfers/{tid}/tus", headers={
                    "Upload-Length": str(len(content)),
                    "Upload-Metadata": metadata(filename=name)})  # fmt: skip
                assert made.status_code == 201, made.text
                return tus.patch(
                    made.headers["location"],
                    content=content,
                    headers={
                        "Content-Type": "application/offset+octet-stream",
                        "Upload-Offset": "0",
                    },
                )

            plain = alice.post("/api/transfers", json={}).json()["id"]
            assert upload(plain, "propre.txt", b"rien a signaler").status_code == 204
            assert upload(plain, "gros.bin", b"x" * (1 << 20) + b"y").status_code == 204
            refused = upload(plain, "eicar.com", EICAR)
            assert refused.status_code == 422 and refused.json()["error"]["code"] == "infected"
            shown = alice.get(f"/api/transfers/{plain}").json()
            assert {f["name"]: f["scan"] for f in shown["files"]} == {
                "propre.txt": "clean", "gros.bin": "too_large"}  # fmt: skip
            assert shown["refused"] == ["eicar.com"]
            scans = len(clamd.scans)
            sealed = alice.post("/api/transfers", json={"encrypted": True}).json()["id"]
            assert upload(sealed, "b64name", EICAR).status_code == 204  # never asked
            assert alice.get(f"/api/transfers/{sealed}").json()["files"][0]["scan"] == "encrypted"
            assert len(clamd.scans) == scans
    finally:
        ws.close()
        clamd.stop()


def test_a_voucher_sends_with_tus(served: tuple[Served, Any], smtp: SmtpServer) -> None:
    server, agent = served
    token = agent.post("/api/vouchers", json={"label": "Dossier"}).json()["token"]
    client = TusClient(f"{server.url}/api/v/{token}/tus")
    client.uploader(file_stream=io.BytesIO(b"%PDF-1.4 " * 1000), chunk_size=4096,
                    metadata={"filename": "pièce.pdf"}).upload()  # fmt: skip
    done = httpx.post(f"{server.url}/api/v/{token}/send", json={"name": "Olga"})
    assert done.status_code == 204, done.text
    link = link_in(smtp, "alice@example.org")
    (f,) = httpx.get(f"{server.url}/api/t/{link}").json()["files"]
    assert f["name"] == "pièce.pdf" and f["size"] == 9000
    assert httpx.head(f"{server.url}/api/v/plv_wrong/tus/x",
                      headers={"Tus-Resumable": "1.0.0"}).status_code == 404  # fmt: skip


def test_the_purge_forgets_uploads_left_behind(ws: Workspace, smtp: SmtpServer) -> None:
    """An upload unfinished when its transfer is sent goes with the purge, its bytes too."""
    from anyio import run

    from palabre.transfers.models import TransferUpload
    from palabre.web.api.transfers import purge

    alice = person(ws, "alice")
    tid = alice.post("/api/transfers", json={}).json()["id"]
    assert alice.post(f"/api/transfers/{tid}/files?name=a.txt", content=b"a").status_code == 201
    v1 = {"tus-resumable": "1.0.0"}
    made = alice.post(f"/api/transfers/{tid}/tus", headers={
        **v1, "upload-length": "10", "upload-metadata": metadata(filename="b.txt")})  # fmt: skip
    alice.patch(
        made.headers["location"],
        content=b"01234",
        headers={**v1, "content-type": "application/offset+octet-stream", "upload-offset": "0"},
    )
    parts = Path(str(ws.settings.data_dir)) / "uploads"
    assert [p.stat().st_size for p in parts.iterdir()] == [5]
    alice.post(f"/api/transfers/{tid}/send", json={"recipients": ["bob@example.org"]})
    run(purge, ws.app.state.api)
    assert list(parts.iterdir()) == []
    with ws.db.session() as session:
        assert session.query(TransferUpload).count() == 0
