"""Channels and direct conversations: the general channel, create, list, edit, archive,
private lists, direct conversations found or made, notification levels; SQLite and
PostgreSQL."""

from __future__ import annotations

from sqlalchemy import delete, text

from messaging.conftest import Team, post
from palabre.db import utcnow
from palabre.messaging.models import Channel
from palabre.spaces.models import Space


def test_a_space_is_made_with_its_general_channel(team: Team) -> None:
    channels = team.gwen.get(f"/api/spaces/{team.space}/channels").json()
    assert [(c["name"], c["private"], c["kind"]) for c in channels] == [
        ("general", False, "channel")
    ]
    assert channels[0]["space"] == team.space and channels[0]["last_seq"] == 0
    created = team.bus.of("channel.created")  # type: ignore[union-attr]
    # (the fixture's spaces were made before the bus was recorded)
    assert created == []


def test_members_create_public_and_private_channels(team: Team) -> None:
    url = f"/api/spaces/{team.space}/channels"
    public = team.bob.post(url, json={"name": "Projet Alpha", "topic": " Le  projet "})
    assert public.status_code == 201, public.text
    assert public.json()["name"] == "projet-alpha" and public.json()["topic"] == "Le projet"
    assert team.bob.post(url, json={"name": "PROJET alpha"}).status_code == 409
    private = team.bob.post(
        url, json={"name": "bureau", "private": True, "members": [team.ids["adam"]]}
    )
    assert private.status_code == 201, private.text
    view = private.json()
    assert view["private"] and {p["name"] for p in view["members"]} == {"bob", "adam"}
    names = lambda client: {c["name"] for c in client.get(url).json()}  # noqa: E731
    assert names(team.adam) == names(team.bob) == {"general", "projet-alpha", "bureau"}
    assert names(team.gwen) == names(team.olga) == {"general", "projet-alpha"}
    # The owner is not on the private list: it does not exist for her.
    assert team.olga.get(f"/api/channels/{view['id']}").status_code == 404
    # Events: the public one on the space's topic, the private one to its people only.
    created = team.bus.of("channel.created")  # type: ignore[union-attr]
    assert (f"space:{team.space}", {"type": "channel.created", "space": team.space,
                                    "channel": public.json()["id"]}) in created  # fmt: skip
    private_topics = {topic for topic, e in created if e["channel"] == view["id"]}
    assert private_topics == {f"user:{team.ids['bob']}", f"user:{team.ids['adam']}"}


def test_bad_channels_are_refused(team: Team) -> None:
    url = f"/api/spaces/{team.space}/channels"
    for body in (
        {"name": ""},
        {"name": "x" * 81},
        {"name": "a/b"},
        {"name": "<b>"},
        {"name": "ok", "topic": "t" * 501},
        {"name": "ok", "members": [team.ids["adam"]]},  # a public channel lists nobody
        {"name": "ok", "private": True, "members": [team.ids["mallory"]]},  # not a member
        {"name": "ok", "private": True, "members": [10**6]},
        {"name": "ok", "colour": "red"},
    ):
        response = team.bob.post(url, json=body)
        assert response.status_code == 400, body
    # Guests make no channel.
    assert team.gwen.post(url, json={"name": "guests"}).status_code == 403
    assert {c["name"] for c in team.bob.get(url).json()} == {"general"}


def test_managers_edit_archive_and_list(team: Team) -> None:
    made = team.bob.post(
        f"/api/spaces/{team.space}/channels", json={"name": "secret", "private": True}
    ).json()
    cid = made["id"]
    assert team.bob.patch(f"/api/channels/{cid}", json={"topic": "Chut"}).json()["topic"] == "Chut"
    # Bob is the creator: he manages it. He adds Gwen (a guest of the space) and Adam.
    for who in ("gwen", "adam"):
        response = team.bob.post(f"/api/channels/{cid}/members", json={"user": team.ids[who]})
        assert response.status_code == 200
    assert (
        team.bob.post(
            f"/api/channels/{cid}/members", json={"user": team.ids["mallory"]}
        ).status_code
        == 400
    )
    listed = team.gwen.get(f"/api/channels/{cid}/members").json()
    assert [p["name"] for p in listed] == ["bob", "gwen", "adam"]
    # Gwen may read but not manage it; she may leave.
    assert team.gwen.patch(f"/api/channels/{cid}", json={"name": "x"}).status_code == 403
    assert team.gwen.delete(f"/api/channels/{cid}/members/{team.ids['adam']}").status_code == 403
    assert team.gwen.delete(f"/api/channels/{cid}/members/{team.ids['gwen']}").status_code == 200
    assert team.gwen.get(f"/api/channels/{cid}").status_code == 404
    # An admin of the space manages any channel it can read (Adam is listed).
    assert team.adam.patch(f"/api/channels/{cid}", json={"name": "Bureau"}).json()["name"] == (
        "bureau"
    )
    assert team.adam.patch(f"/api/channels/{cid}", json={"name": "general"}).status_code == 409
    archived = team.adam.post(f"/api/channels/{cid}/archive")
    assert archived.status_code == 200 and archived.json()["archived_at"] is not None
    refused = team.bob.post(
        f"/api/channels/{cid}/messages", json={"body": "encore", "client_id": "z"}
    )
    assert refused.status_code == 403
    assert team.adam.post(f"/api/channels/{cid}/unarchive").json()["archived_at"] is None
    post(team.bob, cid, "encore")
    # Public channels have no list to manage.
    general = f"/api/channels/{team.general}/members"
    assert team.olga.post(general, json={"user": team.ids["bob"]}).status_code == 400
    assert team.bob.get(general).status_code == 400


