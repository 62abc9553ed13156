"""The permission matrix: every messaging endpoint tried as a non-member, a guest of another
space, a guest, a member and an admin of the space. Whoever may not know of an object gets
404 and none of its content; an id from another space is such an object. On SQLite and
PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from messaging.conftest import Team, post
from palabre.files.models import FileNode

ROLES = ("stranger", "outsider", "guest", "member", "admin")
PEOPLE = {"stranger": "mallory", "outsider": "oscar", "guest": "gwen", "member": "bob",
          "admin": "adam"}  # fmt: skip
SECRET = "SECRET-c0ntent"

HIDDEN = {"stranger": 404, "outsider": 404}
READ = {**HIDDEN, "guest": 200, "member": 200, "admin": 200}
WRITE = READ
MANAGE = {**HIDDEN, "guest": 403, "member": 403, "admin": 200}
THUMB = quote("👍")

# (method, path, body, expected status per role). Paths name the objects made for each try:
# {space}, {cid} (a public channel), {pid} (a private one listing the guest, the member and
# the admin), {mid} (the owner's message in {cid}), {did} (the owner's and the member's
# direct conversation), {ocid} and {omid} (a channel and a message of another space, whose
# guest is the "outsider"), {fid} (a file of the space attached to {mid}, with {fid2}), {ofid}
# (a file of the other space).
CALLS: list[tuple[str, str, Any, dict[str, int]]] = [
    ("GET", "/api/spaces/{space}/channels", None, READ),
    ("POST", "/api/spaces/{space}/channels", {"name": "new-{role}"},
     {**HIDDEN, "guest": 403, "member": 201, "admin": 201}),
    ("GET", "/api/channels/{cid}", None, READ),
    ("PATCH", "/api/channels/{cid}", {"topic": "t"}, MANAGE),
    ("POST", "/api/channels/{cid}/archive", None, MANAGE),
    ("POST", "/api/channels/{cid}/unarchive", None, MANAGE),
    ("GET", "/api/channels/{pid}/members", None, READ),
    ("POST", "/api/channels/{pid}/members", {"user": "{olga}"}, MANAGE),
    ("DELETE", "/api/channels/{pid}/members/{olga}", None, MANAGE),
    ("GET", "/api/channels/{cid}/messages", None, READ),
    ("GET", "/api/channels/{cid}/messages?thread={mid}", None, READ),
    ("GET", "/api/channels/{cid}/changes?after=0", None, READ),
    ("POST", "/api/channels/{cid}/messages", {"body": "hi", "client_id": "c-{role}"},
     {**HIDDEN, "guest": 201, "member": 201, "admin": 201}),
    ("POST", "/api/channels/{cid}/messages",
     {"body": "re", "client_id": "r-{role}", "thread_id": "{mid}"},
     {**HIDDEN, "guest": 201, "member": 201, "admin": 201}),
    ("POST", "/api/channels/{cid}/messages",
     {"body": "", "client_id": "a-{role}", "attachments": ["{fid}"]},
     {**HIDDEN, "guest": 201, "member": 201, "admin": 201}),
    ("POST", "/api/channels/{cid}/messages",
     {"body": "x", "client_id": "oa-{role}", "attachments": ["{ofid}"]},
     {**HIDDEN, "guest": 400, "member": 400, "admin": 400}),
    ("DELETE", "/api/messages/{mid}/attachments/{fid}", None, MANAGE),
    ("DELETE", "/api/messages/{omid}/attachments/{fid}", None,
     {**dict.fromkeys(ROLES, 404), "outsider": 403}),
    ("PATCH", "/api/messages/{mid}", {"body": "changed"},
     {**HIDDEN, "guest": 403, "member": 403, "admin": 403}),
    ("DELETE", "/api/messages/{mid}", None, MANAGE),
    ("PUT", "/api/messages/{mid}/reactions/" + THUMB, None, WRITE),
    ("DELETE", "/api/messages/{mid}/reactions/" + THUMB, None, WRITE),
    ("POST", "/api/messages/{mid}/pin", None, WRITE),
    ("DELETE", "/api/messages/{mid}/pin", None, WRITE),
    ("GET", "/api/channels/{cid}/pins", None, READ),
    ("POST", "/api/channels/{cid}/read", {"seq": 1}, READ),
    ("POST", "/api/channels/{cid}/typing", None,
     {**HIDDEN, "guest": 204, "member": 204, "admin": 204}),
    ("PUT", "/api/channels/{cid}/notify", {"level": "none"}, READ),
    ("POST", "/api/direct", {"users": ["{olga}"]},
     {**HIDDEN, "guest": 201, "member": 200, "admin": 201}),
    ("GET", "/api/direct", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/search?q=" + SECRET, None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/search?q=" + SECRET + "&space={space}", None, READ),
    # The direct conversation is its two people's only.
    ("GET", "/api/channels/{did}", None, {**HIDDEN, "guest": 404, "member": 200, "admin": 404}),
    ("GET", "/api/channels/{did}/messages", None,
     {**HIDDEN, "guest": 404, "member": 200, "admin": 404}),
    ("POST", "/api/channels/{did}/messages", {"body": "x", "client_id": "d-{role}"},
     {**HIDDEN, "guest": 404, "member": 201, "admin": 404}),
    ("PATCH", "/api/channels/{did}", {"topic": "x"},
     {**HIDDEN, "guest": 404, "member": 403, "admin": 404}),
    # Ids from another space: unknown here, whatever one's role in this one.
    ("GET", "/api/channels/{ocid}", None, {**dict.fromkeys(ROLES, 404), "outsider": 200}),
    ("GET", "/api/channels/{ocid}/messages", None,
     {**dict.fromkeys(ROLES, 404), "outsider": 200}),
    ("GET", "/api/channels/{ocid}/changes?after=0", None,
     {**dict.fromkeys(ROLES, 404), "outsider": 200}),
    ("POST", "/api/channels/{ocid}/messages", {"body": "x", "client_id": "o-{role}"},
     {**dict.fromkeys(ROLES, 404), "outsider": 201}),
    ("POST", "/api/channels/{cid}/messages",
     {"body": "x", "client_id": "t-{role}", "thread_id": "{omid}"}, dict.fromkeys(ROLES, 404)),
    ("PATCH", "/api/messages/{omid}", {"body": "x"},
     {**dict.fromkeys(ROLES, 404), "outsider": 403}),
    ("DELETE", "/api/messages/{omid}", None, {**dict.fromkeys(ROLES, 404), "outsider": 403}),
    ("PUT", "/api/messages/{omid}/reactions/" + THUMB, None,
     {**dict.fromkeys(ROLES, 404), "outsider": 200}),
    ("POST", "/api/messages/{omid}/pin", None, {**dict.fromkeys(ROLES, 404), "outsider": 200}),
    ("GET", "/api/channels/{ocid}/pins", None, {**dict.fromkeys(ROLES, 404), "outsider": 200}),
    ("POST", "/api/channels/{ocid}/read", {"seq": 1},
     {**dict.fromkeys(ROLES, 404), "outsider": 200}),
    ("POST", "/api/channels/{ocid}/typing", None,
     {**dict.fromkeys(ROLES, 404), "outsider": 204}),
    ("PUT", "/api/channels/{ocid}/notify", {"level": "all"},
     {**dict.fromkeys(ROLES, 404), "outsider": 200}),
    ("GET", "/api/spaces/{other}/channels", None,
     {**dict.fromkeys(ROLES, 404), "outsider": 200}),
]  # fmt: skip


def fill(value: Any, names: dict[str, Any]) -> Any:
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in names:
            return names[value[1:-1]]
        return value.format(**names)
    if isinstance(value, list):
        return [fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, names) for k, v in value.items()}
    return value


def objects(team: Team, n: int) -> dict[str, Any]:
    """Fresh objects for one try, so one role's change does not decide another's."""
    olga = team.olga
    cid = olga.post(f"/api/spaces/{team.space}/channels", json={"name": f"c{n}"}).json()["id"]
    pid = olga.post(
        f"/api/spaces/{team.space}/channels",
        json={"name": f"p{n}", "private": True,
              "members": [team.ids["gwen"], team.ids["bob"], team.ids["adam"]]},
    ).json()["id"]  # fmt: skip
    fid, fid2, ofid = (a_file(team, team.space, n), a_file(team, team.space, n),
                       a_file(team, team.other_space, n))  # fmt: skip
    mid = post(olga, cid, f"{SECRET} in c{n}", attachments=[fid, fid2])["id"]
    did = olga.post("/api/direct", json={"users": [team.ids["bob"]]}).json()["id"]
    post(olga, did, f"{SECRET} direct")
    omid = post(team.otto, team.other_general, f"{SECRET} elsewhere")["id"]
    return {"space": team.space, "other": team.other_space, "cid": cid, "pid": pid,
            "mid": mid, "did": did, "ocid": team.other_general, "omid": omid,
            "olga": team.ids["olga"], "fid": fid, "ofid": ofid}  # fmt: skip


def a_file(team: Team, space: int, n: int) -> str:
    """A file row of the space (no content: attaching reads none)."""
    with team.ws.db.session() as session:
        node = FileNode(id=uuid.uuid4().hex, space_id=space, kind="file", name=f"{SECRET}-{n}.txt",
                        size=1, content_type="text/plain")  # fmt: skip
        session.add(node)
        return node.id


def test_every_endpoint_for_every_role(team: Team) -> None:
    failures = []
    n = 0
    shared = objects(team, 0)  # reads change nothing: they share one set
    for method, path, body, expected in CALLS:
        for role in ROLES:
            n += 1
            made = shared if method == "GET" else objects(team, n)
            names = {**made, "role": role}
            client = team.people[PEOPLE[role]]
            url = fill(path, names)
            kwargs = {"json": fill(body, names)} if body is not None else {}
            response = client.request(method, url, **kwargs)
            want = expected[role]
            if response.status_code != want:
                failures.append(f"{role} {method} {url}: {response.status_code}, not {want}")
            if response.status_code == 404:
                assert response.json()["error"]["code"] == "not_found", url
                assert SECRET not in response.text, (role, url)
                assert f'"c{n}"' not in response.text and f'"p{n}"' not in response.text
            if role in ("stranger", "outsider") and "search" in url and response.is_success:
                found = {hit["message"]["body"] for hit in response.json()}
                assert found == ({f"{SECRET} elsewhere"} if role == "outsider" else set())
    assert failures == []


def test_searching_the_other_space_by_id_is_refused(team: Team) -> None:
    post(team.otto, team.other_general, SECRET)
    for role in ("guest", "member", "admin", "stranger"):
        response = team.people[PEOPLE[role]].get(
            "/api/search", params={"q": SECRET, "space": team.other_space}
        )
        assert response.status_code == 404 and SECRET not in response.text


def test_every_messaging_endpoint_is_in_the_matrix() -> None:
    from palabre.web.api.messaging import ENDPOINTS

    tried = {(method, path.split("?")[0]) for method, path, _, _ in CALLS}
    names = {"space_id:int": "space", "channel_id:int": "cid", "message_id:int": "mid",
             "user_id:int": "olga", "emoji": THUMB, "file_id": "fid"}  # fmt: skip
    for endpoint in ENDPOINTS:
        path = endpoint.path
        for pattern, name in names.items():
            path = path.replace("{" + pattern + "}", "{" + name + "}" if name != THUMB else THUMB)
        variants = {path, path.replace("{cid}", "{pid}"), path.replace("{cid}", "{did}")}
        assert any((endpoint.method, v) in tried for v in variants), (endpoint.method, path)
