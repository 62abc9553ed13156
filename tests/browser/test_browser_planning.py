"""Planning in a real browser on a real server, at phone width (390x844): Alice adds a
weekly event with the space's meeting link to her space's calendar and finds it in the
week's agenda with its Join link; she runs a meeting poll with two invitees who have no
account (they answer on their links' pages, which show no e-mail address), closes it, and
finds the event in her calendar, its meeting room, and the invitation in Ann's mail. On a
board, a card moves with the keyboard and gets a comment and an attached file of the space.
Checked with axe-core, the page's CSP left on."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import wait_for
from workspace_helpers import add_account, assert_axe_clean, assert_fits_phone, person, sign_in

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
SETUP_JS = """async () => {
  let last = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const csrf = (await (await fetch('/api/me')).json()).csrf;
    const r = await fetch('/api/spaces', {method: 'POST', headers: {'Content-Type':
      'application/json', 'X-CSRF-Token': csrf}, body: JSON.stringify({name: 'Projet'})});
    last = {status: r.status, body: await r.text()};
    if (r.status === 201) return JSON.parse(last.body);
    await new Promise((done) => setTimeout(done, 500));
  }
  return last;
}"""
EVENTS_JS = """async (c) => {
  const q = new URLSearchParams({start: '2030-01-01T00:00:00Z', end: '2030-02-01T00:00:00Z'});
  return (await (await fetch(`/api/calendars/${c}/events?${q}`)).json());
}"""

UPLOAD_JS = """async (s) => {
  const csrf = (await (await fetch('/api/me')).json()).csrf;
  const r = await fetch(`/api/spaces/${s}/files/upload?name=notes.txt`, {method: 'POST',
    headers: {'X-CSRF-Token': csrf, 'Content-Type': 'text/plain'}, body: 'des notes'});
  return {status: r.status, body: await r.text()};
}"""


def invitations(smtp: Any) -> list[Any]:
    """Ann's mails with an iMIP part."""
    with smtp.lock:
        return [m for r, m in smtp.messages if "ann@example.org" in r
                and any(p.get_content_type() == "text/calendar" for p in m.walk())]  # fmt: skip


async def test_a_recurring_event_with_the_meeting_link_and_a_poll_to_a_meeting(
    browser: Any, server_factory: Callable[..., Any], smtp: Any, tmp_path: Path
) -> None:
    add_account(tmp_path / "data", "alice", "Alice Martin")
    server = server_factory(
        "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp.port), "--smtp-tls", "none"
    )
    base = server.http_url
    ctx, alice, console = await person(browser, "alice", **PHONE)
    await sign_in(alice, base, "alice")
    space = await alice.evaluate(SETUP_JS)
    assert "id" in space, space

    # The calendar: a weekly event with the space's meeting link, in one tick.
    await alice.goto(f"{base}/spaces/{space['id']}")
    await alice.click("#space-calendar")
    await alice.locator("#ev-summary").wait_for()
    await alice.fill("#ev-summary", "Point hebdo")
    await alice.select_option("#ev-repeat", "WEEKLY")
    await alice.check("#ev-meeting-link")
    await alice.click("#ev-create")
    item = alice.locator(".ws-event", has_text="Point hebdo").first
    await item.wait_for()
    join = await item.locator("a", has_text="Join").get_attribute("href")
    assert join == f"{base}/{space['room']}"
    await assert_fits_phone(alice, "the calendar")
    await assert_axe_clean(alice, "the calendar")
    # The month's grid; today's day opens with the event.
    await alice.select_option("#cal-span", "month")
    await alice.locator("#cal-month td.today .ws-month-count").wait_for()
    await assert_fits_phone(alice, "the month")
    await assert_axe_clean(alice, "the month")
    await alice.locator("#cal-month td.today button").click()
    await alice.locator("#cal-month").wait_for(state="detached")
    await alice.locator(".ws-event", has_text="Point hebdo").first.wait_for()
    # The subscription address, made anew: the old one stops.
    await alice.click("#cal-subscribe")
    feed = alice.locator("#cal-feed")
    await feed.wait_for()
    old = await feed.input_value()
    await alice.click("#cal-renew")
    await alice.locator(".ws-dialog .btn.danger").click()
    await wait_for(lambda: feed.input_value(), lambda value: value != old)
    status_js = "async (u) => (await fetch(u)).status"
    assert await alice.evaluate(status_js, old) == 404
    assert await alice.evaluate(status_js, await feed.input_value()) == 200

    # A poll with two invitees who have no account.
    await alice.goto(f"{base}/spaces/polls?space={space['id']}")
    await alice.fill("#poll-title", "Comité")
    await alice.fill("#slot-date-0", "2030-01-07")
    await alice.click("#poll-add-slot")
    await alice.fill("#slot-date-1", "2030-01-08")
    await alice.fill("#poll-invitees", "Ann ann@example.org\nBob")
    await alice.check("#poll-agents")  # and a link for the accounts: one answer per person
    await assert_fits_phone(alice, "the new poll")
    await assert_axe_clean(alice, "the new poll")
    await alice.click("#poll-create")
    await alice.wait_for_url("**/spaces/polls/*")
    await alice.locator("#poll-links input").first.wait_for()
    links = [await i.input_value() for i in await alice.locator("#poll-links input").all()]
    assert len(links) == 2
    agents_link = await alice.locator("#poll-agents-link").input_value()
    assert "/poll/" in agents_link and agents_link not in links
    await assert_fits_phone(alice, "the poll")
    await assert_axe_clean(alice, "the poll")
    for link, name in zip(links, ("Ann", "Bob"), strict=True):
        guest_ctx, guest, _ = await person(browser, name, timezone_id="America/New_York", **PHONE)
        await guest.goto(link)
        # The slots in the organiser's zone, and in the voter's own beside them.
        local = await guest.locator("legend small").first.inner_text()
        assert "America/New_York" in local, local
        await guest.fill("#name", name)
        await guest.locator("input[value=yes]").last.check()
        await guest.click("button[type=submit]")
        await guest.locator("[role=status]").wait_for()
        assert EMAIL.findall(await guest.content()) == []
        await assert_fits_phone(guest, "the voting page")
        await assert_axe_clean(guest, "the voting page")
        await guest_ctx.close()

    # Alice closes it on the slot both chose: the event, the room, the invitation.
    await alice.reload()
    await alice.locator("#poll-table tbody tr").last.locator("button").click()
    closed = alice.locator("#poll-closed")
    await closed.wait_for()
    room = re.search(r"/(rdv-[a-z0-9-]+)", await closed.inner_text())
    assert room, await closed.inner_text()
    calendars = await alice.evaluate("async () => (await (await fetch('/api/calendars')).json())")
    assert isinstance(calendars, list), calendars
    calendar = next(c["id"] for c in calendars if c["space"] == space["id"])
    events = await alice.evaluate(EVENTS_JS, calendar)
    comite = [e for e in events if e["summary"] == "Comité"]
    assert comite and comite[0]["location"] == f"{base}/{room.group(1)}"
    await wait_for(lambda: asyncio.sleep(0, invitations(smtp)), bool, 20, "Ann's invitation")
    assert console.csp_violations() == []
    await ctx.close()


