"""Every spaces, members, invitations, tokens, meeting, notifications and settings endpoint
(tests/messaging/test_permissions.py does messaging's) tried by everyone: not signed in, a
stranger (an organisation account outside the space), a guest of another space, a guest, a
member, an admin and the owner of the space. A stranger gets 404 and learns nothing (not the
space's name, not its people); a member who may not gets 403; anyone else, the answer.

Each try runs on a space of its own, so a destructive call spoils no other."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from starlette.testclient import TestClient

from palabre.accounts.api_tokens import create_token
from palabre.db import utcnow
from palabre.spaces.invitations import token_hash
from palabre.spaces.models import Invitation, Member, Space
from palabre.web.api import (
    activity,
    invitations,
    lifecycle,
    me,
    meeting,
    members,
    notify,
    sign_in_links,
    spaces,
    tokens,
)
from space_kit import count, new_space, user_id
from workspace import Workspace

NAME = "Zanzibar Secret"
TARGET = "Tom Target"
CALLERS = ("anonymous", "stranger", "outsider", "guest", "member", "admin", "owner")
ACCOUNT = {"stranger": "sam", "outsider": "oscar", "guest": "gus", "member": "mia",
           "admin": "adam", "owner": "olga"}  # fmt: skip
SPACE_RANK = {"guest": 0, "member": 1, "admin": 2, "owner": 3}


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # with {space}, {target}, {invitation}, {token}, {token_id}
    ok: int  # the status of an allowed call
    who: str  # least space role, or "signed_in", "organisation", "public"
    body: dict[str, Any] | None = None
    state: str = ""  # "archived" or "deleting": the space starts so
    guest_refusal: int = 403  # for "organisation" endpoints: what guest accounts get
    extra: dict[str, str] = field(default_factory=dict)


S = "/api/spaces/{space}"
CASES = [
    Case("GET", "/api/spaces", 200, "signed_in"),
    Case("POST", "/api/spaces", 201, "organisation", {"name": "New"}, guest_refusal=400),
    Case("GET", S, 200, "guest"),
    Case("PATCH", S, 200, "admin", {"name": "Renamed"}),
    Case("POST", S + "/archive", 200, "admin"),
    Case("POST", S + "/unarchive", 200, "admin", state="archived"),
    Case("DELETE", S, 200, "owner", {"confirm": NAME}),
    Case("POST", S + "/restore", 200, "owner", state="deleting"),
    Case("GET", S + "/activity", 200, "member"),
    Case("GET", S + "/report", 200, "admin"),
    Case("GET", S + "/report.csv", 200, "admin"),
    Case("GET", S + "/members", 200, "guest"),
    Case("POST", S + "/members", 201, "admin", {"user": "nina"}),
    Case("PATCH", S + "/members/{target}", 200, "admin", {"role": "guest"}),
    Case("DELETE", S + "/members/{target}", 204, "admin"),
    Case("GET", "/api/directory", 200, "organisation"),
    Case("POST", S + "/invitations", 201, "admin", {"email": "new@example.org"}),
    Case("GET", S + "/invitations", 200, "admin"),
    Case("DELETE", S + "/invitations/{invitation}", 204, "admin"),
    Case("GET", "/api/invitations/{token}", 200, "public"),
    Case("POST", "/api/invitations/{token}/accept", 200, "public", {"display_name": "Anon"}),
    Case("GET", "/api/tokens", 200, "signed_in"),
    Case("POST", "/api/tokens", 201, "signed_in", {"name": "script"}),
    Case("DELETE", "/api/tokens/{token_id}", 204, "signed_in"),
    Case("GET", S + "/meeting", 200, "guest"),
    Case("PUT", S + "/notify", 200, "guest", {"level": "mentions"}),
    Case("GET", "/api/notifications", 200, "signed_in"),
    Case("POST", "/api/notifications/read", 200, "signed_in", {"all": True}),
    Case("GET", "/api/me/settings", 200, "signed_in"),
    Case("PATCH", "/api/me/settings", 200, "signed_in", {"language": "en"}),
    Case("POST", "/api/sign-in-links", 202, "public", {"email": "someone@example.org"}),
    # An invitation's secret is no sign-in link: refused alike, whoever asks.
    Case("POST", "/api/sign-in-links/{token}", 404, "public"),
]


def expected(case: Case, caller: str) -> int:
    if case.who == "public":
        return case.ok
    if caller == "anonymous":
        return 401
    if case.who == "signed_in":
        return case.ok
    if case.who == "organisation":
        return case.guest_refusal if caller in ("guest", "outsider") else case.ok
    if caller in ("stranger", "outsider"):
        return 404
    return case.ok if SPACE_RANK[caller] >= SPACE_RANK[case.who] else 403


class People:
    """One account per caller kind, signed in once for the whole matrix."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.owner = ws.person("olga")
        self.clients: dict[str, TestClient] = {
            "stranger": ws.person("sam"),
            "outsider": ws.person("oscar", guest=True),
            "guest": ws.person("gus", guest=True),
            "member": ws.person("mia"),
            "admin": ws.person("adam"),
            "owner": self.owner,
        }
        ws.person("tom", TARGET)
        ws.person("nina")
        self.ids = {name: user_id(ws, name) for name in (*ACCOUNT.values(), "tom")}
        elsewhere = new_space(ws.person("zed"), "Elsewhere")["id"]
        with ws.db.session() as session:
            session.add(Member(space_id=elsewhere, user_id=self.ids["oscar"], role="guest"))

    def space(self, case: Case, caller: str) -> dict[str, Any]:
        """A fresh space with its people, an invitation, and a token of the caller."""
        sid = new_space(self.owner, NAME)["id"]
        token = f"matrix-{sid}-invitation-secret"
        roles = {"gus": "guest", "mia": "member", "adam": "admin", "tom": "member"}
        with self.ws.db.session() as session:
            for name, role in roles.items():
                session.add(Member(space_id=sid, user_id=self.ids[name], role=role))
            invitation = Invitation(
                space_id=sid,
                email=f"invited-{sid}@example.org",
                role="guest",
                token_hash=token_hash(token),
                invited_by=user_id(self.ws, "olga"),
                expires_at=utcnow() + timedelta(days=1),
            )
            session.add(invitation)
            space = session.get(Space, sid)
            assert space is not None
            if case.state == "archived":
                space.archived_at = utcnow()
            if case.state == "deleting":
                space.delete_at = utcnow() + timedelta(days=1)
            session.flush()
            token_id = 0
            if caller != "anonymous":
                holder = self.ids[ACCOUNT[caller]]
                token_id = create_token(session, holder, "mine", "read", None).id
            values = {
                "space": sid,
                "target": self.ids["tom"],
                "invitation": invitation.id,
                "token": token,
                "token_id": token_id,
            }
        return values


