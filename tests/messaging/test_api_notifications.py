"""Who hears of a message: @name and @channel mentions, replies in one's threads, direct
messages, each as the space's and the channel's levels say; deleting a message takes its
notifications back. (The notification endpoints are another branch's: read the table.)"""

from __future__ import annotations

from sqlalchemy import select

from messaging.conftest import Team, post
from palabre.notify.models import Notification
from palabre.spaces.models import Member


def heard(team: Team) -> list[tuple[str, str, str]]:
    """(who, kind, text) of every notification, in order."""
    names = {uid: name for name, uid in team.ids.items()}
    with team.ws.db.session() as session:
        rows = session.scalars(select(Notification).order_by(Notification.id)).all()
        return [(names[n.user_id], n.kind, n.text) for n in rows]


def test_mentions_of_readers_notify(team: Team) -> None:
    message = post(
        team.olga, team.general, "@Bob et @gwen, voyez `@adam` ; @mallory @oscar @nobody."
    )
    # Adam is named only inside code; Mallory and Oscar may not read the channel.
    assert sorted(heard(team)) == [
        ("bob", "mention", "@Bob et @gwen, voyez @adam ; @mallory @oscar @nobody."),
        ("gwen", "mention", "@Bob et @gwen, voyez @adam ; @mallory @oscar @nobody."),
    ]
    assert 'class="mention"' in message["html"]
    events = team.bus.of("notification")  # type: ignore[union-attr]
    assert {topic for topic, _ in events} == {f"user:{team.ids['bob']}", f"user:{team.ids['gwen']}"}
    notification = events[0][1]["notification"]
    assert notification["kind"] == "mention" and notification["message_id"] == message["id"]
    assert notification["channel_id"] == team.general and notification["space_id"] == team.space
    # Nobody is notified of their own mention.
    post(team.bob, team.general, "moi, @bob")
    assert len(heard(team)) == 2


def test_channel_mentions_everyone_who_listens_to_all(team: Team) -> None:
    with team.ws.db.session() as session:
        member = session.get(Member, (team.space, team.ids["adam"]))
        assert member is not None
        member.notify = "mentions"  # Adam hears only of his own name in this space
    team.gwen.put(f"/api/channels/{team.general}/notify", json={"level": "none"})
    post(team.bob, team.general, "@channel la réunion commence")
    assert sorted(who for who, _, _ in heard(team)) == ["olga"]
    # The channel's setting overrides the space's: Adam asks for all here.
    team.adam.put(f"/api/channels/{team.general}/notify", json={"level": "all"})
    post(team.bob, team.general, "@channel encore")
    assert sorted(who for who, _, _ in heard(team)) == ["adam", "olga", "olga"]
    # Named, a "mentions" listener hears it; a "none" one never does.
    team.adam.put(f"/api/channels/{team.general}/notify", json={"level": "default"})
    post(team.bob, team.general, "@adam @gwen ?")
    assert [w for w, _, _ in heard(team)][-1:] == ["adam"]
    channel = team.gwen.get(f"/api/channels/{team.general}").json()
    assert channel["mentions"] == 3  # counted even though she asked to hear nothing


def test_replies_notify_the_thread_s_people(team: Team) -> None:
    root = post(team.olga, team.general, "Qui vient ?")
    post(team.bob, team.general, "Moi", thread_id=root["id"])
    assert heard(team) == [("olga", "reply", "Moi")]
    post(team.gwen, team.general, "Moi aussi", thread_id=root["id"])
    assert sorted(heard(team)[1:]) == [("bob", "reply", "Moi aussi"),
                                       ("olga", "reply", "Moi aussi")]  # fmt: skip
    # A mention in a reply is a mention (one notification each, not two).
    post(team.bob, team.general, "@olga tu confirmes ?", thread_id=root["id"])
    assert sorted(heard(team)[3:]) == [("gwen", "reply", "@olga tu confirmes ?"),
                                       ("olga", "mention", "@olga tu confirmes ?")]  # fmt: skip
    # Adam took no part in the thread.
    assert all(who != "adam" for who, _, _ in heard(team))


def test_direct_messages_notify_the_others(team: Team) -> None:
    direct = team.bob.post(
        "/api/direct", json={"users": [team.ids["gwen"], team.ids["olga"]]}
    ).json()["id"]
    post(team.bob, direct, "Un café ?")
    assert sorted(heard(team)) == [("gwen", "direct", "Un café ?"),
                                   ("olga", "direct", "Un café ?")]  # fmt: skip
    team.olga.put(f"/api/channels/{direct}/notify", json={"level": "mentions"})
    post(team.gwen, direct, "Oui !")
    assert heard(team)[2:] == [("bob", "direct", "Oui !")]


def test_edits_notify_the_newly_named_and_deletes_take_back(team: Team) -> None:
    message = post(team.olga, team.general, "Bonjour @bob")
    team.olga.patch(f"/api/messages/{message['id']}", json={"body": "Bonjour @bob et @gwen"})
    assert sorted(w for w, _, _ in heard(team)) == ["bob", "gwen"]
    assert team.gwen.get(f"/api/channels/{team.general}").json()["mentions"] == 1
    team.olga.delete(f"/api/messages/{message['id']}")
    assert heard(team) == []
    assert team.gwen.get(f"/api/channels/{team.general}").json()["mentions"] == 0


def test_long_text_is_cut_in_the_notification(team: Team) -> None:
    post(team.olga, team.general, "@bob " + "mot " * 200)
    [(_, _, text)] = heard(team)
    assert len(text) == 200 and text.endswith("…")
