"""Who may call each transfer endpoint: a stranger (another account), a guest account, a
member of the sender's space, the sender, a recipient's link, a wrong link. Only the sender
reaches a transfer by id (others: 404, anonymous: 401); links open only what they name."""

from __future__ import annotations

from typing import Any

from smtp_server import SmtpServer
from space_kit import join, new_space
from transfers.test_transfers import link_in, person, sent
from workspace import Workspace

ACCOUNTS = ("stranger", "guest", "member")
WRONG = "plt_nothing-of-the-sort"


def _cases(tid: str, fid: str) -> list[tuple[str, str, Any]]:
    """The sender's endpoints on one transfer: (method, path, body or raw bytes)."""
    t = f"/api/transfers/{tid}"
    return [
        ("GET", t, None),
        ("GET", t + "/audit.csv", None),
        ("POST", t + "/extend", {"days": 30}),
        ("POST", t + "/files?name=x.txt", b"x"),
        ("DELETE", t + f"/files/{fid}", None),
        ("POST", t + "/send", {"recipients": ["eve@example.org"]}),
        ("DELETE", t, None),
    ]


def _call(client: Any, method: str, path: str, body: Any) -> int:
    kw: dict[str, Any] = {"content": body} if isinstance(body, bytes) else {"json": body}
    return int(client.request(method, path, **kw).status_code)


def test_permission_matrix(ws: Workspace, smtp: SmtpServer) -> None:
    sender = person(ws, "sender")
    people = {"stranger": person(ws, "stranger"), "guest": person(ws, "guest", guest=True),
              "member": person(ws, "member")}  # fmt: skip
    space = new_space(sender)["id"]
    join(sender, space, "member")
    transfer = sent(sender, ["bob@example.org"])
    tid, fid = transfer["id"], transfer["files"][0]["id"]
    token = link_in(smtp, "bob@example.org")
    draft = sender.post("/api/transfers", json={}).json()["id"]
    dfile = sender.post(f"/api/transfers/{draft}/files?name=a.txt", content=b"a").json()["id"]
    anonymous = ws.anonymous()
    wrong: list[str] = []

    def want(who: str, client: Any, method: str, path: str, body: Any, ok: set[int]) -> None:
        status = _call(client, method, path, body)
        if status not in ok:
            wrong.append(f"{who} {method} {path}: {status}")

    for t, f in ((tid, fid), (draft, dfile)):
        for method, path, body in _cases(t, f):
            for who in ACCOUNTS:
                want(who, people[who], method, path, body, {404})
            want("anonymous", anonymous, method, path, body, {401})
    # Lists and making: everyone signed in sees their own (nothing of the sender's);
    # a guest may not send nor make vouchers.
    for who in ACCOUNTS:
        listed = people[who].get("/api/transfers")
        if listed.status_code != 200 or listed.json() != []:
            wrong.append(f"{who} GET /api/transfers: {listed.status_code} {listed.text[:80]}")
        if people[who].get("/api/vouchers").json() != []:
            wrong.append(f"{who} GET /api/vouchers")
        ok = {403} if who == "guest" else {201}
        want(who, people[who], "POST", "/api/transfers", {}, ok)
        want(who, people[who], "POST", "/api/vouchers", {}, ok)
    for method, path in (("GET", "/api/transfers"), ("POST", "/api/transfers"),
                         ("GET", "/api/vouchers"), ("POST", "/api/vouchers")):  # fmt: skip
        want("anonymous", anonymous, method, path, {} if method == "POST" else None, {401})
    # Links: the recipient's opens its transfer; a wrong one nothing, whoever holds it.
    want("recipient", anonymous, "GET", f"/api/t/{token}", None, {200})
    want("recipient", anonymous, "GET", f"/api/t/{token}/files/{fid}", None, {200})
    want("recipient", anonymous, "GET", f"/api/t/{token}/files/{dfile}", None, {404})
    for who, client in (("wrong link", anonymous), *people.items(), ("sender", sender)):
        want(who, client, "GET", f"/api/t/{WRONG}", None, {404})
        want(who, client, "GET", f"/api/t/{WRONG}/files/{fid}", None, {404})
        want(who, client, "POST", "/api/v/plv_wrong/files?name=a", b"a", {404})
        want(who, client, "POST", "/api/v/plv_wrong/send", {"name": "X"}, {404})
    # The sender, last, may do each (in an order where each call has something to act on).
    for method, path, body in _cases(draft, dfile)[:5]:
        ok = {400} if path.endswith("/extend") else {200, 201, 204}  # a draft: send it first
        want("sender", sender, method, path, body, ok)
    want("sender", sender, "POST", f"/api/transfers/{draft}/send",
         {"recipients": ["eve@example.org"]}, {200})  # fmt: skip
    for method, path, body in _cases(tid, fid)[:3]:
        want("sender", sender, method, path, body, {200})
    want("sender", sender, "POST", f"/api/transfers/{tid}/files?name=y", b"y", {400})  # sent
    want("sender", sender, "DELETE", f"/api/transfers/{tid}", None, {200})
    want("recipient", anonymous, "GET", f"/api/t/{token}", None, {410})
    assert wrong == []


TRIED = {
    ("POST", "/api/transfers"), ("GET", "/api/transfers"),
    ("GET", "/api/transfers/{transfer_id}"), ("DELETE", "/api/transfers/{transfer_id}"),
    ("GET", "/api/transfers/{transfer_id}/audit.csv"),
    ("POST", "/api/transfers/{transfer_id}/extend"),
    ("POST", "/api/transfers/{transfer_id}/files"),
    ("DELETE", "/api/transfers/{transfer_id}/files/{file_id}"),
    ("POST", "/api/transfers/{transfer_id}/send"),
    ("GET", "/api/t/{token}"), ("GET", "/api/t/{token}/files/{file_id}"),
    ("POST", "/api/vouchers"), ("GET", "/api/vouchers"),
    ("POST", "/api/v/{token}/files"), ("POST", "/api/v/{token}/send"),
}  # fmt: skip


