"""Concurrent posts: threads posting at once never share a sequence number nor lose a
message, and racing retries of one post make one message. On SQLite and on PostgreSQL
(where the channel's row lock is what keeps the numbers apart)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from palabre.accounts.users import add_user
from palabre.db import Database
from palabre.messaging import channels, store
from palabre.messaging.models import Channel, Message
from palabre.spaces import store as spaces
from palabre.spaces.models import Member
from workspace import Workspace

T = TypeVar("T")
THREADS = 6
EACH = 20


def run(db: Database, operation: Callable[..., T], *args: Any) -> T:
    """As the web layer runs it: one transaction, once more if a twin's row came first."""
    try:
        with db.session() as session:
            return operation(session, *args)
    except IntegrityError:
        with db.session() as session:
            return operation(session, *args)


def setup(db: Database) -> tuple[list[int], int]:
    add_user(db, "owner", None)
    for index in range(THREADS):
        add_user(db, f"poster{index}", None)
    with db.session() as session:
        from palabre.accounts.users import User

        ids = {u.name: u.id for u in session.scalars(select(User))}
        space, _ = spaces.create_space(session, ids["owner"], "Busy")
        channel, _ = channels.create_channel(session, ids["owner"], space.id, "general")
        for index in range(THREADS):
            session.add(Member(space_id=space.id, user_id=ids[f"poster{index}"], role="member",
                               access={}))  # fmt: skip
    return [ids[f"poster{i}"] for i in range(THREADS)], channel.id


def together(count: int, work: Callable[[int], None]) -> None:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def body(index: int) -> None:
        try:
            barrier.wait(30)
            work(index)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []


def test_concurrent_posts_get_distinct_numbers(workspace: Workspace) -> None:
    db = workspace.db
    posters, channel_id = setup(db)
    acknowledged: list[tuple[int, int]] = []

    def work(index: int) -> None:
        for n in range(EACH):
            view, made, _ = run(
                db, store.post_message, posters[index], channel_id, f"{index}/{n}", f"{index}-{n}"
            )
            assert made
            acknowledged.append((view.id, view.seq))

    together(THREADS, work)
    with db.session() as session:
        seqs = list(session.scalars(select(Message.seq).where(Message.channel_id == channel_id)))
        last = session.scalar(select(Channel.last_seq).where(Channel.id == channel_id))
    assert len(acknowledged) == THREADS * EACH
    assert sorted(seqs) == list(range(1, THREADS * EACH + 1)) == sorted(s for _, s in acknowledged)
    assert last == THREADS * EACH


def test_racing_retries_make_one_message(workspace: Workspace) -> None:
    db = workspace.db
    posters, channel_id = setup(db)
    ids: list[int] = []

    def work(index: int) -> None:
        view, _, _ = run(db, store.post_message, posters[0], channel_id, "once", "same-post")
        ids.append(view.id)

    together(THREADS, work)
    with db.session() as session:
        count = session.scalar(
            select(func.count()).select_from(Message).where(Message.client_id == "same-post")
        )
    assert count == 1 and len(set(ids)) == 1 and len(ids) == THREADS


def test_concurrent_replies_count_every_one(workspace: Workspace) -> None:
    db = workspace.db
    posters, channel_id = setup(db)
    root, _, _ = run(db, store.post_message, posters[0], channel_id, "root", "root")

    def work(index: int) -> None:
        for n in range(5):
            run(db, store.post_message, posters[index], channel_id, "re", f"re-{index}-{n}",
                root.id)  # fmt: skip

    together(THREADS, work)
    with db.session() as session:
        message = session.get(Message, root.id)
        assert message is not None and message.reply_count == THREADS * 5