def test_every_endpoint_by_everyone(workspace: Workspace) -> None:
    people = People(workspace)
    wrong: list[str] = []
    for case in CASES:
        for caller in CALLERS:
            values = people.space(case, caller)
            path = case.path.format(**values)
            # Not signed in: a new browser each time (accepting an invitation signs it in).
            client = workspace.anonymous() if caller == "anonymous" else people.clients[caller]
            kw: dict[str, Any] = {} if case.body is None else {"json": case.body}
            response = client.request(case.method, path, **kw)
            want = expected(case, caller)
            if response.status_code != want:
                wrong.append(f"{case.method} {case.path} as {caller}: {response.status_code} "
                             f"(wanted {want}) {response.text[:120]}")  # fmt: skip
            if response.status_code in (401, 404) and (
                NAME in response.text or TARGET in response.text
            ):
                wrong.append(f"{case.method} {case.path} as {caller}: says {response.text}")
    assert wrong == []


def test_the_matrix_tries_every_endpoint() -> None:
    table = {(c.method, c.path) for c in CASES}
    served = {
        (e.method, e.path.replace("{space_id:int}", "{space}")
         .replace("{user_id:int}", "{target}").replace("{invitation_id:int}", "{invitation}")
         .replace("{token_id:int}", "{token_id}"))
        for module in (spaces, lifecycle, activity, members, invitations, tokens, meeting, notify,
                       me, sign_in_links)
        for e in module.ENDPOINTS
    }  # fmt: skip
    assert served == table


def test_every_endpoint_of_the_api_is_in_a_matrix() -> None:
    from palabre.web.api import ENDPOINTS
    from palabre.web.api import calendars as calendars_api
    from palabre.web.api import documents as documents_api
    from palabre.web.api import files as files_api
    from palabre.web.api import messaging as messaging_api
    from palabre.web.api import polls as polls_api
    from palabre.web.api import shares as shares_api
    from palabre.web.api import tasks as tasks_api
    from palabre.web.api import transfers as transfers_api
    from palabre.web.api import usage as usage_api

    here = {spaces, lifecycle, activity, members, invitations, tokens, meeting, notify, me,
            sign_in_links}  # fmt: skip
    # Messaging's, documents', files', share links', calendars', polls' and tasks' own
    # matrices check they try each of their endpoints; the operators' usage is tried as a
    # stranger, a guest, a member and an operator in tests/web/test_metrics_access.py.
    elsewhere = (
        messaging_api,
        documents_api,
        files_api,
        shares_api,
        calendars_api,
        polls_api,
        tasks_api,
        transfers_api,
        usage_api,
    )
    covered = {id(e) for module in (*here, *elsewhere) for e in module.ENDPOINTS}
    assert [f"{e.method} {e.path}" for e in ENDPOINTS if id(e) not in covered] == []


def test_ids_from_another_space_are_not_found(workspace: Workspace) -> None:
    alice, zoe = workspace.person("alice"), workspace.person("zoe")
    workspace.person("bob", "Bob From Elsewhere")
    mine = new_space(alice, "Mine")["id"]
    theirs = new_space(zoe, "Theirs")["id"]
    zoe.post(f"/api/spaces/{theirs}/members", json={"user": "bob"})
    made = zoe.post(f"/api/spaces/{theirs}/invitations", json={"email": "x@example.org"})
    their_invitation = made.json()["invitation"]["id"]
    bob = user_id(workspace, "bob")
    for method, path, body in (
        ("PATCH", f"/api/spaces/{mine}/members/{bob}", {"role": "guest"}),
        ("DELETE", f"/api/spaces/{mine}/members/{bob}", None),
        ("DELETE", f"/api/spaces/{mine}/invitations/{their_invitation}", None),
        ("GET", f"/api/spaces/{theirs}/members", None),
        ("GET", f"/api/spaces/{theirs}/invitations", None),
        ("DELETE", f"/api/spaces/{theirs}/invitations/{their_invitation}", None),
    ):
        response = alice.request(method, path, **({} if body is None else {"json": body}))
        assert response.status_code == 404, (method, path, response.text)
        for secret in ("Theirs", "Bob From Elsewhere", "x@example.org"):
            assert secret not in response.text
    assert count(workspace, Member, Member.space_id == theirs) == 2
    pending = zoe.get(f"/api/spaces/{theirs}/invitations").json()
    assert [i["id"] for i in pending] == [their_invitation]
