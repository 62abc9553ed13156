"""/api/notifications, /api/spaces/{id}/notify and /api/me/settings on SQLite and PostgreSQL:
one's own notifications only, newest first by pages, marked read; levels; the language."""

from __future__ import annotations

from typing import Any

from palabre.accounts.users import User
from palabre.notify.store import add_notification
from palabre.spaces.models import Member
from workspace import Workspace


def user_id(workspace: Workspace, name: str) -> int:
    with workspace.db.session() as session:
        return session.query(User).filter_by(name=name).one().id


def notify(workspace: Workspace, name: str, count: int, text: str = "note") -> list[int]:
    """What messaging's operations do: notifications made in a transaction."""
    uid = user_id(workspace, name)
    with workspace.db.session() as session:
        return [
            add_notification(session, uid, "mention", text=f"{text} {n}")[0].id
            for n in range(count)
        ]


def test_a_person_reads_their_notifications_newest_first_by_pages(workspace: Workspace) -> None:
    alice, bob = workspace.person("alice"), workspace.person("bob")
    assert alice.get("/api/notifications").json() == {
        "notifications": [],
        "unread": 0,
        "more": False,
    }
    ids = notify(workspace, "alice", 5)
    notify(workspace, "bob", 2, "for bob")
    first = alice.get("/api/notifications", params={"limit": 2}).json()
    assert [n["id"] for n in first["notifications"]] == [ids[4], ids[3]]
    assert first["unread"] == 5 and first["more"] is True
    assert first["notifications"][0]["text"] == "note 4"
    assert first["notifications"][0]["read"] is False
    rest = alice.get("/api/notifications", params={"before": ids[3], "limit": 10}).json()
    assert [n["id"] for n in rest["notifications"]] == [ids[2], ids[1], ids[0]]
    assert rest["more"] is False
    assert "for bob" not in alice.get("/api/notifications").text
    assert bob.get("/api/notifications").json()["unread"] == 2


def test_marking_read_by_ids_or_all(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    ids = notify(workspace, "alice", 4)
    response = alice.post("/api/notifications/read", json={"ids": [ids[0], ids[2]]})
    assert response.status_code == 200 and response.json() == {"unread": 2}
    again = alice.post("/api/notifications/read", json={"ids": [ids[0]]})  # no harm
    assert again.json() == {"unread": 2}
    read = {n["id"]: n["read"] for n in alice.get("/api/notifications").json()["notifications"]}
    assert read == {ids[0]: True, ids[1]: False, ids[2]: True, ids[3]: False}
    assert alice.post("/api/notifications/read", json={"all": True}).json() == {"unread": 0}
    assert all(n["read"] for n in alice.get("/api/notifications").json()["notifications"])


def test_anothers_notification_is_not_found_and_nothing_changes(workspace: Workspace) -> None:
    alice, mallory = workspace.person("alice"), workspace.person("mallory")
    hers = notify(workspace, "alice", 2, "secret")
    mine = notify(workspace, "mallory", 1)
    for ids in ([hers[0]], [mine[0], hers[1]], [10_000]):
        response = mallory.post("/api/notifications/read", json={"ids": ids})
        assert response.status_code == 404
        assert "secret" not in response.text
    assert mallory.get("/api/notifications").json()["unread"] == 1  # hers neither
    assert alice.get("/api/notifications").json()["unread"] == 2


def test_bad_input_is_refused_and_changes_nothing(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    notify(workspace, "alice", 2)
    for body in (
        {},
        {"ids": [1], "all": True},
        {"ids": []},
        {"ids": ["x"]},
        {"all": "yes"},
        {"ids": list(range(1, 502))},
        {"every": True},
    ):
        response = alice.post("/api/notifications/read", json=body)
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "invalid"
    for params in ({"limit": "0"}, {"limit": "101"}, {"before": "abc"}, {"before": "0"}):
        assert alice.get("/api/notifications", params=params).status_code == 400, params
    assert alice.get("/api/notifications").json()["unread"] == 2


def test_reading_needs_a_sign_in_and_marking_a_write_token(workspace: Workspace) -> None:
    assert workspace.anonymous().get("/api/notifications").status_code == 401
    alice = workspace.person("alice")
    del alice.headers["x-csrf-token"]
    assert alice.post("/api/notifications/read", json={"all": True}).status_code == 403


def test_the_level_of_a_space_is_the_members_own(workspace: Workspace) -> None:
    alice, gwen = workspace.person("alice"), workspace.person("gwen", guest=True)
    mallory = workspace.person("mallory")
    space = alice.post("/api/spaces", json={"name": "Projet"}).json()
    assert space["notify"] == "all"
    with workspace.db.session() as session:
        session.add(Member(space_id=space["id"], user_id=user_id(workspace, "gwen"), role="guest"))
    url = f"/api/spaces/{space['id']}/notify"
    response = alice.put(url, json={"level": "mentions"})
    assert response.status_code == 200
    assert response.json() == {"space": space["id"], "level": "mentions"}
    assert alice.get(f"/api/spaces/{space['id']}").json()["notify"] == "mentions"
    assert gwen.put(url, json={"level": "none"}).status_code == 200
    assert gwen.get(f"/api/spaces/{space['id']}").json()["notify"] == "none"
    assert alice.get(f"/api/spaces/{space['id']}").json()["notify"] == "mentions"  # hers
    for body in ({"level": "loud"}, {"level": None}, {}, {"level": "all", "x": 1}):
        assert alice.put(url, json=body).status_code == 400, body
    assert alice.get(f"/api/spaces/{space['id']}").json()["notify"] == "mentions"
    refused = mallory.put(url, json={"level": "none"})
    assert refused.status_code == 404 and "Projet" not in refused.text


def test_a_person_chooses_the_language_of_their_mail(workspace: Workspace) -> None:
    alice = workspace.person("alice")

    def language(response: Any) -> Any:
        return response.json()["language"]

    assert language(alice.get("/api/me/settings")) is None
    assert language(alice.patch("/api/me/settings", json={"language": "en"})) == "en"
    for body in ({"language": "de"}, {"language": 3}, {"lang": "fr"}):
        assert alice.patch("/api/me/settings", json=body).status_code == 400, body
    assert language(alice.patch("/api/me/settings", json={})) == "en"
    assert language(alice.get("/api/me/settings")) == "en"
    assert workspace.anonymous().get("/api/me/settings").status_code == 401
