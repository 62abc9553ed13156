"""The digest job against a real SMTP server (aiosmtpd), on SQLite and PostgreSQL: one e-mail
per person in their language, e-mailed_at set only once the server accepted it, nothing twice
when two processes run it, nothing at all without SMTP."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from palabre.accounts.users import User, add_user
from palabre.bot.harness import free_port
from palabre.db import utcnow
from palabre.messaging.models import Channel
from palabre.notify.models import Notification
from palabre.notify.pending import LEASE
from palabre.notify.store import add_notification
from palabre.spaces.models import Member
from palabre.spaces.store import create_space
from palabre.web.api.endpoints import ApiContext
from palabre.web.api.jobs import JOBS
from palabre.web.api.notify import DIGESTS, send_digests
from smtp_server import SmtpServer
from workspace import Workspace

PUBLIC = "https://palabre.example"


@pytest.fixture
def make_workspace(database_url: str) -> Iterator[Any]:
    """Workspaces on one database: each stands for a process of its own."""
    made: list[Workspace] = []

    def make(**settings: Any) -> Workspace:
        ws = Workspace(database_url, public_url=PUBLIC, **settings)
        made.append(ws)
        return ws

    yield make
    for ws in made:
        ws.close()


def ctx(ws: Workspace) -> ApiContext:
    api: ApiContext = ws.app.state.api
    return api


def person(ws: Workspace, name: str, email: str | None, language: str | None = None) -> int:
    add_user(ws.db, name, "s3cret-pass", name.title())
    with ws.db.session() as session:
        user = session.query(User).filter_by(name=name).one()
        user.email, user.language = email, language
        return user.id


def scene(ws: Workspace) -> dict[str, int]:
    """Alice's space with a channel; Bob (French) and Carol (English) in it; Dan (no e-mail)."""
    ids = {
        "alice": person(ws, "alice", "alice@example.org"),
        "bob": person(ws, "bob", "bob@example.org", "fr"),
        "carol": person(ws, "carol", "carol@example.org", "en"),
        "dan": person(ws, "dan", None),
    }
    with ws.db.session() as session:
        space = create_space(session, ids["alice"], "Projet Alpha")[0].id
        for name in ("bob", "carol", "dan"):
            session.add(Member(space_id=space, user_id=ids[name], role="member"))
        channel = Channel(space_id=space, name="général")
        session.add(channel)
        session.flush()
        ids["space"], ids["channel"] = space, channel.id
    return ids


def mention(ws: Workspace, ids: dict[str, int], to: str, text: str, ago: float = 0) -> int:
    """What messaging does when Alice mentions someone (`ago` seconds back)."""
    with ws.db.session() as session:
        view, _ = add_notification(
            session,
            ids[to],
            "mention",
            text=text,
            actor_id=ids["alice"],
            space_id=ids["space"],
            channel_id=ids["channel"],
        )
        if ago:
            row = session.get(Notification, view.id)
            assert row is not None
            row.created_at = utcnow() - timedelta(seconds=ago)
        return view.id


def mails_to(smtp: SmtpServer, address: str) -> list[Any]:
    with smtp.lock:
        return [message for rcpt, message in smtp.messages if address in rcpt]


def emailed(ws: Workspace, notification_id: int) -> bool:
    with ws.db.session() as session:
        row = session.get(Notification, notification_id)
        assert row is not None
        return row.emailed_at is not None


async def test_each_person_gets_one_digest_in_their_language(
    make_workspace: Any, smtp: SmtpServer
) -> None:
    ws = make_workspace(**smtp.settings, digest_delay=0)
    ids = scene(ws)
    first = mention(ws, ids, "bob", "on se voit demain ?")
    second = mention(ws, ids, "bob", "et le budget ?")
    mention(ws, ids, "carol", "can you review?")
    mention(ws, ids, "dan", "no address, no mail")
    read = mention(ws, ids, "carol", "already read")
    with ws.db.session() as session:
        row = session.get(Notification, read)
        assert row is not None
        row.read_at = utcnow()

    assert await send_digests(ctx(ws)) == 2
    (bob,) = mails_to(smtp, "bob@example.org")
    assert bob["Subject"] == "Palabre\u00a0: 2 notifications en attente"
    text = bob.get_body(("plain",)).get_content()
    assert "Bonjour Bob," in text and "Alice vous a mentionné dans #général (Projet Alpha)" in text
    assert text.index("et le budget ?") < text.index("on se voit demain ?")  # newest first
    link = f"{PUBLIC}/spaces/{ids['space']}/channels/{ids['channel']}"
    assert link in text
    (carol,) = mails_to(smtp, "carol@example.org")
    assert carol["Subject"] == "Palabre: 1 notification you missed"
    carol_text = carol.get_body(("plain",)).get_content()
    assert "can you review?" in carol_text and "already read" not in carol_text
    assert emailed(ws, first) and emailed(ws, second) and not emailed(ws, read)

    # Nothing new: nothing more.
    assert await send_digests(ctx(ws)) == 0
    assert len(mails_to(smtp, "bob@example.org")) == 1


