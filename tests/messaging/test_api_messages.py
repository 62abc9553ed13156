"""/api/channels/{cid}/messages and /api/messages: post (idempotent by client_id), history
backwards, threads, catch-up by cursor, edit, delete, reactions, pins, read markers, typing;
on SQLite and PostgreSQL."""

from __future__ import annotations

from urllib.parse import quote

from messaging.conftest import Team, post
from palabre.accounts.api_tokens import ApiToken


def test_post_is_durable_and_a_retry_is_the_same_message(team: Team) -> None:
    first = team.bob.post(
        f"/api/channels/{team.general}/messages", json={"body": "Bonjour", "client_id": "c-1"}
    )
    assert first.status_code == 201, first.text
    message = first.json()
    assert message["body"] == "Bonjour" and message["html"] == "<p>Bonjour</p>\n"
    assert message["author"]["name"] == "bob" and message["seq"] == 1
    again = team.bob.post(
        f"/api/channels/{team.general}/messages", json={"body": "Bonjour", "client_id": "c-1"}
    )
    assert again.status_code == 200 and again.json()["id"] == message["id"]
    # Another author may use the same client_id: it is theirs.
    other = team.olga.post(
        f"/api/channels/{team.general}/messages", json={"body": "Salut", "client_id": "c-1"}
    )
    assert other.status_code == 201 and other.json()["id"] != message["id"]
    page = team.adam.get(f"/api/channels/{team.general}/messages").json()
    assert [m["body"] for m in page["messages"]] == ["Salut", "Bonjour"]
    # The same client_id in another channel is a different post: refused.
    direct = team.bob.post("/api/direct", json={"users": [team.ids["olga"]]}).json()["id"]
    clash = team.bob.post(
        f"/api/channels/{direct}/messages", json={"body": "x", "client_id": "c-1"}
    )
    assert clash.status_code == 409


def test_bad_posts_are_refused_and_change_nothing(team: Team) -> None:
    url = f"/api/channels/{team.general}/messages"
    for body in (
        {"body": "", "client_id": "a"},
        {"body": "   \n ", "client_id": "a"},
        {"body": "x" * 20_001, "client_id": "a"},
        {"body": "bell\x07", "client_id": "a"},
        {"body": "ok", "client_id": ""},
        {"body": "ok", "client_id": "x" * 65},
        {"body": "ok", "client_id": "with space"},
        {"body": "ok"},
        {"body": "ok", "client_id": "a", "extra": 1},
        {"body": 3, "client_id": "a"},
    ):
        response = team.bob.post(url, json=body)
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "invalid"
    wrong_thread = team.bob.post(url, json={"body": "ok", "client_id": "a", "thread_id": 999})
    assert wrong_thread.status_code == 404
    assert team.bob.get(url).json() == {"messages": [], "more": False}
    assert team.bob.get(f"/api/channels/{team.general}").json()["last_seq"] == 0


def test_history_pages_backwards_without_limit(team: Team) -> None:
    for index in range(25):
        post(team.bob, team.general, f"message {index}")
    url = f"/api/channels/{team.general}/messages"
    seen: list[str] = []
    page = team.olga.get(url, params={"limit": 10}).json()
    while True:
        seen += [m["body"] for m in page["messages"]]
        if not page["more"]:
            break
        before = page["messages"][-1]["seq"]
        page = team.olga.get(url, params={"limit": 10, "before": before}).json()
    assert seen == [f"message {i}" for i in reversed(range(25))]
    assert team.olga.get(url, params={"limit": 0}).status_code == 400
    assert team.olga.get(url, params={"before": "x"}).status_code == 400


def test_threads_count_replies_and_stay_out_of_the_history(team: Team) -> None:
    root = post(team.olga, team.general, "Ordre du jour ?")
    first = post(team.bob, team.general, "Le budget", thread_id=root["id"])
    # A reply to a reply joins the same thread.
    second = post(team.gwen, team.general, "Et le calendrier", thread_id=first["id"])
    assert first["thread_id"] == second["thread_id"] == root["id"]
    history = team.bob.get(f"/api/channels/{team.general}/messages").json()["messages"]
    assert [m["id"] for m in history] == [root["id"]]
    assert history[0]["reply_count"] == 2 and history[0]["last_reply_at"] is not None
    replies = team.bob.get(
        f"/api/channels/{team.general}/messages", params={"thread": root["id"]}
    ).json()
    assert [m["body"] for m in replies["messages"]] == ["Le budget", "Et le calendrier"]
    later = team.bob.get(
        f"/api/channels/{team.general}/messages",
        params={"thread": root["id"], "after": first["seq"]},
    ).json()
    assert [m["id"] for m in later["messages"]] == [second["id"]]
    assert (
        team.bob.get(
            f"/api/channels/{team.general}/messages", params={"thread": first["id"]}
        ).status_code
        == 404
    )
    posted = [e["message"]["id"] for _, e in team.bus.of("message.posted")]  # type: ignore[union-attr]
    changed = [e["message"]["id"] for _, e in team.bus.of("message.changed")]  # type: ignore[union-attr]
    assert first["id"] in posted and changed.count(root["id"]) == 2


