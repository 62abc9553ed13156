"""What the workspace browser tests share: accounts made before the server starts, signing in
through the real form, axe-core with the page's CSP left on, the phone-width checks, and which
parts of the workspace API this server serves (so a part not landed yet is named, not hidden)."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from browser_helpers import AXE, Console, wait_for

PASSWORD = "s3cret-pass"


def add_account(data_dir: Path, name: str, display_name: str) -> None:
    """An organisation account, made with the CLI in the data directory the server will use."""
    data_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "palabre", "user", "add", name, "--display-name", display_name,
         "--password-stdin", "--data-dir", str(data_dir)],
        input=PASSWORD + "\n", text=True, check=True, capture_output=True,
    )  # fmt: skip


async def person(
    browser: Any, name: str, locale: str = "en-US", **kw: Any
) -> tuple[Any, Any, Console]:
    """A browser context of its own (cookies, language), with axe-core injected by the
    browser itself: the page's Content-Security-Policy stays on, so a violation shows."""
    kw.setdefault("viewport", {"width": 1100, "height": 760})
    ctx = await browser.new_context(locale=locale, **kw)
    await ctx.add_init_script(path=str(AXE))
    page = await ctx.new_page()
    return ctx, page, Console(page, name)


async def sign_in(page: Any, base: str, name: str, next_path: str = "/spaces") -> None:
    await page.goto(f"{base}/auth/login?next={next_path}")
    await page.fill("input[name=username]", name)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"**{next_path}")


async def signed_in(
    browser: Any, base: str, name: str, next_path: str = "/spaces", **kw: Any
) -> tuple[Any, Any, Console]:
    """person() then sign_in(): a context of its own, signed in through the form."""
    ctx, page, console = await person(browser, name, **kw)
    await sign_in(page, base, name, next_path)
    return ctx, page, console


async def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Every axe-core violation (any impact) on the page as it is now."""
    result: dict[str, Any] = await page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"][:160] for n in v["nodes"]][:4]}
        for v in result["violations"]
    ]


async def assert_axe_clean(page: Any, screen: str) -> None:
    found = await axe_violations(page)
    assert found == [], f"axe-core on {screen}: {found}"


# At phone width: nothing wider than the screen, and every visible control a target of at
# least 24 by 24 CSS pixels (WCAG 2.2, 2.5.8), or inline text.
PHONE_JS = """() => {
  const small = [];
  const controls = 'button, a[href], input, select, textarea, [role=menuitem]';
  for (const el of document.querySelectorAll(controls)) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
    const inline = el.tagName === 'A' && getComputedStyle(el).display === 'inline';
    if (!inline && (r.width < 24 || r.height < 24))
      small.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} ${r.width}x${r.height}`);
  }
  return {scrollW: document.documentElement.scrollWidth, vw: innerWidth, small};
}"""


async def assert_fits_phone(page: Any, screen: str) -> None:
    fit: dict[str, Any] = await page.evaluate(PHONE_JS)
    assert fit["scrollW"] <= fit["vw"], f"{screen} scrolls sideways: {fit}"
    assert fit["small"] == [], f"{screen}: targets under 24 px: {fit['small']}"


class Landed:
    """Which parts of the workspace API this server serves, from its /api/openapi.json: a
    part whose endpoints are missing is recorded, and the test says which at the end."""

    def __init__(self, base: str) -> None:
        description = httpx.get(base + "/api/openapi.json", timeout=10).json()
        self.served = {
            (method.upper(), re.sub(r"\{\w+\}", "{}", path))
            for path, ops in description["paths"].items()
            for method in ops
        }
        self.waiting: dict[str, list[str]] = {}

    async def has_live(self, base: str) -> bool:
        """Whether /api/live takes WebSockets: one not signed in is let in and told why it is
        refused; a server without it refuses the handshake itself."""
        import websockets

        try:
            async with websockets.connect("ws" + base.removeprefix("http") + "/api/live"):
                return True
        except websockets.InvalidStatus:
            self.waiting.setdefault("live", ["WebSocket /api/live"])
            return False

    def has(self, part: str, *endpoints: str) -> bool:
        """`endpoints` like "GET /api/spaces/{}/members"."""
        absent = [e for e in endpoints if tuple(e.split(" ", 1)) not in self.served]
        if absent:
            known = self.waiting.setdefault(part, [])
            known.extend(e for e in absent if e not in known)
        return not absent

    @property
    def missing(self) -> list[str]:
        return [f"{part} (waits for {', '.join(e)})" for part, e in self.waiting.items()]


class LiveSocket:
    """Counts the "hello" frames a page's /api/live socket receives: the server sends it once
    the page is subscribed, so after a navigation, waiting for the next one means what
    happens from then on reaches the page live (nothing falls between its load and its
    socket)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.hellos = 0
        page.on("websocket", self._socket)

    def _socket(self, ws: Any) -> None:
        if ws.url.endswith("/api/live"):
            ws.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        if isinstance(payload, str) and payload.startswith('{"type":"hello"'):
            self.hellos += 1

    async def goto(self, url: str) -> None:
        """Loads `url` and waits until its page's live socket is subscribed."""
        seen = self.hellos
        await self.page.goto(url)
        await self.opened(seen)

    async def opened(self, seen: int = 0, timeout: float = 20.0) -> None:
        await wait_for(
            lambda: asyncio.sleep(0, self.hellos), lambda n: n > seen, timeout, "/api/live hello"
        )


async def message_item(page: Any, text: str) -> Any:
    """The (sent, not pending) message of a history holding `text`, once it shows."""
    item = page.locator("li.ws-msg:not(.pending)", has_text=text).first
    await item.wait_for()
    return item


def invitation_link(message: Any, base: str) -> str:
    """The /invite/<token> link of an invitation e-mail (its text part)."""
    part = message.get_body(preferencelist=("plain",))
    text = part.get_content() if part is not None else message.get_content()
    match = re.search(r"(https?://\S+)?(/invite/[A-Za-z0-9._~-]+)", text)
    assert match, f"no invitation link in the mail:\n{text}"
    return base + match.group(2)


async def alice_sends(
    browser: Any,
    server_factory: Callable[..., Any],
    smtp: Any,
    tmp_path: Path,
    options: dict[str, Any],
) -> tuple[Any, Any, Any]:
    """Alice (with an e-mail address) on her transfers page of a server that mails to the
    test SMTP server: (her context, her page, her console)."""
    data = tmp_path / "data"
    add_account(data, "alice", "Alice Martin")
    with sqlite3.connect(data / "palabre.db") as db:
        db.execute("UPDATE users SET email = 'alice@example.org' WHERE name = 'alice'")
    server = server_factory(
        "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp.port), "--smtp-tls", "none"
    )
    base = server.http_url
    ctx, alice, console = await person(browser, "alice", **options)
    await sign_in(alice, base, "alice")
    await alice.goto(f"{base}/spaces/transfers")
    await alice.locator("#transfer-files").wait_for()
    return ctx, alice, console


async def send_encrypted(alice: Any, sent: Path, to: str) -> str:
    """On Alice's transfers page: `sent` to `to`, end-to-end encrypted; the recipient's
    complete link (its key in the fragment) as her page shows it."""
    await alice.set_input_files("#transfer-files", [str(sent)])
    await alice.fill("#transfer-to", to)
    await alice.check("#transfer-encrypt")
    await alice.click("#transfer-send")
    field = alice.locator(f".ws-transfer-link[data-email='{to}']")
    await field.wait_for(timeout=60_000)
    link: str = await field.input_value()
    return link
