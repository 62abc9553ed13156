"""Helpers of the spaces tests: spaces made through the API, people placed in them, the
events the app publishes, rows counted in the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from starlette.testclient import TestClient

from palabre.accounts.users import User
from palabre.bus import Event
from workspace import Workspace


def new_space(client: TestClient, name: str = "Projet", description: str = "") -> dict[str, Any]:
    response = client.post("/api/spaces", json={"name": name, "description": description})
    assert response.status_code == 201, response.text
    return response.json()


def user_id(ws: Workspace, name: str) -> int:
    with ws.db.session() as session:
        uid = session.scalar(select(User.id).where(User.name == name))
    assert uid is not None, name
    return uid


def join(owner: TestClient, space_id: int, name: str, role: str = "member") -> None:
    """Add the account `name` to the space (the owner adds them by name)."""
    response = owner.post(f"/api/spaces/{space_id}/members", json={"user": name, "role": role})
    assert response.status_code == 201, response.text


def count(ws: Workspace, model: Any, *where: Any) -> int:
    with ws.db.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def published(ws: Workspace) -> list[tuple[str, Event]]:
    """From now on, every (topic, event) the app publishes, in order."""
    seen: list[tuple[str, Event]] = []
    original = ws.bus.publish

    async def publish(topic: str, event: Event) -> None:
        seen.append((topic, event))
        await original(topic, event)

    ws.bus.publish = publish  # type: ignore[method-assign]
    return seen
