"""Invitations by e-mail, through a real SMTP server: the link read from the message and
followed; a guest account made, signed in, and contained in its space; a fresh link brings a
guest back; expired, revoked and used links refused in French and English."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from starlette.testclient import TestClient

from palabre.accounts.users import User
from palabre.db import utcnow
from palabre.spaces.models import Invitation, Member
from smtp_server import SmtpServer
from space_kit import count, join, new_space, published, user_id
from workspace import Workspace

LINK = re.compile(r"http://testserver/invite/([A-Za-z0-9_-]+)")
FR = {"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"}


def invite(client: TestClient, sid: int, email: str, role: str = "guest", **kw: Any) -> Any:
    response = client.post(
        f"/api/spaces/{sid}/invitations", json={"email": email, "role": role}, **kw
    )
    assert response.status_code == 201, response.text
    return response.json()


def mailed_token(smtp: SmtpServer, to: str, nth: int = 0) -> str:
    """The token of the `nth` invitation link e-mailed to `to` (waits for it)."""
    smtp.wait_for(to)
    with smtp.lock:
        messages = [m for rcpt, m in smtp.messages if to in rcpt]
    body = messages[nth].get_body(("plain",))
    assert body is not None
    match = LINK.search(body.get_content())
    assert match, body.get_content()
    return match.group(1)


def accept(client: TestClient, token: str, display_name: str | None = None) -> Any:
    body = {} if display_name is None else {"display_name": display_name}
    return client.post(f"/api/invitations/{token}/accept", json=body)


def signed_in(client: TestClient) -> dict[str, Any]:
    me = client.get("/api/me").json()
    client.headers["x-csrf-token"] = me["csrf"]
    return me


def test_a_guest_follows_the_mailed_link_and_lands_in_that_space_only(
    mail_workspace: Workspace, smtp: SmtpServer
) -> None:
    ws = mail_workspace
    alice = ws.person("alice", "Alice Martin")
    sid = new_space(alice, "Projet « Alpha »")["id"]
    other = new_space(alice, "Other")["id"]
    made = invite(alice, sid, "Ada@Example.org", headers=FR)
    assert made["mailed"] is True and made["link"] is None
    assert made["invitation"]["email"] == "Ada@example.org"  # the domain normalized

    message = smtp.wait_for("Ada@example.org")
    assert message["Subject"] == "Alice Martin vous invite dans « Projet « Alpha » » sur Palabre"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "vous invite à rejoindre l'espace" in text and "une seule fois" in text
    token = mailed_token(smtp, "Ada@example.org")
    assert f'href="http://testserver/invite/{token}"' in html
    assert "Projet « Alpha »" in html
    with ws.db.session() as session:  # only the secret's hash is kept
        assert token not in str(session.scalars(select(Invitation.token_hash)).all())

    ada = ws.anonymous()
    assert ada.get(f"/invite/{token}").status_code == 200  # the page of the link
    info = ada.get(f"/api/invitations/{token}").json()
    assert info["space_name"] == "Projet « Alpha »" and info["invited_by"] == "Alice Martin"
    assert info["role"] == "guest"
    accepted = ada.post(f"/api/invitations/{token}/accept", json={"display_name": "Ada Lovelace"})
    assert accepted.status_code == 200, accepted.text
    done = accepted.json()
    assert done["signed_in"] is True and done["user"] == "guest-ada-lovelace"
    assert done["space"]["id"] == sid and done["space"]["role"] == "guest"

    me = signed_in(ada)
    assert me["signedIn"] and me["name"] == "guest-ada-lovelace"
    with ws.db.session() as session:
        account = session.scalars(select(User).where(User.name == "guest-ada-lovelace")).one()
        assert account.guest and account.email == "Ada@example.org"
        assert account.password_hash is None
    assert [s["id"] for s in ada.get("/api/spaces").json()] == [sid]
    other_page = ada.get(f"/api/spaces/{other}")
    assert other_page.status_code == 404 and "Other" not in other_page.text
    assert ada.get("/api/directory").status_code == 403
    assert ada.post("/api/spaces", json={"name": "Mine"}).status_code == 400
    assert [m["name"] for m in ada.get(f"/api/spaces/{sid}/members").json()] == [
        "alice",
        "guest-ada-lovelace",
    ]
    feed = alice.get(f"/api/spaces/{sid}/activity").json()["items"]
    assert feed[0]["verb"] == "member.joined" and feed[0]["actor"]["display_name"] == "Ada Lovelace"
    assert alice.get(f"/api/spaces/{sid}/invitations").json() == []  # used: no longer pending

    # The link is used: refused, in the reader's language.
    again = ws.anonymous().post(f"/api/invitations/{token}/accept", json={"display_name": "X"})
    assert again.status_code == 410 and again.json()["error"]["code"] == "invitation_used"
    assert "already been used" in again.json()["error"]["message"]
    french = ws.anonymous().get(f"/api/invitations/{token}", headers=FR)
    assert french.status_code == 410 and "déjà servi" in french.json()["error"]["message"]
    assert count(ws, User, User.guest.is_(True)) == 1


def test_an_english_inviter_sends_english(mail_workspace: Workspace, smtp: SmtpServer) -> None:
    alice = mail_workspace.person("alice", "Alice")
    sid = new_space(alice, "Alpha")["id"]
    invite(alice, sid, "bea@example.org", "member", headers={"accept-language": "en-GB"})
    message = smtp.wait_for("bea@example.org")
    assert message["Subject"] == "Alice invites you to “Alpha” on Palabre"
    assert "as a member" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_a_fresh_link_brings_a_guest_back_to_the_same_account(
    mail_workspace: Workspace, smtp: SmtpServer
) -> None:
    ws = mail_workspace
    alice, zoe = ws.person("alice"), ws.person("zoe")
    first = new_space(alice, "First")["id"]
    second = new_space(zoe, "Second")["id"]
    invite(alice, first, "ada@example.org")
    token = mailed_token(smtp, "ada@example.org", 0)
    ada = ws.anonymous()
    assert (
        ada.post(f"/api/invitations/{token}/accept", json={"display_name": "Ada"}).status_code
        == 200
    )
    # Another day, another browser: a new invitation signs her in as the same guest.
    invite(zoe, second, "ADA@example.org")
    smtp.wait_for("ADA@example.org")
    token = mailed_token(smtp, "ADA@example.org", 0)
    later = ws.anonymous()
    back = later.post(f"/api/invitations/{token}/accept", json={})
    assert back.status_code == 200, back.text
    assert back.json()["user"] == "guest-ada" and back.json()["signed_in"] is True
    signed_in(later)
    assert sorted(s["id"] for s in later.get("/api/spaces").json()) == sorted([first, second])
    assert count(ws, User, User.guest.is_(True)) == 1


def test_revoked_expired_and_replaced_links_are_refused(
    mail_workspace: Workspace, smtp: SmtpServer
) -> None:
    ws = mail_workspace
    alice = ws.person("alice")
    sid = new_space(alice)["id"]
    revoked = invite(alice, sid, "r@example.org")["invitation"]["id"]
    expired = invite(alice, sid, "e@example.org")["invitation"]["id"]
    invite(alice, sid, "twice@example.org")
    pending = [i["email"] for i in alice.get(f"/api/spaces/{sid}/invitations").json()]
    assert pending == ["twice@example.org", "e@example.org", "r@example.org"]
    assert alice.delete(f"/api/spaces/{sid}/invitations/{revoked}").status_code == 204
    assert alice.delete(f"/api/spaces/{sid}/invitations/{revoked}").status_code == 409
    with ws.db.session() as session:
        session.execute(
            update(Invitation)
            .where(Invitation.id == expired)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    invite(alice, sid, "twice@example.org")  # a second invitation replaces the first
    anyone = ws.anonymous()
    cases = [
        (mailed_token(smtp, "r@example.org"), "invitation_revoked", "withdrawn", "retirée"),
        (mailed_token(smtp, "e@example.org"), "invitation_expired", "expired", "expiré"),
        (mailed_token(smtp, "twice@example.org", 0), "invitation_revoked", "withdrawn", "retirée"),
    ]
    for token, code, english, french in cases:
        for method, path in (("GET", ""), ("POST", "/accept")):
            kw: dict[str, Any] = {"json": {"display_name": "X"}} if method == "POST" else {}
            response = anyone.request(method, f"/api/invitations/{token}{path}", **kw)
            assert response.status_code == 410, response.text
            assert response.json()["error"]["code"] == code
            assert english in response.json()["error"]["message"]
            fr = anyone.request(method, f"/api/invitations/{token}{path}", headers=FR, **kw)
            assert french in fr.json()["error"]["message"]
    unknown = anyone.get("/api/invitations/nonsense", headers=FR)
    assert unknown.status_code == 404 and "pas valide" in unknown.json()["error"]["message"]
    assert anyone.get("/api/invitations/" + "x" * 500).status_code == 404
    assert count(ws, User, User.guest.is_(True)) == 0
    latest = mailed_token(smtp, "twice@example.org", 1)
    assert (
        anyone.post(f"/api/invitations/{latest}/accept", json={"display_name": "T"}).status_code
        == 200
    )


def test_a_signed_in_person_joins_as_themselves(
    mail_workspace: Workspace, smtp: SmtpServer
) -> None:
    ws = mail_workspace
    alice, bob = ws.person("alice"), ws.person("bob")
    sid = new_space(alice)["id"]
    invite(alice, sid, "bob@elsewhere.org", "member")
    token = mailed_token(smtp, "bob@elsewhere.org")
    events = published(ws)
    done = bob.post(f"/api/invitations/{token}/accept", json={})
    assert done.status_code == 200, done.text
    assert done.json()["signed_in"] is False and done.json()["user"] == "bob"
    assert bob.get(f"/api/spaces/{sid}").json()["role"] == "member"
    assert (f"user:{user_id(ws, 'bob')}", {"type": "space.joined", "space": sid}) in events
    assert count(ws, User, User.guest.is_(True)) == 0


def test_an_organisation_address_must_sign_in(mail_workspace: Workspace, smtp: SmtpServer) -> None:
    ws = mail_workspace
    alice = ws.person("alice")
    ws.person("bob")
    with ws.db.session() as session:
        session.execute(update(User).where(User.name == "bob").values(email="bob@example.org"))
    sid = new_space(alice)["id"]
    invite(alice, sid, "bob@example.org", "member")
    token = mailed_token(smtp, "bob@example.org")
    response = ws.anonymous().post(f"/api/invitations/{token}/accept", json={"display_name": "B"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "sign_in_first"
    # The account also heard of it in the app.
    from palabre.notify.models import Notification

    assert count(ws, Notification, Notification.user_id == user_id(ws, "bob")) == 1
    assert ws.sign_in("bob").post(f"/api/invitations/{token}/accept", json={}).status_code == 200


def test_bad_acceptances_use_nothing(mail_workspace: Workspace, smtp: SmtpServer) -> None:
    ws = mail_workspace
    alice = ws.person("alice")
    sid = new_space(alice)["id"]
    invite(alice, sid, "ada@example.org")
    token = mailed_token(smtp, "ada@example.org")
    url = f"/api/invitations/{token}/accept"
    anyone = ws.anonymous()
    for body in ({}, {"display_name": "   "}, {"display_name": "\u0000\u200b"[:1]}):
        response = anyone.post(url, json=body)
        assert response.status_code == 400, (body, response.text)
    assert anyone.post(url, json={"display_name": 3}).status_code == 400
    assert anyone.post(url, json={"display_name": "A", "role": "owner"}).status_code == 400
    foreign = anyone.post(
        url, json={"display_name": "A"}, headers={"origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    assert not anyone.get("/api/me").json()["signedIn"]
    assert count(ws, User, User.guest.is_(True)) == 0
    assert len(alice.get(f"/api/spaces/{sid}/invitations").json()) == 1  # still usable
    long_name = anyone.post(url, json={"display_name": "Ada " * 100})
    assert long_name.status_code == 200 and len(long_name.json()["display_name"]) <= 128


def test_two_accepting_at_once_use_the_link_once(
    mail_workspace: Workspace, smtp: SmtpServer
) -> None:
    ws = mail_workspace
    alice = ws.person("alice")
    sid = new_space(alice)["id"]
    invite(alice, sid, "ada@example.org")
    token = mailed_token(smtp, "ada@example.org")

    def accept(name: str) -> int:
        return (
            ws.anonymous()
            .post(f"/api/invitations/{token}/accept", json={"display_name": name})
            .status_code
        )

    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(accept, ["Ada", "Ada", "Eve", "Eve"]))
    assert statuses == [200, 410, 410, 410]
    assert count(ws, User, User.guest.is_(True)) == 1
    assert count(ws, Member, Member.space_id == sid) == 2


def test_hostile_invitations_are_refused_and_change_nothing(
    mail_workspace: Workspace, smtp: SmtpServer
) -> None:
    ws = mail_workspace
    alice = ws.person("alice")
    ws.person("bob")
    with ws.db.session() as session:
        session.execute(update(User).where(User.name == "bob").values(email="bob@example.org"))
    sid = new_space(alice)["id"]
    join(alice, sid, "bob")
    url = f"/api/spaces/{sid}/invitations"
    for body in (
        {"email": "not-an-address"},
        {"email": "ada@"},
        {"email": "ada@example.org\r\nBcc: eve@example.org"},
        {"email": "a" * 400 + "@example.org"},
        {"email": "ada@example.org", "role": "owner"},
        {"email": "ada@example.org", "role": "admin"},
        {"email": "ada@example.org", "role": "king" * 1000},
        {"email": ["ada@example.org"]},
        {"email": "ada@example.org", "cc": "eve@example.org"},
    ):
        response = alice.post(url, json=body)
        assert response.status_code == 400, (body, response.text)
    assert alice.get(url).json() == []
    assert count(ws, Invitation) == 0
    assert smtp.messages == []
    # A member's address (hidden) is invited like any: the inviter learns nothing of it.
    assert alice.post(url, json={"email": "BOB@example.org"}).status_code == 201
    token = mailed_token(smtp, "BOB@example.org")
    assert ws.sign_in("bob").post(f"/api/invitations/{token}/accept", json={}).status_code == 200
    assert count(ws, Member, Member.space_id == sid) == 2
    from palabre.notify.models import Notification

    assert count(ws, Notification) == 0  # a member is not told they are invited


def test_without_smtp_the_link_is_shown_to_the_inviter(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    sid = new_space(alice)["id"]
    made = invite(alice, sid, "ada@example.org")
    assert made["mailed"] is False and made["invitation"]["mailed"] is False
    token = LINK.fullmatch(made["link"]).group(1)  # type: ignore[union-attr]
    ada = workspace.anonymous()
    assert (
        ada.post(f"/api/invitations/{token}/accept", json={"display_name": "Ada"}).status_code
        == 200
    )
    # A shown link proves no mailbox: it does not sign in as the address's guest account.
    second = new_space(alice, "Second")["id"]
    shown = invite(alice, second, "ada@example.org")["link"]
    token = LINK.fullmatch(shown).group(1)  # type: ignore[union-attr]
    refused = workspace.anonymous().post(f"/api/invitations/{token}/accept", json={})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "guest_exists"


def test_an_unsent_invitation_is_withdrawn(database_url: str) -> None:
    from palabre.bot.harness import free_port

    ws = Workspace(database_url, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_tls="none")
    try:
        alice = ws.person("alice")
        sid = new_space(alice)["id"]
        response = alice.post(f"/api/spaces/{sid}/invitations", json={"email": "ada@example.org"})
        assert response.status_code == 502 and response.json()["error"]["code"] == "unavailable"
        assert alice.get(f"/api/spaces/{sid}/invitations").json() == []
    finally:
        ws.close()
