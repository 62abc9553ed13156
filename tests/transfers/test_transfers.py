"""Large transfers: sent by e-mail to recipients with personal links, downloaded with
receipts the sender sees (and a mail on the first download), extended, revoked, expired and
purged; guest vouchers; and who may call each endpoint."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from palabre.accounts.users import User
from palabre.db import utcnow
from palabre.files.sweep import sweep
from palabre.transfers.models import Transfer
from palabre.web.api.transfers import purge
from smtp_server import SmtpServer
from workspace import Workspace

CONTENT = b"rapport annuel " * 1000


def person(ws: Workspace, name: str, guest: bool = False) -> Any:
    client = ws.person(name, guest=guest)
    with ws.db.session() as session:
        session.query(User).filter_by(name=name).one().email = f"{name}@example.org"
    return client


def sent(client: Any, to: list[str], content: bytes = CONTENT) -> dict[str, Any]:
    made = client.post("/api/transfers", json={"message": "Voici", "days": 7})
    assert made.status_code == 201, made.text
    tid = made.json()["id"]
    up = client.post(f"/api/transfers/{tid}/files", params={"name": "rapport.pdf"},
                     content=content)  # fmt: skip
    assert up.status_code == 201, up.text
    done = client.post(f"/api/transfers/{tid}/send", json={"recipients": to})
    assert done.status_code == 200, done.text
    return done.json()  # type: ignore[no-any-return]


def link_in(smtp: SmtpServer, to: str) -> str:
    body = smtp.wait_for(to).get_body(("plain",))
    assert body is not None
    found = re.search(r"/t/(plt_[\w-]+)", body.get_content())
    assert found, body.get_content()
    return found.group(1)


def test_send_download_receipts_and_first_download_mail(ws: Workspace, smtp: SmtpServer) -> None:
    alice = person(ws, "alice")
    transfer = sent(alice, ["bob@example.org", "carol@example.org"])
    token = link_in(smtp, "bob@example.org")
    visitor = ws.anonymous()
    page = visitor.get(f"/api/t/{token}").json()
    assert page["sender_name"] == "Alice" and page["message"] == "Voici"
    (f,) = page["files"]
    assert f["sha256"] == hashlib.sha256(CONTENT).hexdigest()
    part = visitor.get(f"/api/t/{token}/files/{f['id']}", headers={"range": "bytes=5-9"})
    assert part.status_code == 206 and part.content == CONTENT[5:10]
    got = visitor.get(f"/api/t/{token}/files/{f['id']}")
    assert got.status_code == 200 and got.content == CONTENT
    assert "attachment" in got.headers["content-disposition"]
    mail = smtp.wait_for("alice@example.org")
    assert "bob@example.org" in mail["subject"]
    seen = alice.get(f"/api/transfers/{transfer['id']}").json()
    bob, carol = seen["recipients"]
    assert [r["action"] for r in bob["receipts"]] == ["open", "download"]
    assert bob["receipts"][1]["file_id"] == f["id"] and bob["first_download_at"]
    assert carol["receipts"] == [] and carol["first_download_at"] is None
    visitor.get(f"/api/t/{token}/files/{f['id']}")
    alice_mails = [m for r, m in smtp.messages if "alice@example.org" in r]
    assert len(alice_mails) == 1  # only the first download is told
    csv = alice.get(f"/api/transfers/{transfer['id']}/audit.csv")
    assert csv.status_code == 200 and csv.text.count("bob@example.org,download") == 2


def test_revoke_then_410_and_the_blobs_purged(ws: Workspace, smtp: SmtpServer) -> None:
    alice = person(ws, "alice")
    transfer = sent(alice, ["bob@example.org"])
    token = link_in(smtp, "bob@example.org")
    assert alice.delete(f"/api/transfers/{transfer['id']}").json()["state"] == "revoked"
    visitor = ws.anonymous()
    assert visitor.get(f"/api/t/{token}").status_code == 410
    fid = transfer["files"][0]["id"]
    assert visitor.get(f"/api/t/{token}/files/{fid}").status_code == 410
    assert alice.post(f"/api/transfers/{transfer['id']}/extend", json={"days": 7}
                      ).status_code == 410  # fmt: skip


def blob_files(ws: Workspace) -> list[Path]:
    root = Path(ws.settings.data_dir or "") / "blobs"
    return [p for p in root.rglob("*") if p.is_file()]


def test_expiry_extend_and_purge(ws: Workspace, smtp: SmtpServer) -> None:
    alice = person(ws, "alice")
    transfer = sent(alice, ["bob@example.org"])
    token = link_in(smtp, "bob@example.org")
    extended = alice.post(f"/api/transfers/{transfer['id']}/extend", json={"days": 30}).json()
    assert extended["expires_at"] > transfer["expires_at"]
    assert alice.post(f"/api/transfers/{transfer['id']}/extend", json={"days": 3}
                      ).status_code == 400  # fmt: skip
    assert len(blob_files(ws)) == 1
    with ws.db.session() as session:
        session.get(Transfer, transfer["id"]).expires_at = utcnow() - timedelta(seconds=1)  # type: ignore[union-attr]
    assert ws.anonymous().get(f"/api/t/{token}").status_code == 410
    from anyio import run

    ctx = ws.app.state.api
    run(purge, ctx)
    assert blob_files(ws) == []
    assert alice.get(f"/api/transfers/{transfer['id']}").json()["files"] == []


def test_a_guest_voucher_sends_files_to_its_agent(ws: Workspace, smtp: SmtpServer) -> None:
    agent = person(ws, "agent")
    made = agent.post("/api/vouchers", json={"label": "Dossier", "days": 7})
    assert made.status_code == 201, made.text
    token, outsider = made.json()["token"], ws.anonymous()
    up = outsider.post(f"/api/v/{token}/files", params={"name": "pièce.pdf"}, content=b"%PDF")
    assert up.status_code == 201, up.text
    done = outsider.post(f"/api/v/{token}/send", json={"name": "Olga", "email": "o@example.net"})
    assert done.status_code == 204, done.text
    link = link_in(smtp, "agent@example.org")
    page = ws.anonymous().get(f"/api/t/{link}").json()
    assert page["sender_name"] == "Olga" and page["files"][0]["name"] == "pièce.pdf"
    assert outsider.post(f"/api/v/{token}/files", params={"name": "x"}, content=b"x"
                         ).status_code == 410  # used  # fmt: skip
    assert agent.get("/api/vouchers").json()[0]["used_at"]


def test_the_files_sweep_leaves_a_transfers_blobs(ws: Workspace, smtp: SmtpServer) -> None:
    alice = person(ws, "alice")
    transfer = sent(alice, ["bob@example.org"])
    token = link_in(smtp, "bob@example.org")
    store = ws.app.state.api.blobs
    orphan = store.put([b"plus personne"]).key
    uploads = Path(ws.settings.data_dir or "") / "uploads"
    assert sweep(ws.db, store, uploads, grace=timedelta(seconds=-60)) == 1  # the orphan only
    assert not store.exists(orphan)
    got = ws.anonymous().get(f"/api/t/{token}/files/{transfer['files'][0]['id']}")
    assert got.status_code == 200 and got.content == CONTENT


def test_a_transfer_holds_at_most_its_size_limit(tmp_path: Path) -> None:
    ws = Workspace(f"sqlite:///{tmp_path / 'p.db'}", data_dir=str(tmp_path / "data"),
                   transfer_max_size=10)  # fmt: skip
    try:
        alice = person(ws, "alice")
        tid = alice.post("/api/transfers", json={"days": 1}).json()["id"]
        files = f"/api/transfers/{tid}/files"
        assert alice.post(files, params={"name": "a"}, content=b"123456").status_code == 201
        assert alice.post(files, params={"name": "b"}, content=b"12345").status_code == 400
        assert alice.post(files, params={"name": "c"}, content=b"1234").status_code == 201
        assert len(blob_files(ws)) == 2  # nothing of the refused one is kept
        assert alice.post(files, params={"name": "a"}, content=b"").status_code == 400  # taken
    finally:
        ws.close()
