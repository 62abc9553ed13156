"""The workspace client's other half, with two people in Chromium on a real server: a direct
conversation opened from the space's members, live both ways; a pinned message in the pins
panel; a channel whose notification level is "none" keeps a mention quiet; and the owner's
screens: archive and un-archive (Bob's composer goes read-only and back, live), deletion with
its typed confirmation and grace period, then kept; the activity feed listing all of it; the
report and its CSV. The admin screens are checked with axe-core (the page's CSP left on)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import wait_for
from workspace_helpers import (
    LiveSocket,
    add_account,
    assert_axe_clean,
    message_item,
    person,
    sign_in,
)

pytestmark = pytest.mark.browser

SPACE = "Projet Bêta"

NOTIFY_JS = """async (cid) => (await (await fetch(`/api/channels/${cid}`)).json()).notify"""


async def send(page: Any, text: str, shows: str = "") -> None:
    """Types a message and sends it with Enter; it shows `shows` (all of it by default)."""
    await page.fill("#composer", text)
    await page.press("#composer", "Enter")
    await message_item(page, shows or text)


async def test_workspace_directs_pins_admin(
    browser: Any, server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    add_account(data, "alice", "Alice Martin")
    add_account(data, "bob", "Bob Durand")
    base = server_factory().http_url

    # Alice makes a space and adds Bob; both open its general channel.
    _, alice, log_a = await person(browser, "alice")
    alice_live = LiveSocket(alice)
    await sign_in(alice, base, "alice")
    await alice.fill("#new-space-name", SPACE)
    await alice.click("#create-space")
    await alice.wait_for_selector(f"h1:has-text('{SPACE}')")
    space_id = int(alice.url.rstrip("/").split("/")[-1])
    await alice.goto(f"{base}/spaces/{space_id}/admin/members")
    await alice.fill("#add-member-name", "bob")
    await alice.click("form:has(#add-member-name) button[type=submit]")
    await alice.wait_for_selector("td:has-text('Bob Durand')")
    await alice.goto(f"{base}/spaces/{space_id}")
    await alice.click(".ws-channel-link:has-text('general')")
    await alice.wait_for_selector("#composer")
    general = alice.url
    channel_id = int(general.split("?")[0].rstrip("/").split("/")[-1])

    _, bob, log_b = await person(browser, "bob")
    bob_live = LiveSocket(bob)
    await sign_in(bob, base, "bob", next_path=general.removeprefix(base))
    await bob.wait_for_selector("#composer:not([disabled])")
    await bob_live.opened()

    # (1) A direct conversation, from the space's members: Bob's sidebar gets it live.
    await alice_live.goto(f"{base}/spaces/{space_id}")
    await alice.click("button[aria-label='Write to Bob Durand']")
    await alice.wait_for_url("**/spaces/direct/*")
    await alice.wait_for_selector("#composer")
    await send(alice, "Un mot en privé, Bob")
    direct = bob.locator(".ws-nav a[href^='/spaces/direct/']", has_text="Alice Martin")
    await direct.wait_for(timeout=15_000)
    await direct.click()
    await message_item(bob, "Un mot en privé, Bob")
    await assert_axe_clean(bob, "direct conversation")
    await send(bob, "Bien reçu, Alice")
    await message_item(alice, "Bien reçu, Alice")  # live, no reload
    direct_url = alice.url

    # (2) Alice pins a message in general; Bob sees it in the pins panel.
    await bob_live.goto(general)
    await bob.wait_for_selector("#composer")
    await alice.goto(general)
    await alice.wait_for_selector("#composer")
    await send(alice, "Le planning est dans le wiki")
    mine = await message_item(alice, "Le planning est dans le wiki")
    await mine.locator("button[aria-label^='Actions']").click()
    await alice.click("[role=menuitem]:has-text('Pin')")
    await mine.locator(".ws-pinned").wait_for()
    await message_item(bob, "Le planning est dans le wiki")
    await bob.click("#open-pins")
    await bob.wait_for_selector("#pins-panel li:has-text('Le planning est dans le wiki')")
    await assert_axe_clean(bob, "pins panel")
    await bob.click("#open-pins")
    await bob.wait_for_selector("#pins-panel", state="detached")

    # (3) Bob sets general to "Nothing": Alice's mention there makes no notification, while
    # her direct message sent after it does (so the mention would have arrived by then).
    await bob.click("button[aria-label='Notifications for this channel']")
    await bob.click("[role=menuitemcheckbox]:has-text('Nothing')")
    await wait_for(
        lambda: bob.evaluate(NOTIFY_JS, channel_id), lambda v: v == "none", what="notify none"
    )
    await send(alice, "@bob une mention muette", shows="une mention muette")
    muted = await message_item(alice, "une mention muette")
    assert await muted.locator(".mention[data-mention=bob]").count() == 1  # a real mention
    # The page's first history page is answered late, after the post: the posted message
    # stays (a late history page once replaced what arrived before it).
    history = f"/api/channels/{direct_url.rstrip('/').split('/')[-1]}/messages"
    released = asyncio.Event()

    async def held_history(route: Any) -> None:
        if route.request.method != "GET":
            await route.continue_()
            return
        answer = await route.fetch()  # the history as it was before the post
        await released.wait()
        await route.fulfill(response=answer)

    await alice.route(lambda url: history in url and "thread=" not in url, held_history)
    await alice.goto(direct_url)
    await alice.wait_for_selector("#composer")
    async with alice.expect_response(lambda r: r.request.method == "POST" and history in r.url):
        await alice.fill("#composer", "Et un message direct après")
        await alice.press("#composer", "Enter")
    released.set()
    await message_item(alice, "Et un message direct après")
    await alice.unroute_all()
    await bob.goto(f"{base}/spaces/notifications")
    await bob.wait_for_selector(".ws-notices li:has-text('Et un message direct après')")
    notices = await bob.locator(".ws-notices").inner_text()
    assert "mention muette" not in notices, notices

    # (4) Archive: Bob's composer goes read-only, live; un-archive: writable again.
    await bob_live.goto(general)
    await bob.wait_for_selector("#composer:not([disabled])")
    await alice.goto(f"{base}/spaces/{space_id}/admin/space")
    await alice.click("#archive-space")
    await alice.wait_for_selector("dialog[open]")
    await assert_axe_clean(alice, "admin: archive confirmation")
    await alice.click("dialog[open] .btn.primary")
    await alice.locator("#archive-space", has_text="Un-archive").wait_for()
    await bob.wait_for_selector("#composer[disabled]", timeout=15_000)
    await bob.wait_for_selector(".ws-warning:has-text('This channel is archived')")
    await alice.click("#archive-space")
    await alice.click("dialog[open] .btn.primary")
    await alice.locator("#archive-space", has_text=re.compile("^Archive")).wait_for()
    await bob.wait_for_selector("#composer:not([disabled])", timeout=15_000)

    # Deletion: the button waits for the space's name typed; then the grace period shows.
    await alice.click("#delete-space")
    ok = alice.locator("dialog[open] .btn.danger")
    await alice.fill("#delete-confirm-name", "Projet")
    assert await ok.is_disabled()
    await alice.fill("#delete-confirm-name", SPACE)
    await assert_axe_clean(alice, "admin: delete confirmation")
    await ok.click()
    pending = alice.locator(".ws-warning[role=status]", has_text="will be deleted on")
    await pending.wait_for()
    assert re.search(r"\b20\d\d\b", await pending.inner_text()), await pending.inner_text()
    assert "7 days" in await pending.inner_text(), await pending.inner_text()
    await assert_axe_clean(alice, "admin: deletion pending")
    await alice.click("#restore-space")
    await alice.wait_for_selector("#delete-space")
    await assert_axe_clean(alice, "admin: space")

    # The activity feed lists what was done.
    await alice.goto(f"{base}/spaces/{space_id}/admin/activity")
    feed = alice.locator("ol.ws-activity")
    await feed.locator("li", has_text="kept the space").wait_for()
    text = await feed.inner_text()
    for done in ("created the space", "added", "archived the space", "un-archived the space",
                 "asked to delete the space"):  # fmt: skip
        assert done in text, (done, text)
    await assert_axe_clean(alice, "admin: activity")

    # The report, and its CSV: a header line and a row per week, this week's with messages.
    await alice.goto(f"{base}/spaces/{space_id}/admin/report")
    await alice.wait_for_selector("#report-table tbody tr")
    await assert_axe_clean(alice, "admin: report")
    async with alice.expect_download() as info:
        await alice.click("#report-csv")
    download = await info.value
    report = await asyncio.to_thread(Path(await download.path()).read_text)
    lines = report.strip().splitlines()
    assert lines[0].startswith("week_start,members,messages,"), lines
    week = lines[-1].split(",")  # this week: the two of them, the messages of general
    assert len(lines) >= 2 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", week[0]), lines
    assert week[1] == "2" and int(week[2]) >= 2, lines

    for log in (log_a, log_b):
        assert log.csp_violations() == [], log.csp_violations()
        errors = [e for e in log.errors if "Failed to load resource" not in e]
        assert errors == [], errors