def test_changes_since_a_cursor_catch_up_on_everything(team: Team) -> None:
    url = f"/api/channels/{team.general}/changes"
    a = post(team.bob, team.general, "a")
    b = post(team.bob, team.general, "b")
    start = team.bob.get(url, params={"after": 0}).json()
    assert [m["id"] for m in start["messages"]] == [a["id"], b["id"]]
    assert start["more"] is False
    cursor = start["cursor"]
    assert team.bob.get(url, params={"after": cursor}).json()["messages"] == []
    # While away: an edit, a reply, a reaction, a delete, a new message.
    team.bob.patch(f"/api/messages/{a['id']}", json={"body": "a, edited"})
    reply = post(team.olga, team.general, "reply", thread_id=b["id"])
    team.olga.put(f"/api/messages/{b['id']}/reactions/{quote('👍')}")
    team.bob.delete(f"/api/messages/{a['id']}")
    c = post(team.bob, team.general, "c")
    caught = team.bob.get(url, params={"after": cursor}).json()
    by_id = {m["id"]: m for m in caught["messages"]}
    assert set(by_id) == {a["id"], b["id"], reply["id"], c["id"]}
    assert by_id[a["id"]]["deleted"] and by_id[a["id"]]["body"] == ""
    assert by_id[b["id"]]["reactions"][0]["emoji"] == "👍"
    assert by_id[b["id"]]["reply_count"] == 1
    changed = [m["changed_seq"] for m in caught["messages"]]
    assert changed == sorted(changed)
    # Cut at a limit: "more", and the cursor goes on from there.
    first = team.bob.get(url, params={"after": cursor, "limit": 2}).json()
    assert first["more"] is True and len(first["messages"]) == 2
    rest = team.bob.get(url, params={"after": first["cursor"]}).json()
    assert {m["id"] for m in first["messages"] + rest["messages"]} == set(by_id)


def test_edit_and_delete_are_shown_as_such(team: Team) -> None:
    message = post(team.bob, team.general, "Réunion **lundi**")
    edited = team.bob.patch(f"/api/messages/{message['id']}", json={"body": "Réunion *mardi*"})
    assert edited.status_code == 200
    view = edited.json()
    assert view["edited_at"] is not None and view["html"] == "<p>Réunion <em>mardi</em></p>\n"
    assert view["changed_seq"] > message["changed_seq"] and view["seq"] == message["seq"]
    # Only its author edits; an admin may delete, a member may not delete another's.
    assert team.olga.patch(f"/api/messages/{message['id']}", json={"body": "x"}).status_code == 403
    assert team.gwen.delete(f"/api/messages/{message['id']}").status_code == 403
    assert team.bob.patch(f"/api/messages/{message['id']}", json={"body": " "}).status_code == 400
    gone = team.adam.delete(f"/api/messages/{message['id']}")
    assert gone.status_code == 200
    assert gone.json()["deleted"] and gone.json()["body"] == gone.json()["html"] == ""
    history = team.bob.get(f"/api/channels/{team.general}/messages").json()["messages"]
    assert [(m["id"], m["deleted"]) for m in history] == [(message["id"], True)]
    assert team.bob.patch(f"/api/messages/{message['id']}", json={"body": "y"}).status_code == 409
    assert team.bob.delete(f"/api/messages/{message['id']}").status_code == 200  # no change


def test_reactions_one_emoji_each(team: Team) -> None:
    message = post(team.bob, team.general, "Pizza ?")
    base = f"/api/messages/{message['id']}/reactions/"
    for emoji in ("👍", "👍🏽", "👨‍👩‍👧", "❤️"):
        response = team.olga.put(base + quote(emoji))
        assert response.status_code == 200, emoji
    assert team.gwen.put(base + quote("👍")).status_code == 200
    assert team.gwen.put(base + quote("👍")).status_code == 200  # twice: no change
    view = team.bob.get(f"/api/channels/{team.general}/messages").json()["messages"][0]
    thumbs = next(r for r in view["reactions"] if r["emoji"] == "👍")
    assert thumbs["count"] == 2 and thumbs["users"] == [team.ids["olga"], team.ids["gwen"]]
    for bad in ("a", "👍👍", "ok👍", "%20", ":+1:", "<script>"):
        assert team.olga.put(base + quote(bad)).status_code == 400, bad
    removed = team.olga.delete(base + quote("👍"))
    assert removed.status_code == 200
    thumbs = next(r for r in removed.json()["reactions"] if r["emoji"] == "👍")
    assert thumbs["users"] == [team.ids["gwen"]]


