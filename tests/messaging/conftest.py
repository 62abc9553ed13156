"""A team for the messaging tests: a space with its owner, an admin, a member and a guest;
a stranger (an organisation account in no space of theirs) and a guest of another space.

Members are added straight in the database: the membership API is another branch's."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from palabre.accounts.api_tokens import ApiToken, new_token, token_hash
from palabre.accounts.users import User, add_user
from palabre.bus import Event
from palabre.spaces.models import Member
from workspace import Workspace


def user_id(ws: Workspace, name: str) -> int:
    with ws.db.session() as session:
        return int(session.scalar(select(User.id).where(User.name == name)))


def add_member(ws: Workspace, space_id: int, name: str, role: str, **columns: Any) -> None:
    with ws.db.session() as session:
        session.add(
            Member(space_id=space_id, user_id=user_id(ws, name), role=role, access={}, **columns)
        )


def post(client: TestClient, channel: int, body: str, **fields: Any) -> dict[str, Any]:
    response = client.post(
        f"/api/channels/{channel}/messages",
        json={"body": body, "client_id": uuid.uuid4().hex, **fields},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


class Recorder:
    """The bus, with every event published kept in order."""

    def __init__(self, bus: Any) -> None:
        self.bus = bus
        self.events: list[tuple[str, Event]] = []

    async def publish(self, topic: str, event: Event) -> None:
        self.events.append((topic, msgspec.to_builtins(event)))  # as another process hears it
        await self.bus.publish(topic, event)

    def subscribe(self) -> Any:
        return self.bus.subscribe()

    async def close(self) -> None:
        await self.bus.close()

    def of(self, kind: str) -> list[tuple[str, Event]]:
        return [(topic, event) for topic, event in self.events if event["type"] == kind]


@dataclass
class Team:
    ws: Workspace
    space: int
    other_space: int
    general: int
    other_general: int
    people: dict[str, TestClient] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    bus: Recorder | None = None

    def __getattr__(self, name: str) -> TestClient:
        try:
            return self.people[name]
        except KeyError:
            raise AttributeError(name) from None


def token_person(ws: Workspace, name: str, guest: bool = False) -> TestClient:
    """A new account calling with a personal access token (no password to hash: quicker)."""
    add_user(ws.db, name, None, name.title())
    token = new_token()
    with ws.db.session() as session:
        user = session.scalar(select(User).where(User.name == name))
        assert user is not None
        user.guest = guest
        session.add(
            ApiToken(user_id=user.id, name="tests", token_hash=token_hash(token),
                     scopes="read write")
        )  # fmt: skip
    client = ws.anonymous()
    client.headers["authorization"] = f"Bearer {token}"
    return client


def make_team(ws: Workspace) -> Team:
    olga = ws.person("olga")  # the owner, signed in with a password (cookie and CSRF)
    space = olga.post("/api/spaces", json={"name": "Équipe"}).json()["id"]
    oscar_owner = token_person(ws, "otto")
    other = oscar_owner.post("/api/spaces", json={"name": "Ailleurs"}).json()["id"]
    people = {"olga": olga, "otto": oscar_owner}
    for name, guest in (("adam", False), ("bob", False), ("gwen", True), ("mallory", False),
                        ("oscar", True)):  # fmt: skip
        people[name] = token_person(ws, name, guest=guest)
    add_member(ws, space, "adam", "admin")
    add_member(ws, space, "bob", "member")
    add_member(ws, space, "gwen", "guest")
    add_member(ws, other, "oscar", "guest")
    generals = {}
    for sid, client in ((space, olga), (other, oscar_owner)):
        channels = client.get(f"/api/spaces/{sid}/channels").json()
        generals[sid] = next(c["id"] for c in channels if c["name"] == "general")
    team = Team(ws, space, other, generals[space], generals[other], people)
    team.ids = {name: user_id(ws, name) for name in people}
    recorder = Recorder(ws.app.state.api.bus)
    ws.app.state.api.bus = recorder
    team.bus = recorder
    return team


@pytest.fixture
def team(workspace: Workspace) -> Iterator[Team]:
    """On SQLite, then on PostgreSQL."""
    yield make_team(workspace)


@pytest.fixture
def sqlite_team(sqlite_workspace: Workspace) -> Iterator[Team]:
    yield make_team(sqlite_workspace)
