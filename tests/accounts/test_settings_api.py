"""/api/me/settings on SQLite and PostgreSQL: the name others see and whether co-members see
one's e-mail address, changed by the person only, refused values changing nothing."""

from __future__ import annotations

from palabre.accounts.users import User
from space_kit import join, new_space
from workspace import Workspace


def test_a_person_renames_themself_and_co_members_see_the_new_name(workspace: Workspace) -> None:
    alice, bob = workspace.person("alice", "Alice"), workspace.person("bob")
    space = new_space(alice)
    join(alice, space["id"], "bob")
    edited = alice.patch("/api/me/settings", json={"display_name": "  Alice   Martin\u0007 "})
    assert edited.status_code == 200, edited.text
    assert edited.json()["display_name"] == "Alice Martin"
    assert alice.get("/api/me").json()["displayName"] == "Alice Martin"
    members = bob.get(f"/api/spaces/{space['id']}/members").json()
    assert "Alice Martin" in {m["display_name"] for m in members}


def test_a_refused_setting_changes_nothing(workspace: Workspace) -> None:
    alice = workspace.person("alice", "Alice")
    before = alice.get("/api/me/settings").json()
    for body in (
        {"display_name": " \t "},
        {"display_name": "Alicia", "language": "de"},
        {"email_visible": "yes"},
        {"display_name": 7},
    ):
        assert alice.patch("/api/me/settings", json=body).status_code == 400, body
    assert alice.get("/api/me/settings").json() == before


def test_co_members_see_the_address_only_when_the_person_shows_it(workspace: Workspace) -> None:
    alice, bob = workspace.person("alice"), workspace.person("bob")
    with workspace.db.session() as session:
        session.query(User).filter_by(name="bob").one().email = "bob@example.org"
    space = new_space(alice)
    join(alice, space["id"], "bob")

    def bobs_address() -> object:
        members = alice.get(f"/api/spaces/{space['id']}/members").json()
        return next(m["email"] for m in members if m["name"] == "bob")

    settings = bob.get("/api/me/settings").json()
    assert settings["email"] == "bob@example.org" and settings["email_visible"] is False
    assert bobs_address() is None
    assert bob.patch("/api/me/settings", json={"email_visible": True}).status_code == 200
    assert bobs_address() == "bob@example.org"
    assert alice.get("/api/me/settings").json()["email"] is None  # her own, not his
    assert bob.patch("/api/me/settings", json={"email_visible": False}).status_code == 200
    assert bobs_address() is None