def test_pins(team: Team) -> None:
    a = post(team.bob, team.general, "a")
    b = post(team.bob, team.general, "b")
    assert team.gwen.post(f"/api/messages/{a['id']}/pin").status_code == 200
    assert team.olga.post(f"/api/messages/{b['id']}/pin").json()["pinned_by"] == team.ids["olga"]
    pins = team.bob.get(f"/api/channels/{team.general}/pins").json()
    assert {m["id"] for m in pins} == {a["id"], b["id"]}
    assert team.bob.delete(f"/api/messages/{a['id']}/pin").json()["pinned_at"] is None
    assert [m["id"] for m in team.bob.get(f"/api/channels/{team.general}/pins").json()] == [b["id"]]


def test_read_markers_never_move_back_and_count_unread(team: Team) -> None:
    mine = post(team.bob, team.general, "mine")
    post(team.olga, team.general, "one")
    two = post(team.olga, team.general, "two @bob")
    post(team.olga, team.general, "in a thread @bob", thread_id=mine["id"])
    channel = team.bob.get(f"/api/channels/{team.general}").json()
    # His own message is not unread; the reply does not make the channel unread, but its
    # mention counts.
    assert channel["unread"] == 2 and channel["mentions"] == 2 and channel["read_seq"] == 0
    spaces = {s["id"]: s for s in team.bob.get("/api/spaces").json()}
    assert spaces[team.space]["unread"] == 2 and spaces[team.space]["mentions"] == 2
    marker = team.bob.post(f"/api/channels/{team.general}/read", json={"seq": two["seq"]})
    assert marker.status_code == 200
    assert marker.json() == {"channel": team.general, "seq": two["seq"], "unread": 0,
                             "mentions": 1}  # fmt: skip
    back = team.bob.post(f"/api/channels/{team.general}/read", json={"seq": 1}).json()
    assert back["seq"] == two["seq"]
    beyond = team.bob.post(f"/api/channels/{team.general}/read", json={"seq": 10**6}).json()
    assert beyond["seq"] == team.bob.get(f"/api/channels/{team.general}").json()["last_seq"]
    assert beyond["mentions"] == 0
    assert team.bob.post(f"/api/channels/{team.general}/read", json={"seq": -1}).status_code == 400
    reads = team.bus.of("channel.read")  # type: ignore[union-attr]
    assert [topic for topic, _ in reads] == [f"user:{team.ids['bob']}"] * 2
    assert team.bob.get("/api/spaces").json()[0]["unread"] == 0


def test_typing_is_published_not_stored(team: Team) -> None:
    assert team.gwen.post(f"/api/channels/{team.general}/typing").status_code == 204
    assert team.bus.of("typing") == [  # type: ignore[union-attr]
        (f"channel:{team.general}", {"type": "typing", "channel": team.general,
                                     "user": team.ids["gwen"]})
    ]  # fmt: skip
    assert team.bob.get(f"/api/channels/{team.general}").json()["last_seq"] == 0


def test_posted_event_carries_the_view(team: Team) -> None:
    message = post(team.bob, team.general, "hello")
    [(topic, event)] = team.bus.of("message.posted")  # type: ignore[union-attr]
    assert topic == f"channel:{team.general}"
    assert event["channel"] == team.general and event["message"]["id"] == message["id"]


def test_writes_need_csrf_or_a_writing_token(team: Team) -> None:
    url = f"/api/channels/{team.general}/messages"
    csrf = team.olga.headers.pop("x-csrf-token")
    assert team.olga.post(url, json={"body": "x", "client_id": "a"}).status_code == 403
    team.olga.headers["x-csrf-token"] = csrf
    assert team.olga.post(url, json={"body": "x", "client_id": "a"}).status_code == 201
    assert team.ws.anonymous().get(url).status_code == 401
    with team.ws.db.session() as session:
        for token in session.query(ApiToken).filter_by(user_id=team.ids["bob"]):
            token.scopes = "read"
    assert team.bob.get(url).status_code == 200
    assert team.bob.post(url, json={"body": "x", "client_id": "b"}).status_code == 403


def test_openapi_describes_the_messaging_endpoints(team: Team) -> None:
    paths = team.ws.anonymous().get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/channels/{channel_id}/messages"]) == {"get", "post"}
    assert set(paths["/api/messages/{message_id}/reactions/{emoji}"]) == {"put", "delete"}
    assert "get" in paths["/api/search"] and "post" in paths["/api/direct"]


def test_ids_too_large_for_any_database_name_nothing(team: Team) -> None:
    huge = 2**70
    assert team.bob.get(f"/api/channels/{huge}").status_code == 404
    assert team.bob.get(f"/api/spaces/{huge}").status_code == 404
    assert team.bob.delete(f"/api/messages/{huge}").status_code == 404
    url = f"/api/channels/{team.general}/messages"
    for params in ({"before": huge}, {"thread": huge}):
        assert team.bob.get(url, params=params).status_code == 400
    bad = team.bob.post(url, json={"body": "x", "client_id": "a", "thread_id": 2**64 - 1})
    assert bad.status_code == 400
    assert team.bob.post("/api/direct", json={"users": [2**63]}).status_code == 400
    assert team.bob.post(f"/api/channels/{team.general}/read", json={"seq": 2**64}).status_code == (
        400
    )
