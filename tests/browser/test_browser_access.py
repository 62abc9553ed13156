"""Invitation links with a token, and a server where only signed-in hosts open rooms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browser_helpers import STATIC_INDEX, join_from_prejoin, my_id, new_page

pytestmark = pytest.mark.browser

SECRET = "an-invitation-secret-of-at-least-32-characters"


@pytest.fixture
def token_server(server_factory: Callable[..., Any]) -> Any:
    if not STATIC_INDEX.is_file():
        pytest.fail("the web client is not built: run `make client`")
    return server_factory("--jwt-secret", SECRET)


async def test_invitation_link_with_token(browser: Any, token_server: Any) -> None:
    from palabre.accounts.tokens import create_invitation
    from palabre.config import Settings

    settings = Settings(jwt_secret=SECRET)
    base = token_server.http_url
    guest, _ = await new_page(browser, "guest")
    await guest.goto(base + "/token-room")
    await join_from_prejoin(guest, "First")

    # A moderator's invitation: the name comes from the token, the role too.
    token = create_invitation(settings, "token-room", name="Tessa", moderator=True)
    page, _ = await new_page(browser, "invited")
    await page.goto(f"{base}/token-room?token={token}")
    await page.wait_for_selector("#display-name")
    assert await page.input_value("#display-name") == "Tessa"
    await page.click("#join-meeting")
    await page.wait_for_selector(".meeting[data-status=connected]", timeout=20_000)
    await page.wait_for_selector(".meeting[data-role=moderator]")
    assert page.url.endswith(f"/token-room?token={token}")
    assert await my_id(page)

    # A token that does not verify is refused with a clear message, and no retry loop.
    bad, _ = await new_page(browser, "bad")
    await bad.goto(f"{base}/token-room?jwt={token[:-4]}AAAA")
    await bad.fill("#display-name", "Mallory")
    await bad.click("#join-meeting")
    await bad.wait_for_selector("#end-reason")
    assert "invitation link cannot be used" in (await bad.text_content("#end-reason") or "")


async def test_secure_domain_asks_to_sign_in(
    browser: Any, server_factory: Callable[..., Any]
) -> None:
    server = server_factory("--secure-domain")
    base = server.http_url
    page, _ = await new_page(browser, "guest")
    await page.goto(base + "/")
    await page.wait_for_selector("#sign-in")
    await page.goto(base + "/closed-room")
    await page.fill("#display-name", "Guest")
    await page.click("#join-meeting")
    await page.wait_for_selector("#end-reason")
    assert "a host must open it" in (await page.text_content("#end-reason") or "")
    assert "could not join" in (await page.text_content("#exit-title[data-exit=refused]") or "")
    href = await page.get_attribute("main #sign-in", "href")
    assert href == "/auth/login?next=%2Fclosed-room"
