"""/api/live over real sockets (the app served by uvicorn in a thread), on SQLite and
PostgreSQL: who is heard, who is not, access gained and lost, heartbeats, slow pages."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from palabre.accounts.api_tokens import ApiToken, new_token, token_hash
from palabre.accounts.users import User, add_user
from palabre.bus import documents_topic, space_topic, user_topic
from palabre.bus.memory import QUEUE_LIMIT
from palabre.db import utcnow
from palabre.messaging.models import Channel, ChannelMember
from palabre.spaces.models import Member
from palabre.web.api import ENDPOINTS, live
from palabre.web.api.live import audience_of
from served import Served
from workspace import PASSWORD, Workspace

WAIT = 10.0  # what a healthy run never comes near, on a loaded machine too


class Page:
    """A page's /api/live connection; answers pings like the client does unless told not."""

    def __init__(
        self,
        served: Served,
        *,
        cookie: str | None = None,
        token: str | None = None,
        origin: str | None = None,
        pong: bool = True,
    ) -> None:
        headers = {}
        if cookie:
            headers["Cookie"] = cookie
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.ws: ClientConnection = connect(
            served.ws_url + "/api/live",
            additional_headers=headers,
            origin=origin,  # type: ignore[arg-type]
            open_timeout=WAIT,
            legacy=True,  # a plain connection the test closes itself
        )
        self.pong = pong
        self.pings = 0
        self.first = self.next()

    def next(self, timeout: float = WAIT) -> dict[str, Any]:
        """The next frame other than a ping."""
        deadline = time.monotonic() + timeout
        while True:
            event = json.loads(self.ws.recv(timeout=max(0.0, deadline - time.monotonic())))
            if event["type"] != "ping":
                return dict(event)
            self.pings += 1
            if self.pong:
                self.ws.send(json.dumps({"type": "pong"}))

    def heard_nothing(self, seconds: float) -> bool:
        try:
            event = self.next(seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"heard {event}")

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def served(workspace: Workspace) -> Iterator[Served]:
    """On SQLite, then PostgreSQL."""
    with Served(workspace.app) as served:
        yield served


@pytest.fixture
def sqlite_served(sqlite_workspace: Workspace) -> Iterator[Served]:
    """On SQLite only, for what does not depend on the database."""
    with Served(sqlite_workspace.app) as served:
        yield served


def user_id(workspace: Workspace, name: str) -> int:
    with workspace.db.session() as session:
        return session.query(User).filter_by(name=name).one().id


def person(workspace: Workspace, served: Served, name: str) -> Any:
    add_user(workspace.db, name, PASSWORD, name.title())
    return served.sign_in(name)


def join(
    workspace: Workspace, space_id: int, name: str, role: str = "member", **access: str
) -> int:
    uid = user_id(workspace, name)
    with workspace.db.session() as session:
        session.add(Member(space_id=space_id, user_id=uid, role=role, access=access))
    return uid


def make_token(workspace: Workspace, name: str, scopes: str = "read write") -> str:
    token = new_token()
    with workspace.db.session() as session:
        session.add(
            ApiToken(
                user_id=user_id(workspace, name),
                name="script",
                token_hash=token_hash(token),
                scopes=scopes,
            )
        )
    return token


def test_a_page_hears_a_change_made_through_the_api_promptly(
    workspace: Workspace, served: Served
) -> None:
    alice = person(workspace, served, "alice")
    space = alice.post("/api/spaces", json={"name": "Projet"}).json()
    page = Page(served, cookie=served.cookie(alice), origin=served.url)
    assert page.first == {"type": "hello", "user": user_id(workspace, "alice"), "ping": 20.0}
    response = alice.patch(f"/api/spaces/{space['id']}", json={"name": "Projet Beta"})
    assert response.status_code == 200
    done = time.monotonic()
    assert page.next() == {"type": "space.changed", "space": space["id"]}
    assert time.monotonic() - done < 3.0  # the second itself: bench/workspace.py (p99)
    page.close()


