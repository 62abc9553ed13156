"""A space's life: archived (read-only) and back, deletion asked with its name repeated,
read-only and still shown during the grace period, restored, then purged by the job (safely
when two run at once) with everything in it."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

from sqlalchemy import update

from palabre.db import utcnow
from palabre.messaging.models import Channel, Message
from palabre.spaces.models import Activity, Member, Space
from palabre.web.api.lifecycle import PURGE
from space_kit import count, join, new_space, published, user_id
from workspace import Workspace


def test_archive_makes_the_space_read_only_until_unarchived(workspace: Workspace) -> None:
    alice, bob = workspace.person("alice"), workspace.person("bob")
    space = new_space(alice, "Alpha")
    sid = space["id"]
    join(alice, sid, "bob")
    events = published(workspace)
    assert bob.post(f"/api/spaces/{sid}/archive").status_code == 403
    archived = alice.post(f"/api/spaces/{sid}/archive")
    assert archived.status_code == 200 and archived.json()["archived_at"] is not None
    assert (f"space:{sid}", {"type": "space.changed", "space": sid}) in events
    assert alice.post(f"/api/spaces/{sid}/archive").status_code == 409
    refused = alice.patch(f"/api/spaces/{sid}", json={"name": "Beta"})
    assert refused.status_code == 403 and "archived" in refused.json()["error"]["message"]
    assert bob.get(f"/api/spaces/{sid}").json()["name"] == "Alpha"  # still readable
    assert alice.post(f"/api/spaces/{sid}/members", json={"user": "bob"}).status_code == 403
    assert alice.post(f"/api/spaces/{sid}/unarchive").status_code == 200
    assert alice.post(f"/api/spaces/{sid}/unarchive").status_code == 409
    assert alice.patch(f"/api/spaces/{sid}", json={"name": "Beta"}).json()["name"] == "Beta"


def test_deletion_needs_the_name_and_the_owner(workspace: Workspace) -> None:
    alice, bob = workspace.person("alice"), workspace.person("bob")
    sid = new_space(alice, "Projet Alpha")["id"]
    join(alice, sid, "bob", "admin")
    for body in ({"confirm": "projet alpha"}, {"confirm": "Alpha"}, {}, {"confirm": 1}):
        response = alice.request("DELETE", f"/api/spaces/{sid}", json=body)
        assert response.status_code == 400, body
    assert (
        bob.request("DELETE", f"/api/spaces/{sid}", json={"confirm": "Projet Alpha"}).status_code
        == 403
    )
    assert alice.get(f"/api/spaces/{sid}").json()["delete_at"] is None
    assert count(workspace, Activity, Activity.verb == "space.deletion_asked") == 0


def test_a_space_being_deleted_stays_visible_read_only_and_can_be_restored(
    workspace: Workspace,
) -> None:
    alice, bob = workspace.person("alice"), workspace.person("bob")
    sid = new_space(alice, "Projet Alpha")["id"]
    join(alice, sid, "bob", "admin")
    before = utcnow()
    asked = alice.request("DELETE", f"/api/spaces/{sid}", json={"confirm": " Projet  Alpha "})
    assert asked.status_code == 200, asked.text
    grace = timedelta(seconds=workspace.settings.space_delete_grace)
    delete_at = datetime.fromisoformat(asked.json()["delete_at"])
    assert before + grace <= delete_at <= utcnow() + grace
    # The members still see it, with its delete_at, and can read it; nothing changes in it.
    listed = bob.get("/api/spaces").json()
    assert [s["id"] for s in listed] == [sid] and listed[0]["delete_at"] is not None
    assert bob.get(f"/api/spaces/{sid}/members").status_code == 200
    assert bob.patch(f"/api/spaces/{sid}", json={"name": "X"}).status_code == 403
    assert bob.post(f"/api/spaces/{sid}/archive").status_code == 403
    assert (
        alice.request("DELETE", f"/api/spaces/{sid}", json={"confirm": "Projet Alpha"}).status_code
        == 409
    )
    assert bob.post(f"/api/spaces/{sid}/restore").status_code == 403  # owners only
    restored = alice.post(f"/api/spaces/{sid}/restore")
    assert restored.status_code == 200 and restored.json()["delete_at"] is None
    assert alice.post(f"/api/spaces/{sid}/restore").status_code == 409
    assert bob.patch(f"/api/spaces/{sid}", json={"name": "Beta"}).status_code == 200
    verbs = [line["verb"] for line in alice.get(f"/api/spaces/{sid}/activity").json()["items"]]
    assert verbs[:3] == ["space.renamed", "space.restored", "space.deletion_asked"]


def test_past_its_time_the_space_is_gone_and_the_job_purges_it(workspace: Workspace) -> None:
    alice, bob = workspace.person("alice"), workspace.person("bob")
    sid = new_space(alice, "Doomed")["id"]
    kept = new_space(alice, "Kept")["id"]
    join(alice, sid, "bob")
    with workspace.db.session() as session:
        channel = Channel(space_id=sid, name="another")
        session.add(channel)
        session.flush()
        session.add(Message(channel_id=channel.id, seq=1, changed_seq=1, body="hi", html="hi"))
    assert (
        alice.request("DELETE", f"/api/spaces/{sid}", json={"confirm": "Doomed"}).status_code == 200
    )
    with workspace.db.session() as session:  # the grace period has run out
        session.execute(
            update(Space).where(Space.id == sid).values(delete_at=utcnow() - timedelta(seconds=1))
        )
    for client in (alice, bob):
        assert client.get(f"/api/spaces/{sid}").status_code == 404
        assert sid not in [s["id"] for s in client.get("/api/spaces").json()]
    assert alice.post(f"/api/spaces/{sid}/restore").status_code == 404  # too late

    events = published(workspace)
    ctx = workspace.app.state.api

    async def two_processes() -> None:  # the job, run twice at once
        await asyncio.gather(PURGE.run(ctx), PURGE.run(ctx))

    asyncio.run(two_processes())
    assert count(workspace, Space, Space.id == sid) == 0
    assert count(workspace, Member, Member.space_id == sid) == 0
    assert count(workspace, Channel, Channel.space_id == sid) == 0
    assert count(workspace, Message) == 0
    revoked = sorted(t for t, e in events if e == {"type": "access.revoked", "space": sid})
    assert revoked == sorted(f"user:{user_id(workspace, n)}" for n in ("alice", "bob"))
    assert alice.get(f"/api/spaces/{kept}").status_code == 200  # the others stay


def test_the_purge_leaves_a_space_whose_time_has_not_come(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    sid = new_space(alice, "Later")["id"]
    assert (
        alice.request("DELETE", f"/api/spaces/{sid}", json={"confirm": "Later"}).status_code == 200
    )
    asyncio.run(PURGE.run(workspace.app.state.api))
    assert alice.get(f"/api/spaces/{sid}").status_code == 200


def test_the_serving_app_runs_the_purge(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    alice = ws.person("alice")
    sid = new_space(alice, "Doomed")["id"]
    with ws.db.session() as session:
        session.execute(
            update(Space).where(Space.id == sid).values(delete_at=utcnow() - timedelta(seconds=1))
        )
    with ws.anonymous():  # the app's lifespan: its jobs run, the purge first at once
        deadline = time.monotonic() + 30
        while count(ws, Space, Space.id == sid) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert count(ws, Space, Space.id == sid) == 0
