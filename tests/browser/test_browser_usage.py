"""The operators' usage statistics in Chromium, after a meeting of bots on a real server:
the day's row shows the meeting and its participants, in French then in English, with the
language's numbers and dates; at phone width (390x844) nothing scrolls sideways; axe-core
finds nothing. Someone who is not an operator has no link and is told the page is not theirs."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import wait_for
from workspace_helpers import add_account, assert_axe_clean, assert_fits_phone, person, sign_in

from palabre.bot import Bot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TITLE_FR = "Statistiques d\u2019utilisation"


async def a_meeting(ws_url: str, names: list[str]) -> None:
    """Bots join one room (no media needed: a seat is a participant), then all leave."""
    bots = [Bot(ws_url, "conseil", name) for name in names]
    try:
        for bot in bots:
            await bot.join()
        await asyncio.sleep(1.5)  # some participant seconds
    finally:
        for bot in bots:
            await bot.leave()


async def todays_row(page: Any) -> Any:
    row = page.locator(f"#usage-table tr[data-day='{date.today().isoformat()}']")
    await row.wait_for()
    return row


async def test_usage_statistics_for_operators(
    browser: Any, server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    add_account(data, "olga", "Olga Exploitante")
    add_account(data, "marc", "Marc Membre")
    server = server_factory("--operators", "olga")
    base = server.http_url
    await a_meeting(server.ws_url, ["Zoé", "Yann", "Xavier"])

    ctx, page, log = await person(browser, "olga", locale="fr-FR", viewport=PHONE)
    try:
        await sign_in(page, base, "olga", "/spaces/usage")
        await page.wait_for_selector("#usage-table")
        # The recording job runs every few seconds; the page asks it to run on each load.
        row = await todays_row(page)

        async def meetings_today() -> str:
            await page.reload()
            return str(
                await (await todays_row(page)).locator("td[data-count=meetings]").inner_text()
            )

        await wait_for(meetings_today, lambda n: n == "1", 20, "today's meeting on the page")
        row = await todays_row(page)
        assert await row.locator("td[data-count=participants]").inner_text() == "3"
        heading = await page.locator("h1").inner_text()
        assert heading == TITLE_FR
        # French dates: the day's row reads like "ven. 4 déc. 2026".
        shown = await row.locator("time").inner_text()
        month_fr = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                    "oct.", "nov.", "déc."][date.today().month - 1]  # fmt: skip
        assert month_fr in shown and str(date.today().day) in shown, shown
        now = await page.locator("#usage-now").inner_text()
        assert now.startswith("En ce moment : 0 réunion"), now
        totals = page.locator("#usage-totals [data-count=meetings] dd")
        assert await totals.inner_text() == "1"
        await assert_fits_phone(page, "usage statistics (fr, phone)")
        await assert_axe_clean(page, "usage statistics (fr)")
        # The operator's navigation leads there (the menu at phone width).
        await page.click(".ws-nav-toggle")
        link = page.locator("#ws-nav a[href='/spaces/usage']")
        assert await link.text_content() == TITLE_FR
        # A year's figures: 365 rows.
        await page.select_option("#usage-range", "365")
        await wait_for(
            lambda: page.locator("#usage-table tbody tr").count(),
            lambda n: n == 365,
            10,
            "365 days",
        )
        assert "365 derniers jours" in await page.locator("#usage-range").inner_text()
    finally:
        assert log.csp_violations() == []
        await ctx.close()

    ctx, page, log = await person(browser, "olga-en", locale="en-US")
    try:
        await sign_in(page, base, "olga", "/spaces/usage")
        row = await todays_row(page)
        assert await page.locator("h1").inner_text() == "Usage statistics"
        shown = await row.locator("time").inner_text()
        assert re.search(r"[A-Z][a-z]{2}, [A-Z][a-z]{2} \d{1,2}, \d{4}", shown), shown
        assert await page.locator("#usage-table thead").inner_text() != ""
        await assert_axe_clean(page, "usage statistics (en)")
    finally:
        assert log.csp_violations() == []
        await ctx.close()

    ctx, page, log = await person(browser, "marc")
    try:
        await sign_in(page, base, "marc", "/spaces/usage")
        alert = page.locator("[role=alert]", has_text="operators")
        await alert.wait_for()
        assert await page.locator("#ws-nav a[href='/spaces/usage']").count() == 0
        assert await page.locator("#usage-table").count() == 0
    finally:
        await ctx.close()
