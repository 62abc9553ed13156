"""Helpers of the tasks tests."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient


def made(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


def board_with_lists(client: TestClient, space: int, *titles: str) -> tuple[int, list[int]]:
    board = made(client.post(f"/api/spaces/{space}/boards", json={"title": "Sprint"}))["id"]
    lists = [made(client.post(f"/api/boards/{board}/lists", json={"title": t}))["id"]
             for t in titles]  # fmt: skip
    return board, lists


def card(client: TestClient, list_id: int, title: str) -> int:
    return int(made(client.post(f"/api/lists/{list_id}/cards", json={"title": title}))["id"])


def titles(client: TestClient, board: int, **filters: Any) -> list[list[str]]:
    response = client.get(f"/api/boards/{board}", params=filters)
    assert response.status_code == 200, response.text
    return [[c["title"] for c in lst["cards"]] for lst in response.json()["lists"]]