async def test_a_board_whose_card_moves_with_the_keyboard(
    browser: Any, server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    add_account(tmp_path / "data", "alice", "Alice Martin")
    server = server_factory()
    base = server.http_url
    ctx, alice, console = await person(browser, "alice", **PHONE)
    await sign_in(alice, base, "alice")
    space = await alice.evaluate(SETUP_JS)
    assert "id" in space, space
    await alice.goto(f"{base}/spaces/{space['id']}")
    await alice.click("#space-boards")
    await alice.fill("#new-board", "Sprint")
    await alice.click("#create-board")
    await alice.wait_for_url("**/boards/*")
    for name in ("To do", "Done"):
        await alice.fill("#new-list", name)
        await alice.click("#add-list")
        await alice.locator(".ws-column h2", has_text=name).wait_for()
    first = alice.locator(".ws-column").first
    await first.locator("input[id^=new-card]").fill("Write the report")
    await first.locator("button[type=submit]").click()
    card = alice.locator(".ws-task", has_text="Write the report")
    await card.wait_for()
    await assert_fits_phone(alice, "the board")
    await assert_axe_clean(alice, "the board")
    # The keyboard: Alt + right arrow moves the focused card to the next list.
    await card.focus()
    await alice.keyboard.press("Alt+ArrowRight")
    done = alice.locator(".ws-column", has=alice.locator("h2", has_text="Done"))
    await done.locator(".ws-task", has_text="Write the report").wait_for()
    assert await first.locator(".ws-task").count() == 0
    # Opened: a checklist item and a comment, kept.
    await alice.locator(".ws-task-title", has_text="Write the report").click()
    await alice.locator("#card-description").fill("**Friday**")
    await alice.click("#card-save")
    await alice.fill("#card-comment", "On it")
    await alice.locator("#card-comment").press("Enter")
    await alice.locator(".ws-dialog li", has_text="On it").wait_for()
    # A file of the space attached from the card's picker, its download link listed.
    uploaded = await alice.evaluate(UPLOAD_JS, space["id"])
    assert uploaded["status"] == 201, uploaded
    await alice.click("#card-attach")
    await alice.locator("#card-file-picker button", has_text="notes.txt").click()
    link = alice.locator("#card-attachment-list a", has_text="notes.txt")
    await link.wait_for()
    assert "/api/files/" in (await link.get_attribute("href") or "")
    await assert_fits_phone(alice, "a card with an attachment")
    await assert_axe_clean(alice, "a card")
    await alice.click("#card-close")
    assert console.csp_violations() == []
    await ctx.close()
