"""Personal access tokens end to end (/api/tokens): made with a session, shown once, used as
Bearer, scoped, listed without secret, revoked and expired ones refused with 401, and no token
makes tokens."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from starlette.testclient import TestClient

from palabre.accounts.api_tokens import ApiToken
from palabre.db import utcnow
from space_kit import count, new_space
from workspace import Workspace


def bearer(ws: Workspace, token: str) -> TestClient:
    client = ws.anonymous()
    client.headers["authorization"] = f"Bearer {token}"
    return client


def make(client: TestClient, **body: object) -> dict[str, object]:
    response = client.post("/api/tokens", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_token_is_shown_once_and_works_within_its_scopes(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    sid = new_space(alice, "Alpha")["id"]
    reader = make(alice, name="  my   script ")
    writer = make(alice, name="bot", scopes="write read", expires_in=3600)
    assert reader["scopes"] == "read" and reader["name"] == "my script"
    assert writer["scopes"] == "read write" and writer["expires_at"] is not None
    assert str(reader["token"]).startswith("plb_")
    listed = alice.get("/api/tokens")
    assert [t["name"] for t in listed.json()] == ["bot", "my script"]
    assert str(reader["token"]) not in listed.text and "token_hash" not in listed.text

    read = bearer(workspace, str(reader["token"]))
    assert read.get(f"/api/spaces/{sid}").json()["name"] == "Alpha"
    refused = read.patch(f"/api/spaces/{sid}", json={"name": "Read only?"})
    assert refused.status_code == 403
    assert alice.get(f"/api/spaces/{sid}").json()["name"] == "Alpha"

    write = bearer(workspace, str(writer["token"]))  # no CSRF token needed
    assert write.patch(f"/api/spaces/{sid}", json={"name": "Beta"}).status_code == 200
    assert write.post("/api/tokens", json={"name": "child"}).status_code == 403
    assert read.post("/api/tokens", json={"name": "child"}).status_code == 403
    assert count(workspace, ApiToken) == 2
    assert alice.get("/api/tokens").json()[0]["last_used_at"] is not None


def test_revoked_and_expired_tokens_get_401(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    revoked, expired = make(alice, name="one"), make(alice, name="two")
    assert alice.delete(f"/api/tokens/{revoked['id']}").status_code == 204
    assert alice.delete(f"/api/tokens/{revoked['id']}").status_code == 404
    with workspace.db.session() as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == expired["id"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    for token in (revoked["token"], expired["token"], "plb_forged", "not-even-plb"):
        response = bearer(workspace, str(token)).get("/api/spaces")
        assert response.status_code == 401, token
        assert response.json()["error"]["code"] == "unauthenticated"
    assert alice.get("/api/tokens").json() == []  # neither is current


def test_a_token_can_revoke_itself_but_not_another_s(workspace: Workspace) -> None:
    alice, bob = workspace.person("alice"), workspace.person("bob")
    mine = make(alice, name="mine", scopes="read write")
    theirs = make(bob, name="theirs")
    assert alice.delete(f"/api/tokens/{theirs['id']}").status_code == 404
    assert bearer(workspace, str(theirs["token"])).get("/api/spaces").status_code == 200
    client = bearer(workspace, str(mine["token"]))
    assert client.delete(f"/api/tokens/{mine['id']}").status_code == 204
    assert client.get("/api/spaces").status_code == 401


def test_bad_tokens_are_refused_and_nothing_is_made(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    for body in (
        {"name": ""},
        {"name": "x" * 81},
        {"name": "a", "scopes": "admin"},
        {"name": "a", "scopes": "write"},
        {"name": "a", "scopes": ""},
        {"name": "a", "expires_in": 0},
        {"name": "a", "expires_in": -5},
        {"name": "a", "expires_in": 10**12},
        {"name": "a", "owner": "bob"},
    ):
        response = alice.post("/api/tokens", json=body)
        assert response.status_code == 400, (body, response.text)
    assert count(workspace, ApiToken) == 0
    assert workspace.anonymous().post("/api/tokens", json={"name": "a"}).status_code == 401
    del alice.headers["x-csrf-token"]
    assert alice.post("/api/tokens", json={"name": "a"}).status_code == 403
    assert count(workspace, ApiToken) == 0
