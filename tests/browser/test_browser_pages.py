"""Home, prejoin and meeting pages: joining, languages, keyboard, accessibility."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_helpers import (
    AXE,
    join_from_home,
    join_from_prejoin,
    new_page,
    remote_tiles,
    run_axe,
    wait_for,
)

pytestmark = pytest.mark.browser


async def test_home_joins_by_name_link_and_code(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    page, log = await new_page(browser, "home")

    # A name as typed by a person is normalized by the server.
    await page.goto(base + "/")
    await page.fill("#join-target", "Conseil Municipal")
    await page.press("#join-target", "Enter")
    await page.wait_for_url(base + "/conseil-municipal")
    await page.wait_for_selector("#prejoin-code:not(:empty)")
    assert await page.text_content("h1") == "conseil-municipal"
    assert "conseil-municipal" in await page.title()
    code = re.sub(r"\D", "", await page.text_content("#prejoin-code") or "")
    assert len(code) == 9

    # The numeric code leads to the same meeting.
    await page.goto(base + "/")
    await page.fill("#join-target", f"{code[:3]}-{code[3:6]}-{code[6:]}")
    await page.click("#join-button")
    await page.wait_for_url(base + "/conseil-municipal")

    # So does a link.
    await page.goto(base + "/")
    await page.fill("#join-target", f"{base}/conseil-municipal")
    await page.click("#join-button")
    await page.wait_for_url(base + "/conseil-municipal")

    # Mistakes are said, in the page, without leaving it.
    await page.goto(base + "/")
    await page.click("#join-button")
    assert "Type a meeting name" in (await page.text_content("#join-error") or "")
    await page.fill("#join-target", "what?!")
    await page.click("#join-button")
    await wait_for(
        lambda: page.text_content("#join-error"),
        lambda t: "not valid" in (t or ""),
        what="invalid name error",
    )
    assert page.url == base + "/"
    unknown = "000000001" if code != "000000001" else "000000002"
    await page.fill("#join-target", unknown)
    await page.click("#join-button")
    await wait_for(
        lambda: page.text_content("#join-error"),
        lambda t: "No meeting has this code" in (t or ""),
        what="unknown code error",
    )

    # A new meeting gets a readable generated name.
    await page.click("#new-meeting")
    await page.wait_for_selector("#display-name")
    assert re.fullmatch(re.escape(base) + r"/[a-z0-9]+(-[a-z0-9]+)+", page.url), page.url
    assert log.csp_violations() == []


async def test_prejoin_preview_meter_devices_and_name(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    page, log = await new_page(browser, "prejoin")
    await page.goto(base + "/prejoin-test")
    # Camera preview plays.
    await wait_for(
        lambda: page.eval_on_selector("video.preview", "v => v.videoWidth"),
        lambda w: w > 0,
        what="camera preview",
    )
    # Devices are listed, the speaker too where the browser can choose it.
    await wait_for(
        lambda: page.eval_on_selector("#camera-select", "s => s.options.length"),
        lambda n: n >= 1,
        what="camera list",
    )
    assert await page.eval_on_selector("#microphone-select", "s => s.options.length") >= 1
    assert await page.locator("#speaker-select").count() == 1
    # The microphone level meter moves with the fake microphone's beeps (after a gesture).
    await page.click("#display-name")
    await wait_for(
        lambda: page.get_attribute("#mic-level", "aria-valuenow"),
        lambda v: int(v or 0) > 10,
        what="microphone level",
    )
    # Camera off in the prejoin: the preview goes dark.
    await page.click("#prejoin-cam")
    assert await page.get_attribute("#prejoin-cam", "aria-pressed") == "false"
    assert await page.eval_on_selector("video.preview", "v => v.srcObject") is None
    await page.click("#prejoin-cam")

    # Joining without a name is refused; the name is remembered for next time.
    await page.click("#join-meeting")
    assert "name" in (await page.text_content("#prejoin-error") or "")
    await join_from_prejoin(page, "Grace Hopper")
    await page.click("#leave")
    await page.wait_for_selector("#rejoin")
    await page.goto(base + "/another-room")
    await page.wait_for_selector("#display-name")
    assert await page.input_value("#display-name") == "Grace Hopper"
    assert log.csp_violations() == []


async def test_language_follows_browser_and_switches(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    page, _ = await new_page(browser, "fr", locale="fr-FR")
    await page.goto(base + "/")
    assert await page.get_attribute("html", "lang") == "fr"
    assert await page.text_content("#new-meeting") == "Nouvelle réunion"
    await page.select_option("#lang-select", "en")
    assert await page.text_content("#new-meeting") == "New meeting"
    assert await page.get_attribute("html", "lang") == "en"
    await page.reload()
    assert await page.text_content("#new-meeting") == "New meeting"
    await page.select_option("#lang-select", "fr")
    await page.goto(base + "/salle-fr")
    assert await page.text_content("#join-meeting") == "Rejoindre la réunion"
    await join_from_prejoin(page, "Zoé")
    assert (await page.text_content("#leave") or "").strip() == "Quitter"
    await page.select_option("#lang-select", "en")
    assert (await page.text_content("#leave") or "").strip() == "Leave"
    assert "Code" in (await page.text_content("#meeting-code") or "")


async def test_keyboard_only(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    page, _ = await new_page(browser, "keys")
    await page.goto(base + "/")
    # Tab to the meeting field, type, Enter.
    for _ in range(6):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.id") == "join-target":
            break
    assert await page.evaluate("document.activeElement.id") == "join-target"
    await page.keyboard.type("keyboard-room")
    await page.keyboard.press("Enter")
    await page.wait_for_url(base + "/keyboard-room")
    await page.wait_for_selector("#display-name")
    await page.focus("#display-name")
    await page.keyboard.type("Kay")
    await page.keyboard.press("Enter")
    await page.wait_for_selector(".meeting[data-status=connected]", timeout=20_000)
    # Shortcuts toggle the microphone and camera; arrows move along the toolbar.
    await page.keyboard.press("m")
    assert await page.get_attribute("#toggle-mic", "aria-pressed") == "false"
    assert await page.get_attribute('li.tile[data-local="true"]', "data-audio-muted") == "true"
    await page.keyboard.press("m")
    assert await page.get_attribute("#toggle-mic", "aria-pressed") == "true"
    await page.focus("#toggle-mic")
    await page.keyboard.press("ArrowRight")
    assert await page.evaluate("document.activeElement.id") == "toggle-camera"
    await page.keyboard.press("ArrowLeft")
    await page.keyboard.press("ArrowLeft")
    assert await page.evaluate("document.activeElement.id") == "leave"
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#rejoin")


async def test_invitation_copies_link_and_code(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    page, _ = await new_page(browser, "invite", permissions=["clipboard-read", "clipboard-write"])
    await join_from_home(page, base, "invite-room", "Ines")
    await page.click("#copy-invite")
    await page.wait_for_selector("#toast.show")
    text = await page.evaluate("navigator.clipboard.readText()")
    code = re.sub(r"\D", "", await page.text_content("#meeting-code") or "")
    assert f"{base}/invite-room" in text
    assert f"{code[:3]} {code[3:6]} {code[6:]}" in text


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core not installed (cd client && npm ci)")
async def test_axe_no_serious_violations(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    # axe is injected as an inline script, which the page's CSP rightly forbids.
    page, _ = await new_page(browser, "axe", bypass_csp=True)
    other, _ = await new_page(browser, "other")
    found: dict[str, Any] = {}

    await page.goto(base + "/")
    await page.wait_for_selector("#new-meeting")
    found["home"] = await run_axe(page)

    await page.goto(base + "/axe-room")
    await page.wait_for_selector("#camera-select option", state="attached")
    found["prejoin"] = await run_axe(page)

    # First in, so a moderator: the moderation panel and a tile's menu are checked too.
    await join_from_prejoin(page, "Axe")
    await join_from_home(other, base, "axe-room", "Other")
    await wait_for(lambda: remote_tiles(page), lambda t: len(t) == 1, what="remote tile")
    await page.click("#toggle-mic")
    found["meeting"] = await run_axe(page)
    await page.click("#toggle-moderation")
    await page.click("#tiles .tile-menu-button")
    found["moderation"] = await run_axe(page)
    await page.keyboard.press("Escape")
    await page.click("#toggle-chat")
    await page.fill("#chat-input", "Bonjour https://example.org")
    await page.press("#chat-input", "Enter")
    await page.wait_for_selector("#chat-log li")
    found["chat"] = await run_axe(page)
    await page.click("#toggle-people")
    await page.click("#toggle-hand")
    await page.wait_for_selector("#tiles .hand")
    found["people"] = await run_axe(page)
    await page.click("#show-shortcuts")
    found["shortcuts"] = await run_axe(page)
    await page.keyboard.press("Escape")
    await page.click("#open-settings")
    await page.wait_for_selector("#settings-dialog[open]")
    found["settings"] = await run_axe(page)
    await page.keyboard.press("Escape")
    await page.click("#toggle-moderation")
    await page.click("#mute-all")
    await page.wait_for_selector("#confirm-dialog[open]")
    found["confirm"] = await run_axe(page)
    await page.keyboard.press("Escape")

    await page.click("#leave")
    await page.wait_for_selector("#rejoin")
    found["left"] = await run_axe(page)
    assert {k: v for k, v in found.items() if v} == {}
    assert len(found) == 10