def test_strangers_pages_hear_nothing_of_another_space(
    workspace: Workspace, served: Served
) -> None:
    alice, mallory = person(workspace, served, "alice"), person(workspace, served, "mallory")
    secret = alice.post("/api/spaces", json={"name": "Secret"}).json()
    own = mallory.post("/api/spaces", json={"name": "Mine"}).json()
    page = Page(served, cookie=served.cookie(mallory))
    for n in range(3):
        alice.patch(f"/api/spaces/{secret['id']}", json={"name": f"Secret {n}"})
    mallory.patch(f"/api/spaces/{own['id']}", json={"name": "Still mine"})
    # Her own change is the first thing she hears: nothing of Alice's came before it.
    assert page.next() == {"type": "space.changed", "space": own["id"]}
    alice.patch(f"/api/spaces/{secret['id']}", json={"description": "plans"})
    assert page.heard_nothing(0.5)


def test_a_removed_member_loses_the_space_at_once(workspace: Workspace, served: Served) -> None:
    alice, bob = person(workspace, served, "alice"), person(workspace, served, "bob")
    space = alice.post("/api/spaces", json={"name": "Projet"}).json()
    bob_id = join(workspace, space["id"], "bob")
    with workspace.db.session() as session:
        channel = Channel(space_id=space["id"], name="annonces")
        session.add(channel)
        session.flush()
        channel_id = channel.id
    page = Page(served, cookie=served.cookie(bob))
    alice.patch(f"/api/spaces/{space['id']}", json={"name": "Projet 2"})
    assert page.next() == {"type": "space.changed", "space": space["id"]}

    # What the members endpoint does (spaces branch): the row goes, then the event.
    with workspace.db.session() as session:
        session.query(Member).filter_by(space_id=space["id"], user_id=bob_id).delete()

    async def remove_then_talk() -> None:
        # Published in one go: the change after the removal is already waiting in bob's
        # queue when his page learns of the removal.
        await workspace.bus.publish(
            user_topic(bob_id), {"type": "access.revoked", "space": space["id"]}
        )
        await workspace.bus.publish(
            space_topic(space["id"]), {"type": "space.changed", "space": space["id"]}
        )
        await workspace.bus.publish(
            f"channel:{channel_id}", {"type": "message.posted", "channel": channel_id}
        )

    served.call(remove_then_talk())
    assert page.next() == {"type": "access.revoked", "space": space["id"]}
    alice.patch(f"/api/spaces/{space['id']}", json={"name": "Projet 3"})
    served.call(workspace.bus.publish(user_topic(bob_id), {"type": "notification", "n": 1}))
    assert page.next() == {"type": "notification", "n": 1}  # nothing of the space before it


def served_endpoint(method: str, pattern: str) -> bool:
    return any(e.method == method and re.fullmatch(pattern, e.path) for e in ENDPOINTS)


MEMBERS = r"/api/spaces/\{space_id(:int)?\}/members"


@pytest.mark.skipif(
    not served_endpoint("DELETE", MEMBERS + r"/\{user_id(:int)?\}"),
    reason="no members endpoint yet (the spaces branch)",
)
def test_added_and_removed_through_the_members_endpoint(
    workspace: Workspace, served: Served
) -> None:
    alice, bob = person(workspace, served, "alice"), person(workspace, served, "bob")
    space = alice.post("/api/spaces", json={"name": "Projet"}).json()
    page = Page(served, cookie=served.cookie(bob))
    added = alice.post(f"/api/spaces/{space['id']}/members", json={"user": "bob"})
    assert added.status_code in (200, 201), added.text
    assert page.next() == {"type": "space.joined", "space": space["id"]}
    alice.patch(f"/api/spaces/{space['id']}", json={"name": "Projet 2"})
    event = page.next()
    while event["type"] == "member.changed":
        event = page.next()
    assert event == {"type": "space.changed", "space": space["id"]}
    bob_id = user_id(workspace, "bob")
    removed = alice.delete(f"/api/spaces/{space['id']}/members/{bob_id}")
    assert removed.status_code in (200, 204), removed.text
    assert page.next() == {"type": "access.revoked", "space": space["id"]}
    alice.patch(f"/api/spaces/{space['id']}", json={"name": "Projet 3"})
    served.call(workspace.bus.publish(user_topic(bob_id), {"type": "notification", "n": 1}))
    assert page.next() == {"type": "notification", "n": 1}  # nothing of the space before it


