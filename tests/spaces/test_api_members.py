"""A space's members: listed (e-mail only if shown), added by name from the directory,
roles and module access changed within the rules, removed or leaving with their access gone
at once; the directory is for organisation accounts only."""

from __future__ import annotations

from sqlalchemy import update

from palabre.accounts.users import User
from palabre.messaging.models import Channel, ChannelMember
from palabre.notify.store import add_notification
from palabre.spaces.models import Member
from space_kit import count, join, new_space, published, user_id
from workspace import Workspace


def show_email(ws: Workspace, name: str, email: str, visible: bool) -> None:
    with ws.db.session() as session:
        session.execute(
            update(User).where(User.name == name).values(email=email, email_visible=visible)
        )


def test_members_are_listed_with_their_e_mail_only_if_shown(workspace: Workspace) -> None:
    alice, bob = workspace.person("alice", "Alice A"), workspace.person("bob", "Bob B")
    gwen = workspace.person("gwen", "Gwen G", guest=True)
    show_email(workspace, "alice", "alice@example.org", True)
    show_email(workspace, "bob", "bob@example.org", False)
    sid = new_space(alice)["id"]
    join(alice, sid, "bob")
    with workspace.db.session() as session:  # a guest account comes in by invitation
        session.add(Member(space_id=sid, user_id=user_id(workspace, "gwen"), role="guest"))
    for client in (alice, bob, gwen):
        members = client.get(f"/api/spaces/{sid}/members").json()
        assert [(m["name"], m["role"], m["email"]) for m in members] == [
            ("alice", "owner", "alice@example.org"),
            ("bob", "member", None),
            ("gwen", "guest", None),
        ]
        assert "bob@example.org" not in client.get(f"/api/spaces/{sid}/members").text
    guest_row = members[2]
    assert guest_row["guest"] is True and guest_row["access"]["files"] == "read"
    assert gwen.get("/api/directory").status_code == 403  # no directory for guests


def test_an_admin_adds_an_organisation_account_by_name(workspace: Workspace) -> None:
    alice, carol = workspace.person("alice"), workspace.person("carol")
    workspace.person("bob", "Bob Bernard")
    workspace.person("gwen", guest=True)
    sid = new_space(alice)["id"]
    join(alice, sid, "carol", "admin")
    events = published(workspace)
    added = carol.post(f"/api/spaces/{sid}/members", json={"user": " BOB ", "role": "member"})
    assert added.status_code == 201, added.text
    bob_id = user_id(workspace, "bob")
    assert added.json()["display_name"] == "Bob Bernard" and added.json()["role"] == "member"
    assert (f"user:{bob_id}", {"type": "space.joined", "space": sid}) in events
    assert (f"space:{sid}", {"type": "member.changed", "space": sid, "user": bob_id}) in events
    feed = alice.get(f"/api/spaces/{sid}/activity").json()["items"]
    assert feed[0]["verb"] == "member.added" and feed[0]["subject"] == "Bob Bernard"
    assert feed[0]["actor"]["name"] == "carol"


def test_adding_is_refused_and_changes_nothing(workspace: Workspace) -> None:
    alice, carol = workspace.person("alice"), workspace.person("carol")
    workspace.person("bob")
    workspace.person("gwen", guest=True)
    workspace.person("dave")
    sid = new_space(alice)["id"]
    join(alice, sid, "carol", "admin")
    join(alice, sid, "bob")
    url = f"/api/spaces/{sid}/members"
    cases = [
        (carol, {"user": "nobody"}, 400),
        (carol, {"user": "gwen"}, 400),  # guest accounts come by invitation only
        (carol, {"user": "x" * 10_000}, 400),
        (carol, {"user": ""}, 400),
        (carol, {"user": "dave", "role": "king"}, 400),
        (carol, {"user": "dave", "role": "admin"}, 403),  # only owners make admins
        (carol, {"user": "dave", "extra": 1}, 400),
        (carol, {"user": 7}, 400),
        (carol, {"user": "bob"}, 409),
    ]
    for client, body, status in cases:
        response = client.post(url, json=body)
        assert response.status_code == status, (body, response.text)
    assert count(workspace, Member, Member.space_id == sid) == 3
    assert alice.post(url, json={"user": "dave", "role": "admin"}).status_code == 201


def test_roles_and_module_access_change_within_the_rules(workspace: Workspace) -> None:
    alice, carol, bob = (
        workspace.person("alice"),
        workspace.person("carol"),
        workspace.person("bob"),
    )
    workspace.person("dave")
    sid = new_space(alice)["id"]
    join(alice, sid, "carol", "admin")
    join(alice, sid, "bob")
    join(alice, sid, "dave", "admin")
    bob_id, dave_id, alice_id = (user_id(workspace, n) for n in ("bob", "dave", "alice"))
    url = f"/api/spaces/{sid}/members"
    changed = carol.patch(f"{url}/{bob_id}", json={"role": "guest", "access": {"files": "write"}})
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "guest" and changed.json()["access"]["files"] == "write"
    assert changed.json()["access"]["documents"] == "read"  # a guest's default
    assert bob.get(f"/api/spaces/{sid}").json()["access"]["files"] == "write"
    assert bob.patch(f"{url}/{bob_id}", json={"role": "admin"}).status_code == 403
    assert carol.patch(f"{url}/{bob_id}", json={"role": "admin"}).status_code == 403
    assert carol.patch(f"{url}/{dave_id}", json={"role": "member"}).status_code == 403
    assert carol.patch(f"{url}/{dave_id}", json={"access": {"chat": "none"}}).status_code == 403
    assert carol.patch(f"{url}/{alice_id}", json={"role": "member"}).status_code == 403
    for body in (
        {"role": "emperor"},
        {"access": {"payroll": "write"}},
        {"access": {"files": "everything"}},
        {"access": {"files": 3}},
        {"role": "member", "access": {"files": "sudo"}},
    ):
        assert carol.patch(f"{url}/{bob_id}", json=body).status_code == 400, body
    member = next(m for m in alice.get(url).json() if m["name"] == "bob")
    assert member["role"] == "guest" and member["access"]["files"] == "write"
    # The last owner stays one; with a second owner, the first may step down.
    assert alice.patch(f"{url}/{alice_id}", json={"role": "admin"}).status_code == 409
    assert alice.patch(f"{url}/{dave_id}", json={"role": "owner"}).status_code == 200
    assert alice.patch(f"{url}/{alice_id}", json={"role": "admin"}).status_code == 200


