"""Every polls endpoint tried by everyone: not signed in, a stranger (an organisation account
outside the space), a guest of the space, a member of it and the poll's organiser. A poll is
its organiser's alone (anyone else: 404, learning nothing of it); guests make no poll; a poll
for a space needs the right to write its calendar; an invitation link answers whoever holds
it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.testclient import TestClient

from calendars.kit import add_member
from palabre.web.api import polls as polls_api
from space_kit import new_space, user_id
from workspace import Workspace

from .kit import SLOTS, new_poll, token_of

SECRET_TITLE = "Zanzibar Secret"
CALLERS = ("anonymous", "stranger", "guest", "member", "owner")


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # with {poll}, {token}
    want: tuple[int, int, int, int, int]  # by caller, in CALLERS order
    body: dict[str, Any] | None = None


P = "/api/polls/{poll}"
CASES = [
    Case("POST", "/api/polls", (401, 201, 403, 201, 201), {"title": "t", "slots": SLOTS}),
    Case("POST", "/api/polls", (401, 404, 403, 201, 201),
         {"title": "t", "slots": SLOTS, "space": "{space}"}),
    Case("GET", "/api/polls", (401, 200, 200, 200, 200)),
    Case("GET", "/api/polls/free-slots?start=2026-12-07T09:00:00%2B01:00"
         "&end=2026-12-07T13:00:00%2B01:00", (401, 200, 403, 200, 200)),
    Case("GET", P, (401, 404, 404, 404, 200)),
    Case("DELETE", P, (401, 404, 404, 404, 204)),
    Case("POST", P + "/invites", (401, 404, 404, 404, 201), {"label": "Zoé"}),
    Case("GET", P + "/answers.csv", (401, 404, 404, 404, 200)),
    Case("POST", P + "/close", (401, 404, 404, 404, 200), {"slot": "{slot}"}),
    Case("GET", "/api/poll-invites/{token}", (200, 200, 200, 200, 200)),
    Case("PUT", "/api/poll-invites/{token}/answer", (200, 200, 200, 200, 200),
         {"name": "Anon", "choices": {}}),
]  # fmt: skip


def _filled(body: dict[str, Any] | None, values: dict[str, Any]) -> dict[str, Any] | None:
    if body is None:
        return None
    return {k: (values[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v)
            for k, v in body.items()}  # fmt: skip


def test_every_polls_endpoint_by_everyone(workspace: Workspace) -> None:
    owner = workspace.person("olga")
    clients: dict[str, TestClient] = {
        "stranger": workspace.person("sam"),
        "guest": workspace.person("gus", guest=True),
        "member": workspace.person("mia"),
        "owner": owner,
    }
    space = new_space(owner, "Projet")["id"]
    add_member(workspace, space, "gus", "guest")
    add_member(workspace, space, "mia", "member")
    assert user_id(workspace, "mia")
    wrong: list[str] = []
    for case in CASES:
        for index, caller in enumerate(CALLERS):
            poll = new_poll(owner, title=SECRET_TITLE, space=space)
            values = {"poll": poll["id"], "token": token_of(poll["invites"][0]["link"]),
                      "space": space, "slot": poll["slots"][0]["id"]}  # fmt: skip
            client = workspace.anonymous() if caller == "anonymous" else clients[caller]
            body = _filled(case.body, values)
            kw: dict[str, Any] = {} if body is None else {"json": body}
            response = client.request(case.method, case.path.format(**values), **kw)
            if response.status_code != case.want[index]:
                wrong.append(f"{case.method} {case.path} as {caller}: {response.status_code} "
                             f"(wanted {case.want[index]}) {response.text[:120]}")  # fmt: skip
            if response.status_code >= 400 and SECRET_TITLE in response.text:
                wrong.append(f"{case.method} {case.path} as {caller}: says {response.text}")
            if "ann@example.org" in response.text and caller != "owner":
                wrong.append(f"{case.method} {case.path} as {caller}: shows an e-mail")
    assert wrong == []


def test_the_matrix_tries_every_polls_endpoint() -> None:
    tried = {(c.method, c.path.split("?")[0].replace("{poll}", "{poll_id}")) for c in CASES}
    assert {(e.method, e.path) for e in polls_api.ENDPOINTS} == tried