def test_a_new_member_hears_the_space_once_told(workspace: Workspace, served: Served) -> None:
    alice, bob = person(workspace, served, "alice"), person(workspace, served, "bob")
    space = alice.post("/api/spaces", json={"name": "Projet"}).json()
    page = Page(served, cookie=served.cookie(bob))
    bob_id = join(workspace, space["id"], "bob")
    served.call(
        workspace.bus.publish(user_topic(bob_id), {"type": "space.joined", "space": space["id"]})
    )
    assert page.next() == {"type": "space.joined", "space": space["id"]}
    alice.patch(f"/api/spaces/{space['id']}", json={"name": "Projet 2"})
    assert page.next() == {"type": "space.changed", "space": space["id"]}


def test_a_member_whose_chat_access_is_taken_stops_hearing_its_channels(
    workspace: Workspace, served: Served
) -> None:
    alice, bob = person(workspace, served, "alice"), person(workspace, served, "bob")
    space = alice.post("/api/spaces", json={"name": "Projet"}).json()
    bob_id = join(workspace, space["id"], "bob")
    with workspace.db.session() as session:
        channel = Channel(space_id=space["id"], name="annonces")
        session.add(channel)
        session.flush()
        topic = f"channel:{channel.id}"
    page = Page(served, cookie=served.cookie(bob))
    served.call(workspace.bus.publish(topic, {"type": "message.posted", "n": 1}))
    assert page.next() == {"type": "message.posted", "n": 1}
    with workspace.db.session() as session:  # what an admin's PATCH of his access does
        member = session.get(Member, (space["id"], bob_id))
        assert member is not None
        member.access = {"chat": "none"}
    changed = {"type": "member.changed", "space": space["id"], "user": bob_id}
    served.call(workspace.bus.publish(space_topic(space["id"]), changed))
    assert page.next() == changed
    served.call(workspace.bus.publish(topic, {"type": "message.posted", "n": 2}))
    alice.patch(f"/api/spaces/{space['id']}", json={"name": "Projet 2"})  # still a member
    assert page.next() == {"type": "space.changed", "space": space["id"]}


def test_the_channels_a_person_hears_are_those_the_policy_lets_them_read(
    workspace: Workspace,
) -> None:
    for name in ("alice", "bob", "gwen", "zoe"):
        add_user(workspace.db, name, PASSWORD)
    alice, bob, gwen, zoe = (user_id(workspace, n) for n in ("alice", "bob", "gwen", "zoe"))
    with workspace.db.session() as session:
        from palabre.spaces.store import create_space

        space = create_space(session, alice, "Projet")[0].id
        other = create_space(session, zoe, "Other")[0].id
        session.add(Member(space_id=space, user_id=bob, role="member", access={}))
        session.add(
            Member(
                space_id=space,
                user_id=gwen,
                role="guest",
                access={"chat": "none", "documents": "none"},
            )
        )
        public = Channel(space_id=space, name="general")
        private = Channel(space_id=space, name="board", private=True)
        listed = Channel(space_id=space, name="bob-and-alice", private=True)
        elsewhere = Channel(space_id=other, name="outside")
        direct = Channel(kind="direct")
        gone = Channel(kind="direct")
        session.add_all([public, private, listed, elsewhere, direct, gone])
        session.flush()
        session.add_all(
            [
                ChannelMember(channel_id=listed.id, user_id=bob),
                ChannelMember(channel_id=direct.id, user_id=bob),
                ChannelMember(channel_id=direct.id, user_id=zoe),
                ChannelMember(channel_id=gone.id, user_id=bob, listed=False),
                # A place in another space's channel gives nothing without the space.
                ChannelMember(channel_id=elsewhere.id, user_id=bob),
            ]
        )
        session.flush()
        ids = {c.name: c.id for c in (public, private, listed, elsewhere)}
        direct_id = direct.id
    with workspace.db.session() as session:
        heard = audience_of(session, bob)
        assert heard is not None
        assert heard.topics == {
            user_topic(bob),
            space_topic(space),
            documents_topic(space),
            f"channel:{ids['general']}",
            f"channel:{ids['bob-and-alice']}",
            f"channel:{direct_id}",
        }
        # In the space, but no access to its chat nor its documents (whose titles and
        # comments go on a topic of their own).
        guest = audience_of(session, gwen)
        assert guest is not None and guest.topics == {user_topic(gwen), space_topic(space)}
        assert audience_of(session, 10_000) is None
        # A space being deleted is heard no more.
        from palabre.spaces.models import Space

        session.get(Space, space).delete_at = utcnow()  # type: ignore[union-attr]
        session.flush()
        heard = audience_of(session, bob)
        assert heard is not None and heard.topics == {user_topic(bob), f"channel:{direct_id}"}