def test_another_space_s_member_id_is_not_found(workspace: Workspace) -> None:
    alice, zoe = workspace.person("alice"), workspace.person("zoe")
    workspace.person("bob")
    mine = new_space(alice, "Mine")["id"]
    theirs = new_space(zoe, "Theirs")["id"]
    join(zoe, theirs, "bob")
    bob_id, zoe_id = user_id(workspace, "bob"), user_id(workspace, "zoe")
    for target in (bob_id, zoe_id, 999_999):
        response = alice.patch(f"/api/spaces/{mine}/members/{target}", json={"role": "guest"})
        assert response.status_code == 404 and "Theirs" not in response.text
        assert alice.delete(f"/api/spaces/{mine}/members/{target}").status_code == 404
    assert count(workspace, Member, Member.space_id == theirs) == 2


def test_a_removed_member_loses_the_space_at_once(workspace: Workspace) -> None:
    alice, bob = workspace.person("alice"), workspace.person("bob")
    sid = new_space(alice)["id"]
    join(alice, sid, "bob")
    bob_id = user_id(workspace, "bob")
    with workspace.db.session() as session:  # bob is listed in a private channel
        channel = Channel(space_id=sid, name="secret", private=True)
        session.add(channel)
        session.flush()
        session.add(ChannelMember(channel_id=channel.id, user_id=bob_id))
        add_notification(session, bob_id, "mention", space_id=sid, text="le budget secret")
        add_notification(session, bob_id, "direct", text="ailleurs")  # not of the space
    assert bob.get(f"/api/spaces/{sid}").status_code == 200
    assert bob.get("/api/notifications").json()["unread"] == 2
    events = published(workspace)
    assert alice.delete(f"/api/spaces/{sid}/members/{bob_id}").status_code == 204
    assert (f"user:{bob_id}", {"type": "access.revoked", "space": sid}) in events
    assert bob.get(f"/api/spaces/{sid}").status_code == 404
    assert bob.get(f"/api/spaces/{sid}/members").status_code == 404
    assert bob.get("/api/spaces").json() == []
    assert count(workspace, ChannelMember, ChannelMember.user_id == bob_id) == 0
    left = bob.get("/api/notifications").json()  # what he may no longer read is gone
    assert [n["text"] for n in left["notifications"]] == ["ailleurs"] and left["unread"] == 1
    join(alice, sid, "bob")  # back later: no old place in the private channel
    assert count(workspace, ChannelMember, ChannelMember.user_id == bob_id) == 0


def test_leaving_and_the_last_owner(workspace: Workspace) -> None:
    alice, bob, carol = (
        workspace.person("alice"),
        workspace.person("bob"),
        workspace.person("carol"),
    )
    sid = new_space(alice)["id"]
    join(alice, sid, "bob")
    join(alice, sid, "carol", "admin")
    alice_id, bob_id, carol_id = (user_id(workspace, n) for n in ("alice", "bob", "carol"))
    assert alice.delete(f"/api/spaces/{sid}/members/{alice_id}").status_code == 409
    assert carol.delete(f"/api/spaces/{sid}/members/{alice_id}").status_code == 403
    assert bob.delete(f"/api/spaces/{sid}/members/{carol_id}").status_code == 403
    assert bob.delete(f"/api/spaces/{sid}/members/{bob_id}").status_code == 204  # leaves
    assert bob.get(f"/api/spaces/{sid}").status_code == 404
    assert carol.delete(f"/api/spaces/{sid}/members/{carol_id}").status_code == 204
    feed = alice.get(f"/api/spaces/{sid}/activity").json()["items"]
    assert [line["verb"] for line in feed[:2]] == ["member.left", "member.left"]
    assert count(workspace, Member, Member.space_id == sid) == 1


def test_the_directory_lists_organisation_accounts_only(workspace: Workspace) -> None:
    alice = workspace.person("alice", "Alice Martin")
    workspace.person("bob", "Bob Martin")
    workspace.person("gwen", "Gwen Martin", guest=True)
    workspace.person("x_y", "Under Score")
    show_email(workspace, "bob", "bob@example.org", True)
    found = alice.get("/api/directory", params={"q": "martin"}).json()
    assert [(e["name"], e["email"]) for e in found] == [
        ("alice", None),
        ("bob", "bob@example.org"),
    ]
    assert [e["name"] for e in alice.get("/api/directory", params={"q": "BOB"}).json()] == ["bob"]
    assert alice.get("/api/directory", params={"q": "%"}).json() == []  # no wildcard
    assert [e["name"] for e in alice.get("/api/directory", params={"q": "_"}).json()] == ["x_y"]
    assert len(alice.get("/api/directory", params={"limit": 2}).json()) == 2
    assert alice.get("/api/directory", params={"limit": 500}).status_code == 400
    assert workspace.anonymous().get("/api/directory").status_code == 401