async def test_only_what_has_waited_the_delay_and_one_digest_per_delay(
    make_workspace: Any, smtp: SmtpServer
) -> None:
    ws = make_workspace(**smtp.settings, digest_delay=600)
    ids = scene(ws)
    old = mention(ws, ids, "bob", "old enough", ago=601)
    fresh = mention(ws, ids, "bob", "too fresh")
    assert await send_digests(ctx(ws)) == 1
    assert emailed(ws, old) and not emailed(ws, fresh)
    # Now old enough, but Bob had a digest less than the delay ago.
    with ws.db.session() as session:
        row = session.get(Notification, fresh)
        assert row is not None
        row.created_at = utcnow() - timedelta(seconds=700)
    assert await send_digests(ctx(ws)) == 0
    with ws.db.session() as session:
        row = session.get(Notification, old)
        assert row is not None and row.emailed_at is not None
        row.emailed_at = utcnow() - timedelta(seconds=601)
    assert await send_digests(ctx(ws)) == 1
    assert emailed(ws, fresh)
    assert len(mails_to(smtp, "bob@example.org")) == 2


async def test_two_processes_running_the_job_send_each_digest_once(
    make_workspace: Any, smtp: SmtpServer
) -> None:
    one = make_workspace(**smtp.settings, digest_delay=0)
    two = make_workspace(**smtp.settings, digest_delay=0)
    ids = scene(one)
    made = [mention(one, ids, name, f"{name} {n}") for n in range(5) for name in ("bob", "carol")]
    for _ in range(3):
        await asyncio.gather(send_digests(ctx(one)), send_digests(ctx(two)))
    assert len(mails_to(smtp, "bob@example.org")) == 1
    assert len(mails_to(smtp, "carol@example.org")) == 1
    assert all(emailed(one, n) for n in made)
    text = mails_to(smtp, "carol@example.org")[0].get_body(("plain",)).get_content()
    assert all(f"carol {n}" in text for n in range(5))


async def test_nothing_is_marked_until_the_smtp_server_accepts(
    make_workspace: Any, smtp: SmtpServer
) -> None:
    down = make_workspace(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_tls="none",
                          digest_delay=0)  # fmt: skip
    ids = scene(down)
    waiting = mention(down, ids, "bob", "please read")
    assert await send_digests(ctx(down)) == 0
    assert not emailed(down, waiting)
    with down.db.session() as session:
        row = session.get(Notification, waiting)
        assert row is not None and row.digest_claim is None  # released for the next run
    up = make_workspace(**smtp.settings, digest_delay=0)
    assert await send_digests(ctx(up)) == 1
    assert emailed(up, waiting) and mails_to(smtp, "bob@example.org")


async def test_a_claim_left_by_a_dead_process_is_taken_again_after_its_lease(
    make_workspace: Any, smtp: SmtpServer
) -> None:
    ws = make_workspace(**smtp.settings, digest_delay=0)
    ids = scene(ws)
    waiting = mention(ws, ids, "bob", "please read")
    with ws.db.session() as session:  # a run claimed it, then its process died
        row = session.get(Notification, waiting)
        assert row is not None
        row.digest_claim, row.digest_claimed_at = "deadbeef", utcnow()
    assert await send_digests(ctx(ws)) == 0  # its lease still holds
    with ws.db.session() as session:
        row = session.get(Notification, waiting)
        assert row is not None
        row.digest_claimed_at = utcnow() - timedelta(seconds=LEASE + 1)
    assert await send_digests(ctx(ws)) == 1
    assert emailed(ws, waiting)


async def test_news_of_a_space_one_left_is_not_emailed(
    make_workspace: Any, smtp: SmtpServer
) -> None:
    ws = make_workspace(**smtp.settings, digest_delay=0)
    ids = scene(ws)
    mention(ws, ids, "bob", "confidential plans")
    with ws.db.session() as session:
        session.query(Member).filter_by(space_id=ids["space"], user_id=ids["bob"]).delete()
    assert await send_digests(ctx(ws)) == 0
    assert await send_digests(ctx(ws)) == 0  # withheld for good, not tried at every run
    assert not mails_to(smtp, "bob@example.org")


async def test_without_smtp_nothing_is_sent_nor_claimed(make_workspace: Any) -> None:
    ws = make_workspace(digest_delay=0)
    ids = scene(ws)
    waiting = mention(ws, ids, "bob", "hello")
    assert await send_digests(ctx(ws)) == 0
    with ws.db.session() as session:
        row = session.get(Notification, waiting)
        assert row is not None and row.digest_claim is None and row.emailed_at is None


def test_the_job_runs_with_the_app() -> None:
    assert DIGESTS in JOBS and DIGESTS.interval <= 300
