"""Offline editing of a document in a real browser: Alice's page loses its live connection
(the test stands between the page and /api/yjs and cuts it), she writes on, reloads the page
while still cut off and finds her text again (the editor keeps the document in IndexedDB),
while Bob writes on his side; when the connection comes back, both pages hold both texts and
the server has saved Alice's. Then a stock y-websocket client (the npm package, in Node, as
tests/documents/test_interop.py runs it) writes into the same document: the two browsers and
it converge on the same paragraphs."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import wait_for
from workspace_helpers import add_account, person, sign_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
STOCK_CLIENT = ROOT / "tests" / "documents" / "ystock.mjs"
TOKEN_JS = """async () => {
  const csrf = (await (await fetch('/api/me')).json()).csrf;
  const made = await fetch('/api/tokens', {method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
    body: JSON.stringify({name: 'node', scopes: 'read write'})});
  return (await made.json()).token;
}"""

SETUP_JS = """async () => {
  const csrf = (await (await fetch('/api/me')).json()).csrf;
  const post = async (path, body) => (await fetch(path, {method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
    body: JSON.stringify(body)})).json();
  const space = await post('/api/spaces', {name: 'Terrain'});
  await post(`/api/spaces/${space.id}/members`, {user: 'bob', role: 'member'});
  const doc = await post(`/api/spaces/${space.id}/documents`, {title: 'Relevé'});
  return `/spaces/${space.id}/documents/${doc.id}`;
}"""


class Cable:
    """The page's WebSocket to /api/yjs goes through here: connected to the server while
    plugged, closed (and refused on each retry) while not."""

    def __init__(self) -> None:
        self.plugged = True
        self.routes: list[Any] = []

    async def handle(self, ws: Any) -> None:
        if not self.plugged:
            await ws.close(code=1001, reason="offline (test)")
            return
        ws.connect_to_server()  # messages flow both ways unchanged
        self.routes.append(ws)

    async def unplug(self) -> None:
        self.plugged = False
        routes, self.routes = self.routes, []
        for ws in routes:
            await ws.close(code=1001, reason="offline (test)")


async def editor_text(page: Any) -> str:
    return str(await page.locator(".ws-editor-body").inner_text())


async def paragraphs(page: Any) -> list[str]:
    """The document's paragraphs, without the other people's named carets."""
    found: list[str] = await page.evaluate("""() => {
      const body = document.querySelector('.ws-editor-body').cloneNode(true);
      body.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove());
      return [...body.querySelectorAll('p')].map((p) => p.textContent);
    }""")
    return found


async def test_offline_edits_survive_a_reload_and_merge_on_reconnect(
    browser: Any, server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    add_account(data, "alice", "Alice Martin")
    add_account(data, "bob", "Bob Durand")
    server = server_factory()
    base = server.http_url
    _a_ctx, alice, _ = await person(browser, "alice")
    _b_ctx, bob, _ = await person(browser, "bob")
    await sign_in(alice, base, "alice")
    await sign_in(bob, base, "bob")
    cable = Cable()
    await alice.route_web_socket(re.compile(r".*/api/yjs/.*"), cable.handle)
    path = await alice.evaluate(SETUP_JS)
    for page in (alice, bob):
        await page.goto(base + path)
        await page.locator(".ws-editor-body").wait_for()
    await alice.click(".ws-editor-body")
    await alice.keyboard.type("Avant la coupure")
    await wait_for(lambda: editor_text(bob), lambda t: "Avant la coupure" in t, what="Bob sees")
    await wait_for(lambda: alice.inner_text("#doc-status"), lambda s: s == "Saved", what="saved")

    await cable.unplug()
    await wait_for(lambda: alice.get_attribute("#doc-status", "class"),
                   lambda c: "offline" in (c or ""), what="Alice's page offline")  # fmt: skip
    await alice.keyboard.press("End")
    await alice.keyboard.press("Enter")
    await alice.keyboard.type("Écrit hors ligne")
    await bob.click(".ws-editor-body")
    await bob.keyboard.press("Control+End")
    await bob.keyboard.press("Enter")
    await bob.keyboard.type("Pendant ce temps")
    await wait_for(lambda: editor_text(alice), lambda t: "Écrit hors ligne" in t)
    assert "Écrit hors ligne" not in await editor_text(bob)

    # Still offline, Alice reloads: her text comes back from this browser's IndexedDB.
    await alice.reload()
    await alice.locator(".ws-editor-body").wait_for()
    await wait_for(lambda: editor_text(alice), lambda t: "Écrit hors ligne" in t,
                   what="Alice's offline text after a reload")  # fmt: skip
    assert "Pendant ce temps" not in await editor_text(alice)

    cable.plugged = True  # the provider's next retry gets through
    for page, who in ((alice, "Alice"), (bob, "Bob")):
        await wait_for(lambda p=page: editor_text(p),
                       lambda t: "Écrit hors ligne" in t and "Pendant ce temps" in t,
                       timeout=30, what=f"{who}'s page holds both texts")  # fmt: skip
    await wait_for(lambda: alice.inner_text("#doc-status"), lambda s: s == "Saved",
                   timeout=30, what="Alice's offline text saved")  # fmt: skip
    assert await paragraphs(alice) == await paragraphs(bob)

    # A stock y-websocket client joins, writes, and all three hold the same paragraphs.
    node = shutil.which("node")
    assert node is not None and (ROOT / "client" / "node_modules" / "y-websocket").is_dir()
    (tmp_path / "node_modules").symlink_to(ROOT / "client" / "node_modules")
    script = tmp_path / "ystock.mjs"
    shutil.copy(STOCK_CLIENT, script)
    secret = await alice.evaluate(TOKEN_JS)
    document_id = path.rsplit("/", 1)[1]
    before = await paragraphs(alice)
    process = await asyncio.create_subprocess_exec(
        node, str(script), base.replace("http", "ws", 1) + "/api/yjs", document_id, secret,
        "Depuis Node", str(len(before) + 1),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ},
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    xml = json.loads(out.decode().strip().splitlines()[-1])["xml"]
    from_node = re.findall(r"<paragraph>(.*?)</paragraph>", xml)
    assert from_node == [*before, "Depuis Node"], xml
    for page in (alice, bob):
        await wait_for(lambda p=page: paragraphs(p), lambda ps: ps == from_node,
                       timeout=30, what="the Node client's paragraph")  # fmt: skip
