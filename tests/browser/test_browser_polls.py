"""A poll from the browser: a moderator asks, two participants answer (one on a phone, in
French), everyone sees the results; the moderator closes it."""

from __future__ import annotations

from typing import Any

import pytest
from browser_helpers import join_from_home, my_id, new_page, run_axe, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def poll_counts(page: Any) -> list[str]:
    counts: list[str] = await page.eval_on_selector_all(
        "#poll-list li.poll .poll-count", "els => els.map(e => e.textContent)"
    )
    return counts


async def test_a_poll_answered_by_two_participants(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    room = "poll-test"
    mod, _ = await new_page(browser, "Mod", bypass_csp=True)  # for axe-core
    await join_from_home(mod, base, room, "Mod")
    ada, _ = await new_page(browser, "Ada")
    await join_from_home(ada, base, room, "Ada")
    bob, _ = await new_page(browser, "Bob", locale="fr-FR", viewport={"width": 390, "height": 844})
    await join_from_home(bob, base, room, "Bob")
    await mod.wait_for_selector(".meeting[data-role=moderator]")

    # A participant has no form to ask with.
    await ada.click("#toggle-more")
    await ada.click("#more-polls")
    await ada.wait_for_selector("#polls-panel:not([hidden])")
    assert not await ada.is_visible("#poll-form")

    # The moderator asks, with the keyboard: a third option added.
    await mod.click("#toggle-more")
    await mod.click("#more-polls")
    await mod.fill("#poll-question", "Where do we have lunch?")
    inputs = mod.locator("#poll-options input")
    await inputs.nth(0).fill("Canteen")
    await inputs.nth(1).fill("Picnic")
    await mod.focus("#poll-add-option")
    await mod.keyboard.press("Enter")
    assert await mod.evaluate("document.activeElement.id") == await inputs.nth(2).get_attribute(
        "id"
    )
    await mod.keyboard.type("Restaurant")
    await mod.click("#poll-ask")

    # Ada answers in her open panel; Bob, on his phone, opens it from the "More" menu.
    await ada.wait_for_selector("#poll-list li.poll")
    assert "Where do we have lunch?" in (await ada.text_content("#poll-list") or "")
    await ada.check("#poll-list li.poll input[value='1']")
    await bob.click("#toggle-more")
    await bob.click("#more-polls")
    await bob.wait_for_selector("#polls-panel:not([hidden]) #poll-list li.poll")
    assert "Sondages" in (await bob.text_content("#polls-panel-title") or "")
    await bob.check("#poll-list li.poll input[value='2']")

    # Live results: everyone sees one vote for Picnic and one for Restaurant.
    for page in (mod, ada, bob):
        await wait_for(
            lambda page=page: poll_counts(page),
            lambda c: c == ["0 (0 %)", "1 (50 %)", "1 (50 %)"],
            what="the poll's results",
        )
    assert "Bob" in (await ada.text_content("#poll-list li.poll") or "")  # not anonymous
    ada_id = await my_id(ada)
    assert ada_id and await mod.is_visible("#poll-list .poll-close")
    assert not await run_axe(mod, "#polls-panel")

    # Closed: no more votes, and everyone is told.
    await mod.click("#poll-list .poll-close")
    await bob.wait_for_selector("#poll-list li.poll.closed")
    assert await bob.is_disabled("#poll-list li.poll input[value='0']")
    assert "Clos" in (await bob.text_content("#poll-list li.poll .poll-state") or "")
    assert await ada.is_checked("#poll-list li.poll input[value='1']")
