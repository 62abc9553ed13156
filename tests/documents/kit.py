"""Helpers of the documents tests: a served workspace with a space, its people and a
document; a Yjs client's URL for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from palabre.accounts.users import add_user
from served import Served
from space_kit import user_id
from workspace import PASSWORD, Workspace


@dataclass
class Team:
    """In one space: an owner, a member, a guest (documents: read), a read-only member
    (documents: read, set by the owner), and a stranger."""

    served: Served
    space: int
    people: dict[str, httpx.Client]

    def __getitem__(self, name: str) -> httpx.Client:
        return self.people[name]

    def new_document(self, title: str = "Notes", kind: str = "text", **more: Any) -> str:
        response = self["owner"].post(
            f"/api/spaces/{self.space}/documents", json={"title": title, "kind": kind, **more}
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def yjs_url(self, document_id: str) -> str:
        return f"{self.served.ws_url}/api/yjs/{document_id}"

    def cookie(self, name: str) -> str:
        return Served.cookie(self[name])


def team(workspace: Workspace, served: Served) -> Team:
    for name in ("owner", "member", "guest", "reader", "stranger"):
        add_user(workspace.db, name, PASSWORD, name.title())
    people = {
        name: served.sign_in(name) for name in ("owner", "member", "guest", "reader", "stranger")
    }
    owner = people["owner"]
    space = owner.post("/api/spaces", json={"name": "Projet"}).json()["id"]
    for name, role in (("member", "member"), ("guest", "guest"), ("reader", "member")):
        response = owner.post(f"/api/spaces/{space}/members", json={"user": name, "role": role})
        assert response.status_code == 201, response.text
    reader_id = user_id(workspace, "reader")
    response = owner.patch(
        f"/api/spaces/{space}/members/{reader_id}", json={"access": {"documents": "read"}}
    )
    assert response.status_code == 200, response.text
    return Team(served, space, people)
