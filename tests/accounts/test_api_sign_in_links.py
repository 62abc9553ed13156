"""Guests' sign-in links (/api/sign-in-links) through a real SMTP server: asked by address
(the same answer whoever asks), e-mailed in the asker's language, used once within the hour;
other links refused in French and English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import update

from palabre.accounts.sign_in_links import MAX_PER_HOUR, SignInLink, request_link
from palabre.accounts.users import User, guest_user
from palabre.db import utcnow
from palabre.spaces.models import Member
from smtp_server import SmtpServer
from space_kit import count, new_space
from workspace import Workspace

LINK = re.compile(r"http://testserver/sign-in/([A-Za-z0-9_-]+)")
FR = {"accept-language": "fr"}


@pytest.fixture
def ws(database_url: str, smtp: SmtpServer) -> Iterator[Workspace]:
    workspace = Workspace(database_url, **smtp.settings)
    yield workspace
    workspace.close()


def a_guest_in_a_space(ws: Workspace) -> int:
    alice = ws.person("alice")
    sid = new_space(alice, "Alpha")["id"]
    with ws.db.session() as session:
        gwen = guest_user(session, "gwen@example.org", "Gwen")
        session.add(Member(space_id=sid, user_id=gwen.id, role="guest"))
    with ws.db.session() as session:  # an organisation account with an address too
        session.execute(update(User).where(User.name == "alice").values(email="a@example.org"))
    return sid


def link_token(smtp: SmtpServer, to: str) -> str:
    body = smtp.wait_for(to).get_body(("plain",))
    assert body is not None
    match = LINK.search(body.get_content())
    assert match, body.get_content()
    return match.group(1)


def test_a_guest_signs_in_with_the_mailed_link(ws: Workspace, smtp: SmtpServer) -> None:
    sid = a_guest_in_a_space(ws)
    anyone = ws.anonymous()
    answers = [
        anyone.post("/api/sign-in-links", json={"email": email}, headers=FR)
        for email in ("a@example.org", "nobody@example.org", "GWEN@example.org")
    ]
    assert [a.status_code for a in answers] == [202, 202, 202]
    assert len({a.text for a in answers}) == 1  # nothing tells who has an account
    message = smtp.wait_for("gwen@example.org")
    assert message["Subject"] == "Votre lien de connexion à Palabre"
    token = link_token(smtp, "gwen@example.org")
    with smtp.lock:
        assert [rcpt for rcpt, _ in smtp.messages] == [["gwen@example.org"]]

    browser = ws.anonymous()
    signed = browser.post(f"/api/sign-in-links/{token}")
    assert signed.status_code == 200, signed.text
    assert signed.json()["display_name"] == "Gwen"
    me = browser.get("/api/me").json()
    assert me["signedIn"] and me["name"] == "guest-gwen"
    assert [s["id"] for s in browser.get("/api/spaces").json()] == [sid]
    again = ws.anonymous().post(f"/api/sign-in-links/{token}", headers=FR)
    assert again.status_code == 410 and again.json()["error"]["code"] == "link_used"
    assert "déjà servi" in again.json()["error"]["message"]


def test_other_links_are_refused(ws: Workspace, smtp: SmtpServer) -> None:
    a_guest_in_a_space(ws)
    anyone = ws.anonymous()
    for email in ("not an address", "x" * 400 + "@example.org"):
        assert anyone.post("/api/sign-in-links", json={"email": email}).status_code == 400
    assert anyone.post("/api/sign-in-links", json={"email": "gwen@example.org"}).status_code == 202
    token = link_token(smtp, "gwen@example.org")
    foreign = anyone.post(f"/api/sign-in-links/{token}", headers={"origin": "https://evil.example"})
    assert foreign.status_code == 403
    with ws.db.session() as session:
        session.execute(update(SignInLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    expired = anyone.post(f"/api/sign-in-links/{token}")
    assert expired.status_code == 410 and expired.json()["error"]["code"] == "link_expired"
    unknown = anyone.post("/api/sign-in-links/nonsense", headers=FR)
    assert unknown.status_code == 404 and "pas valide" in unknown.json()["error"]["message"]
    assert not anyone.get("/api/me").json()["signedIn"]


def test_an_account_gets_a_few_links_an_hour(ws: Workspace) -> None:
    a_guest_in_a_space(ws)
    with ws.db.session() as session:
        made = [request_link(session, "gwen@example.org") for _ in range(MAX_PER_HOUR + 2)]
        assert all(made[:MAX_PER_HOUR]) and made[MAX_PER_HOUR:] == [None, None]
        assert request_link(session, "a@example.org") is None  # not a guest: signs in otherwise
    assert count(ws, SignInLink) == MAX_PER_HOUR