def test_direct_conversations_found_or_made(team: Team) -> None:
    made = team.bob.post("/api/direct", json={"users": [team.ids["gwen"]]})
    assert made.status_code == 201, made.text
    direct = made.json()
    assert direct["kind"] == "direct" and direct["space"] is None
    assert {p["name"] for p in direct["members"]} == {"bob", "gwen"}
    # The same people in any order, from either side: the same conversation.
    again = team.gwen.post("/api/direct", json={"users": [team.ids["bob"], team.ids["gwen"]]})
    assert again.status_code == 200 and again.json()["id"] == direct["id"]
    group = team.gwen.post(
        "/api/direct", json={"users": [team.ids["bob"], team.ids["olga"]]}
    ).json()
    assert group["id"] != direct["id"] and len(group["members"]) == 3
    post(team.gwen, direct["id"], "coucou")
    # The latest active first: the one with a message, then the newer empty one.
    assert [c["id"] for c in team.bob.get("/api/direct").json()] == [direct["id"], group["id"]]
    assert [c["id"] for c in team.olga.get("/api/direct").json()] == [group["id"]]
    assert team.bob.get(f"/api/channels/{direct['id']}").json()["unread"] == 1
    # Not in it: it does not exist for you. No settings to manage.
    assert team.adam.get(f"/api/channels/{direct['id']}").status_code == 404
    assert team.bob.patch(f"/api/channels/{direct['id']}", json={"topic": "x"}).status_code == 403
    created = team.bus.of("channel.created")  # type: ignore[union-attr]
    assert {t for t, e in created if e["channel"] == direct["id"]} == {
        f"user:{team.ids['bob']}",
        f"user:{team.ids['gwen']}",
    }


def test_direct_needs_a_shared_space(team: Team) -> None:
    for who, others in (
        ("bob", [team.ids["mallory"]]),  # in no space of Bob's
        ("gwen", [team.ids["oscar"]]),  # a guest of another space
        ("oscar", [team.ids["gwen"]]),
        ("mallory", [team.ids["bob"]]),
        ("bob", [10**6]),
    ):
        response = team.people[who].post("/api/direct", json={"users": others})
        assert response.status_code == 404, (who, others)
        assert "mallory" not in response.text and "oscar" not in response.text
    assert team.bob.post("/api/direct", json={"users": []}).status_code == 400
    assert team.bob.post("/api/direct", json={"users": [team.ids["bob"]]}).status_code == 400
    assert team.mallory.get("/api/direct").json() == []


def test_notification_level_per_channel(team: Team) -> None:
    url = f"/api/channels/{team.general}/notify"
    assert team.bob.get(f"/api/channels/{team.general}").json()["notify"] == "default"
    for level in ("all", "mentions", "none", "default"):
        response = team.bob.put(url, json={"level": level})
        assert response.status_code == 200 and response.json()["notify"] == level
    assert team.bob.put(url, json={"level": "loud"}).status_code == 400
    assert team.bob.get(f"/api/channels/{team.general}").json()["notify"] == "default"


def test_an_archived_space_is_read_only(team: Team) -> None:
    message = post(team.bob, team.general, "avant")
    with team.ws.db.session() as session:
        space = session.get(Space, team.space)
        assert space is not None
        space.archived_at = utcnow()
    url = f"/api/channels/{team.general}/messages"
    assert team.bob.get(url).json()["messages"][0]["body"] == "avant"
    assert team.bob.post(url, json={"body": "après", "client_id": "z"}).status_code == 403
    assert team.bob.patch(f"/api/messages/{message['id']}", json={"body": "x"}).status_code == 403
    assert team.olga.delete(f"/api/messages/{message['id']}").status_code == 403
    assert team.bob.post(f"/api/spaces/{team.space}/channels", json={"name": "x"}).status_code == (
        403
    )
    assert team.bob.post(f"/api/channels/{team.general}/read", json={"seq": 1}).status_code == 200
    assert len(team.bob.get("/api/search", params={"q": "avant"}).json()) == 1


def test_a_deleted_channel_leaves_nothing_to_search(team: Team) -> None:
    cid = team.bob.post(f"/api/spaces/{team.space}/channels", json={"name": "tmp"}).json()["id"]
    post(team.bob, cid, "éphémère")
    assert len(team.bob.get("/api/search", params={"q": "éphémère"}).json()) == 1
    with team.ws.db.session() as session:
        session.execute(delete(Channel).where(Channel.id == cid))  # as a space's purge does
    assert team.bob.get("/api/search", params={"q": "éphémère"}).json() == []
    if team.ws.db.engine.dialect.name == "sqlite":
        with team.ws.db.session() as session:
            assert session.execute(text("SELECT count(*) FROM message_search")).scalar() == 0
