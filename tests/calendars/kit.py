"""Helpers of the calendars tests."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from palabre.spaces.models import Member
from space_kit import user_id
from workspace import Workspace


def calendars(client: TestClient) -> list[dict[str, Any]]:
    response = client.get("/api/calendars")
    assert response.status_code == 200, response.text
    return list(response.json())


def own_calendar(client: TestClient) -> int:
    return int(next(c["id"] for c in calendars(client) if c["kind"] == "personal"))


def space_calendar(client: TestClient, space_id: int) -> int:
    return int(next(c["id"] for c in calendars(client) if c["space"] == space_id))


def new_event(client: TestClient, calendar_id: int, **fields: Any) -> dict[str, Any]:
    body = {"summary": "Point", "start": "2026-12-07T10:00", "end": "2026-12-07T11:00",
            "timezone": "Europe/Paris", **fields}  # fmt: skip
    response = client.post(f"/api/calendars/{calendar_id}/events", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def events(client: TestClient, calendar_id: int, start: str, end: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/calendars/{calendar_id}/events",
                          params={"start": start, "end": end})  # fmt: skip
    assert response.status_code == 200, response.text
    return list(response.json())


def add_member(ws: Workspace, space_id: int, name: str, role: str) -> None:
    """Place an account in a space directly (guests come by invitation otherwise)."""
    with ws.db.session() as session:
        session.add(Member(space_id=space_id, user_id=user_id(ws, name), role=role))
