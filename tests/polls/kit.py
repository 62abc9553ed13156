"""Helpers of the polls tests."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

SLOTS = [
    {"start": "2026-12-07T10:00:00+01:00", "end": "2026-12-07T11:00:00+01:00"},
    {"start": "2026-12-08T14:00:00+01:00", "end": "2026-12-08T15:00:00+01:00"},
    {"start": "2026-12-09T09:00:00+01:00", "end": "2026-12-09T10:00:00+01:00"},
]


def new_poll(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"title": "Comité de pilotage", "description": "Trimestriel", "slots": SLOTS,
            "timezone": "Europe/Paris",
            "invites": [{"label": "Ann", "email": "ann@example.org"}, {"label": "Bob"}],
            **fields}  # fmt: skip
    response = client.post("/api/polls", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]
