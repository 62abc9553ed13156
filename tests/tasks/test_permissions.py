"""Every tasks endpoint tried by everyone: not signed in, a stranger, a guest of the space
(reads, changes nothing), a member who may only read its boards, a member and its owner. A
stranger gets 404 and learns nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from calendars.kit import add_member
from palabre.web.api import tasks as tasks_api
from space_kit import new_space, user_id
from workspace import Workspace

from .kit import board_with_lists, card

SECRET = "Zanzibar Secret"
CALLERS = ("anonymous", "stranger", "guest", "reader", "member", "owner")
READ = (401, 404, 200, 200, 200, 200)


def write(ok: int) -> tuple[int, ...]:
    return (401, 404, 403, 403, ok, ok)


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # with {space}, {board}, {list}, {card}, {file} (attached), {other} (not)
    want: tuple[int, ...]
    body: dict[str, Any] | None = None


CASES = [
    Case("GET", "/api/spaces/{space}/boards", READ),
    Case("POST", "/api/spaces/{space}/boards", write(201), {"title": "New"}),
    Case("GET", "/api/boards/{board}", READ),
    Case("PATCH", "/api/boards/{board}", write(200), {"title": "Renamed"}),
    Case("DELETE", "/api/boards/{board}", write(204)),
    Case("POST", "/api/boards/{board}/lists", write(201), {"title": "Done"}),
    Case("PATCH", "/api/lists/{list}", write(200), {"title": "Later", "after": None}),
    Case("DELETE", "/api/lists/{list}", write(204)),
    Case("POST", "/api/lists/{list}/cards", write(201), {"title": "Card"}),
    Case("GET", "/api/cards/{card}", READ),
    Case("PATCH", "/api/cards/{card}", write(200), {"done": True}),
    Case("DELETE", "/api/cards/{card}", write(204)),
    Case("POST", "/api/cards/{card}/comments", write(201), {"body": "Hi"}),
    Case("POST", "/api/cards/{card}/attachments", write(201), {"file": "{other}"}),
    Case("DELETE", "/api/cards/{card}/attachments/{file}", write(204)),
    Case("GET", "/api/tasks/mine", (401, 200, 200, 200, 200, 200)),
]


@pytest.fixture
def files_workspace(database_url: str, tmp_path: Path) -> Iterator[Workspace]:
    """The workspace API, its files' blobs in this test's directory (attachments)."""
    ws = Workspace(database_url, data_dir=str(tmp_path / "data"))
    yield ws
    ws.close()


def attached(owner: TestClient, space: int, card_id: int) -> dict[str, str]:
    """A file attached to the card, another not: both of the space."""
    ids = []
    for name in ("attached.txt", "other.txt"):
        sent = owner.post(f"/api/spaces/{space}/files/upload", params={"name": name},
                          content=SECRET.encode())  # fmt: skip
        assert sent.status_code == 201, sent.text
        ids.append(sent.json()["id"])
    done = owner.post(f"/api/cards/{card_id}/attachments", json={"file": ids[0]})
    assert done.status_code == 201, done.text
    return {"file": ids[0], "other": ids[1]}


def test_every_tasks_endpoint_by_everyone(files_workspace: Workspace) -> None:
    workspace = files_workspace
    owner = workspace.person("olga")
    clients: dict[str, TestClient] = {
        "stranger": workspace.person("sam"),
        "guest": workspace.person("gus", guest=True),
        "reader": workspace.person("rita"),
        "member": workspace.person("mia"),
        "owner": owner,
    }
    space = new_space(owner, "Projet")["id"]
    for name, role in (("gus", "guest"), ("rita", "member"), ("mia", "member")):
        add_member(workspace, space, name, role)
    limited = owner.patch(f"/api/spaces/{space}/members/{user_id(workspace, 'rita')}",
                          json={"access": {"tasks": "read"}})  # fmt: skip
    assert limited.status_code == 200, limited.text
    wrong: list[str] = []
    for case in CASES:
        for index, caller in enumerate(CALLERS):
            board, (todo,) = board_with_lists(owner, space, SECRET)
            values: dict[str, Any] = {"space": space, "board": board, "list": todo,
                                      "card": card(owner, todo, SECRET)}  # fmt: skip
            if "attachments" in case.path:
                values |= attached(owner, space, values["card"])
            client = workspace.anonymous() if caller == "anonymous" else clients[caller]
            body = {k: v.format(**values) if isinstance(v, str) else v
                    for k, v in (case.body or {}).items()}  # fmt: skip
            kw: dict[str, Any] = {} if case.body is None else {"json": body}
            response = client.request(case.method, case.path.format(**values), **kw)
            if response.status_code != case.want[index]:
                wrong.append(f"{case.method} {case.path} as {caller}: {response.status_code} "
                             f"(wanted {case.want[index]}) {response.text[:120]}")  # fmt: skip
            if response.status_code in (401, 403, 404) and SECRET in response.text:
                wrong.append(f"{case.method} {case.path} as {caller}: says {response.text}")
    assert wrong == []


def test_the_matrix_tries_every_tasks_endpoint() -> None:
    names = {"{space}": "{space_id:int}", "{board}": "{board_id:int}", "{list}": "{list_id:int}",
             "{card}": "{card_id:int}", "{file}": "{file_id}"}  # fmt: skip
    tried = set()
    for c in CASES:
        path = c.path
        for mine, theirs in names.items():
            path = path.replace(mine, theirs)
        tried.add((c.method, path))
    assert {(e.method, e.path) for e in tasks_api.ENDPOINTS} == tried