def test_another_sites_page_is_not_signed_in_by_the_cookie(
    sqlite_workspace: Workspace, sqlite_served: Served
) -> None:
    alice = person(sqlite_workspace, sqlite_served, "alice")
    page = Page(sqlite_served, cookie=sqlite_served.cookie(alice), origin="https://evil.example")
    assert page.first["type"] == "error" and page.first["code"] == "unauthenticated"
    with pytest.raises(ConnectionClosed) as closed:
        page.next()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == live.CLOSE_UNAUTHENTICATED
    anonymous = Page(sqlite_served)
    assert anonymous.first["code"] == "unauthenticated"


def test_scripts_use_a_token_and_a_bad_token_is_refused(
    workspace: Workspace, served: Served
) -> None:
    alice = person(workspace, served, "alice")
    space = alice.post("/api/spaces", json={"name": "Projet"}).json()
    script = Page(served, token=make_token(workspace, "alice", "read"))
    assert script.first["type"] == "hello"
    alice.patch(f"/api/spaces/{space['id']}", json={"name": "Projet 2"})
    assert script.next() == {"type": "space.changed", "space": space["id"]}
    bad = Page(served, token="plb_not-a-token")
    assert bad.first["type"] == "error" and bad.first["code"] == "unauthenticated"


def test_heartbeats_keep_answering_pages_and_close_silent_ones(
    sqlite_workspace: Workspace, sqlite_served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "PING_INTERVAL", 0.5)
    alice = person(sqlite_workspace, sqlite_served, "alice")
    awake = Page(sqlite_served, cookie=sqlite_served.cookie(alice))
    assert awake.heard_nothing(2.0)  # pings only, answered
    assert awake.pings >= 2
    awake.close()
    asleep = Page(sqlite_served, cookie=sqlite_served.cookie(alice), pong=False)
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            asleep.next()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == live.CLOSE_NO_PONG
    assert asleep.pings >= 1


def test_a_revoked_token_ends_its_page_at_the_next_heartbeat(
    sqlite_workspace: Workspace, sqlite_served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "PING_INTERVAL", 0.5)
    person(sqlite_workspace, sqlite_served, "alice")
    token = make_token(sqlite_workspace, "alice")
    page = Page(sqlite_served, token=token)
    with sqlite_workspace.db.session() as session:
        session.query(ApiToken).update({"revoked_at": utcnow()})
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            event = page.next()
            assert event["type"] == "closing"
    assert closed.value.rcvd is not None and closed.value.rcvd.code == live.CLOSE_UNAUTHENTICATED


def test_a_page_that_fell_behind_gets_a_resync(
    sqlite_workspace: Workspace, sqlite_served: Served
) -> None:
    alice = person(sqlite_workspace, sqlite_served, "alice")
    space = alice.post("/api/spaces", json={"name": "Projet"}).json()
    page = Page(sqlite_served, cookie=sqlite_served.cookie(alice))

    async def burst() -> None:  # faster than any page: the loop does not yield meanwhile
        for n in range(QUEUE_LIMIT + 100):
            await sqlite_workspace.bus.publish(space_topic(space["id"]), {"type": "x", "n": n})

    sqlite_served.call(burst())
    assert page.next() == {"type": "resync"}
    alice.patch(f"/api/spaces/{space['id']}", json={"name": "Projet 2"})
    assert page.next() == {"type": "space.changed", "space": space["id"]}  # live again


def test_a_page_sends_only_pongs(sqlite_workspace: Workspace, sqlite_served: Served) -> None:
    alice = person(sqlite_workspace, sqlite_served, "alice")
    page = Page(sqlite_served, cookie=sqlite_served.cookie(alice))
    for bad in ("not json", json.dumps({"type": "subscribe", "topic": "space:1"}), "x" * 5000):
        page.ws.send(bad)
        error = page.next()
        assert error["type"] == "error" and error["code"] == "invalid"
    page.ws.send(json.dumps({"type": "pong"}))
    assert page.heard_nothing(0.3)