def test_every_transfer_endpoint_is_in_the_matrix() -> None:
    from palabre.web.api.transfer_tus import ROUTES
    from palabre.web.api.transfers import ENDPOINTS

    assert {(e.method, e.path) for e in ENDPOINTS} == TRIED
    assert {(m, path) for path, methods in ROUTES for m in methods if m != "OPTIONS"} == TUS


TUS = {
    ("POST", "/api/transfers/{transfer_id}/tus"),
    ("HEAD", "/api/transfers/{transfer_id}/tus/{upload_id}"),
    ("PATCH", "/api/transfers/{transfer_id}/tus/{upload_id}"),
    ("DELETE", "/api/transfers/{transfer_id}/tus/{upload_id}"),
    ("POST", "/api/v/{token}/tus"), ("HEAD", "/api/v/{token}/tus/{upload_id}"),
    ("PATCH", "/api/v/{token}/tus/{upload_id}"), ("DELETE", "/api/v/{token}/tus/{upload_id}"),
}  # fmt: skip
V1 = {"tus-resumable": "1.0.0"}
CHUNK = {**V1, "content-type": "application/offset+octet-stream", "upload-offset": "0"}


def _tus(client: Any, method: str, path: str) -> int:
    headers = {**V1, "upload-length": "1", "upload-metadata": "filename eA=="}
    if method == "PATCH":
        headers = CHUNK
    return int(client.request(method, path, headers=headers,
                              content=b"x" if method == "PATCH" else None).status_code)  # fmt: skip


def test_the_tus_endpoints(ws: Workspace, smtp: SmtpServer) -> None:
    """Only the sender reaches their draft's uploads (others 404, anonymous 401), and only
    while it is a draft; a voucher's only with its link."""
    sender = person(ws, "sender")
    people = {"stranger": person(ws, "stranger"), "guest": person(ws, "guest", guest=True),
              "member": person(ws, "member")}  # fmt: skip
    draft = sender.post("/api/transfers", json={}).json()["id"]
    made = sender.post(f"/api/transfers/{draft}/tus", headers={
        **V1, "upload-length": "3", "upload-metadata": "filename eA=="})  # fmt: skip
    assert made.status_code == 201, made.text
    upload = made.headers["location"]
    other = sender.post(
        f"/api/transfers/{draft}/tus",
        headers={**V1, "upload-length": "2", "upload-metadata": "filename eQ=="},
    ).headers["location"]
    voucher = sender.post("/api/vouchers", json={}).json()["token"]
    outsider = ws.anonymous()
    vmade = outsider.post(f"/api/v/{voucher}/tus", headers={
        **V1, "upload-length": "2", "upload-metadata": "filename eA=="})  # fmt: skip
    assert vmade.status_code == 201, vmade.text
    vupload = vmade.headers["location"]
    wrong: list[str] = []

    def want(who: str, client: Any, method: str, path: str, ok: set[int]) -> None:
        status = _tus(client, method, path)
        if status not in ok:
            wrong.append(f"{who} {method} {path}: {status}")

    cases = [("POST", f"/api/transfers/{draft}/tus"), ("HEAD", upload), ("PATCH", upload),
             ("DELETE", upload)]  # fmt: skip
    for method, path in cases:
        for who in ACCOUNTS:
            want(who, people[who], method, path, {404})
        want("anonymous", ws.anonymous(), method, path, {401})
    # The sender's upload under a voucher's path, or another voucher: nothing.
    vid = upload.rsplit("/", 1)[1]
    for who, client in (("outsider", outsider), ("sender", sender)):
        want(who, client, "HEAD", f"/api/v/{voucher}/tus/{vid}", {404})
        for method in ("POST", "HEAD", "PATCH", "DELETE"):
            path = "/api/v/plv_wrong/tus" + ("" if method == "POST" else f"/{vid}")
            want(who, client, method, path, {404})
    # The outsider with the voucher, the sender on their draft: each may.
    want("outsider", outsider, "HEAD", vupload, {200})
    want("outsider", outsider, "PATCH", vupload, {204})
    want("outsider", outsider, "DELETE", vupload, {204})
    want("outsider", outsider, "POST", f"/api/v/{voucher}/tus", {201})
    want("sender", sender, "HEAD", upload, {200})
    want("sender", sender, "PATCH", upload, {204})
    want("sender", sender, "DELETE", upload, {204})
    want("sender", sender, "POST", f"/api/transfers/{draft}/tus", {201})
    # A sender without the CSRF token (a cross-site form) may not.
    bare = {k: v for k, v in sender.headers.items() if k != "x-csrf-token"}
    status = sender.request("HEAD", other, headers={**V1, **bare, "x-csrf-token": ""})
    if status.status_code != 403:
        wrong.append(f"sender without CSRF HEAD: {status.status_code}")
    # Sent: its uploads answer no more.
    tus_sent = sender.post(f"/api/transfers/{draft}/tus", headers={
        **V1, "upload-length": "1", "upload-metadata": "filename eg=="})  # fmt: skip
    sender.patch(tus_sent.headers["location"], content=b"z", headers=CHUNK)
    assert sender.post(f"/api/transfers/{draft}/send",
                       json={"recipients": ["eve@example.org"]}).status_code == 200  # fmt: skip
    want("sender", sender, "HEAD", other, {400})
    want("sender", sender, "POST", f"/api/transfers/{draft}/tus", {400})
    assert wrong == []
