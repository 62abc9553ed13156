"""The workspace client (/spaces) with three people, in real browsers on a real server with a
real SMTP server: Alice makes a space, adds Bob, invites a guest by e-mail (the link read from
the SMTP server); they chat with a mention, a reaction and a thread, live; search finds the
message; the guest sees nothing of Bob's other space; Alice starts the space's meeting from
it and Bob's channel shows it live. Every screen is checked with axe-core (the page's CSP left
on) and the guest's at 390x844, in French.

Every endpoint it needs has landed: one the server lacks fails the test, named (Landed in
workspace_helpers.py), after the parts that do not need it ran."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import join_from_prejoin
from workspace_helpers import (
    Landed,
    add_account,
    assert_axe_clean,
    assert_fits_phone,
    invitation_link,
    message_item,
    person,
    sign_in,
)

pytestmark = pytest.mark.browser

GUEST = "gaston@example.org"
PHONE = {"width": 390, "height": 844}


# Through the API from a signed-in page: post in a space's first channel; count search hits.
POST_JS = """async ([space, body]) => {
  const csrf = (await (await fetch('/api/me')).json()).csrf;
  const channels = await (await fetch(`/api/spaces/${space}/channels`)).json();
  const r = await fetch(`/api/channels/${channels[0].id}/messages`, {method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
    body: JSON.stringify({body, client_id: crypto.randomUUID()})});
  return r.status;
}"""
MANY_JS = """async ([space, n, text]) => {
  const csrf = (await (await fetch('/api/me')).json()).csrf;
  const channels = await (await fetch(`/api/spaces/${space}/channels`)).json();
  const out = [];
  for (let i = 1; i <= n; i++) {
    const r = await fetch(`/api/channels/${channels[0].id}/messages`, {method: 'POST',
      headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
      body: JSON.stringify({body: text || `Message ${i} of ${n}`,
                            client_id: crypto.randomUUID()})});
    out.push(r.status);
  }
  return out;
}"""
SEARCH_JS = """async (q) =>
  (await (await fetch('/api/search?q=' + encodeURIComponent(q))).json()).length"""


async def text_of(page: Any, selector: str) -> str:
    return str(await page.locator(selector).first.inner_text())


async def test_workspace_three_people(
    browser: Any, server_factory: Callable[..., Any], smtp: Any, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    add_account(data, "alice", "Alice Martin")
    add_account(data, "bob", "Bob Durand")
    server = server_factory(
        "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp.port), "--smtp-tls", "none"
    )
    base = server.http_url
    landed = Landed(base)
    live = await landed.has_live(base)
    consoles = []

    # Alice: her (empty) home, then a new space, which has its general channel.
    _, alice, log_a = await person(browser, "alice")
    consoles.append(log_a)
    await sign_in(alice, base, "alice")
    await alice.wait_for_selector("#new-space-name")
    await assert_axe_clean(alice, "home")
    await alice.fill("#new-space-name", "Projet Alpha")
    await alice.fill("#new-space-description", "Le projet de l'année")
    await alice.click("#create-space")
    await alice.wait_for_selector("h1:has-text('Projet Alpha')")
    space_id = int(alice.url.rstrip("/").split("/")[-1])
    await alice.wait_for_selector("#start-meeting")
    chat = landed.has(
        "chat",
        "GET /api/spaces/{}/channels", "GET /api/channels/{}/messages",
        "POST /api/channels/{}/messages", "PUT /api/messages/{}/reactions/{}",
    )  # fmt: skip
    if chat:
        await alice.wait_for_selector(".ws-channel-link:has-text('general')")
    await assert_axe_clean(alice, "space")

    # Bob, an organisation account, added by name; he has another space of his own.
    _, bob, log_b = await person(browser, "bob")
    consoles.append(log_b)
    await sign_in(bob, base, "bob")
    await bob.fill("#new-space-name", "Secret de Bob")
    await bob.click("#create-space")
    await bob.wait_for_selector("h1:has-text('Secret de Bob')")
    secret_id = int(bob.url.rstrip("/").split("/")[-1])
    chat_posted = None
    if chat:
        # A message in Bob's space: search finds it for him, never for the guest.
        chat_posted = await bob.evaluate(POST_JS, [secret_id, "Le plan secret de Bob"])
        assert chat_posted == 201, chat_posted
    members = landed.has("members", "GET /api/spaces/{}/members", "POST /api/spaces/{}/members")
    if members:
        await alice.click("#space-admin-link")
        await alice.wait_for_selector("#add-member-name")
        await alice.fill("#add-member-name", "bob")
        await alice.click("form:has(#add-member-name) button[type=submit]")
        await alice.wait_for_selector("td:has-text('Bob Durand')")
        await assert_axe_clean(alice, "admin: members")
        if live:  # Bob's page hears he joined (space.joined), without a reload.
            await bob.wait_for_selector(f".ws-nav a[href='/spaces/{space_id}']", timeout=15_000)

    # The guest, invited by e-mail: the link comes through the real SMTP server.
    guest = None
    if landed.has(
        "invitations",
        "POST /api/spaces/{}/invitations", "GET /api/invitations/{}",
        "POST /api/invitations/{}/accept",
    ):  # fmt: skip
        await alice.goto(f"{base}/spaces/{space_id}/admin/invitations")
        await alice.fill("#invite-email", GUEST)
        await alice.click("#send-invitation")
        await alice.wait_for_selector(f"#pending-invitations li:has-text('{GUEST}')")
        await assert_axe_clean(alice, "admin: invitations")
        link = invitation_link(smtp.wait_for(GUEST, timeout=20), base)
        # In French, on a phone.
        _, guest, log_g = await person(
            browser, "guest", locale="fr-FR", viewport=PHONE, has_touch=True, is_mobile=True
        )
        consoles.append(log_g)
        await guest.goto(link)
        await guest.wait_for_selector("h1:has-text('Vous êtes invité dans Projet Alpha')")
        await assert_axe_clean(guest, "invitation page")
        await assert_fits_phone(guest, "invitation page")
        await guest.fill("#guest-name", "Gaston Lagaffe")
        await guest.click("#accept-invitation")
        await guest.wait_for_url(f"**/spaces/{space_id}")
        await guest.wait_for_selector("h1:has-text('Projet Alpha')")
        assert "Invité" in await text_of(guest, ".ws-card")  # "Votre rôle : Invité"
        await assert_fits_phone(guest, "space (phone)")
        # Nothing of Bob's space: not in the list, not by its address, not by the API.
        await guest.goto(f"{base}/spaces")
        await guest.wait_for_selector(".ws-space-link:has-text('Projet Alpha')")
        assert await guest.locator(".ws-space-link").count() == 1
        assert "Secret" not in await guest.content()
        await guest.goto(f"{base}/spaces/{secret_id}")
        await guest.wait_for_selector("h1:has-text('Cet espace ne peut pas être affiché')")
        statuses = await guest.evaluate(
            """async (id) => Promise.all([`/api/spaces/${id}`, `/api/spaces/${id}/channels`,
                 `/api/spaces/${id}/members`].map(async (u) => (await fetch(u)).status))""",
            secret_id,
        )
        assert statuses == [404, 404, 404], statuses
        if chat and landed.has("search", "GET /api/search"):
            assert await bob.evaluate(SEARCH_JS, "secret") == 1
            assert await guest.evaluate(SEARCH_JS, "secret") == 0

    # The chat: a mention, a reaction, a thread; each seen live by the others.
    general = None
    if chat and members and live:
        await alice.goto(f"{base}/spaces/{space_id}")
        await alice.click(".ws-channel-link:has-text('general')")
        await alice.wait_for_selector("#composer")
        general = alice.url
        await bob.goto(general)
        await bob.wait_for_selector("#composer")
        if guest is not None:
            await guest.goto(general)
            await guest.wait_for_selector("#composer")

        # Bob types: Alice sees it.
        await bob.type("#composer", "Bonjour")
        await alice.wait_for_selector(".ws-typing:has-text('Bob Durand')", timeout=10_000)
        await bob.fill("#composer", "")

        # Alice mentions Bob through the suggestions (keyboard only), and sends with Enter.
        await alice.focus("#composer")
        await alice.keyboard.type("Réunion de lancement jeudi, @bo")
        await alice.wait_for_selector(".ws-suggest li[aria-selected=true]:has-text('Bob Durand')")
        await alice.keyboard.press("Enter")
        assert (await alice.input_value("#composer")).endswith("@bob ")
        await alice.keyboard.type("tu confirmes ?")
        await alice.keyboard.press("Shift+Enter")
        await alice.keyboard.type("**Ordre du jour** à suivre.")
        await alice.keyboard.press("Enter")
        mine = await message_item(alice, "Réunion de lancement")
        assert await mine.locator("strong", has_text="Ordre du jour").count() == 1
        theirs = await message_item(bob, "Réunion de lancement")  # live, no reload
        if landed.has("notifications", "GET /api/notifications"):
            await bob.wait_for_selector("#ws-notifications-link .ws-badge")

        # Bob reacts with the keyboard: the menu opens, arrows, Enter; Alice sees the count.
        await theirs.locator(".ws-react-menu button[aria-haspopup]").click()
        await bob.keyboard.press("Enter")  # the first emoji, 👍
        await theirs.locator(".ws-reaction[aria-pressed=true]").wait_for()
        await mine.locator(".ws-reaction:has-text('1')").wait_for(timeout=10_000)

        # Alice's page is axe-clean with a message, a reaction, the menus.
        await assert_axe_clean(alice, "channel")

        # The guest answers in a thread, on the phone: the panel covers the screen.
        replier = guest if guest is not None else bob
        root = await message_item(replier, "Réunion de lancement")
        await root.locator("button[aria-label^='Actions']").click()
        await replier.locator("[role=menuitem]").first.click()  # reply in thread
        await replier.wait_for_selector("#thread-panel #thread-composer")
        await replier.fill("#thread-composer", "Je serai là, merci !")
        await replier.press("#thread-composer", "Enter")
        await message_item(replier, "Je serai là")
        if guest is not None:
            await assert_fits_phone(guest, "thread (phone)")
            box = await guest.evaluate(
                "(() => { const r = document.querySelector('#thread-panel')"
                ".getBoundingClientRect(); return [r.width, r.height, innerWidth, innerHeight] })()"
            )
            assert box[0] >= box[2] - 1 and box[1] >= box[3] - 1, box
            await assert_axe_clean(guest, "thread (phone)")
            await guest.keyboard.press("Escape")
            await guest.wait_for_selector("#thread-panel", state="detached")
        # Alice sees the reply count live, opens the thread, sees the reply.
        await mine.locator(".ws-thread-link").wait_for(timeout=10_000)
        await mine.locator(".ws-thread-link").click()
        await alice.wait_for_selector("#thread-panel li.ws-msg:has-text('Je serai là')")
        await assert_axe_clean(alice, "thread")
        await alice.keyboard.press("Escape")

    # Edits and deletes show as such on the others' pages; a long history pages backwards as
    # one scrolls up, and the "new messages" line marks where Bob stopped reading.
    if general is not None:
        await bob.goto(f"{base}/spaces/{space_id}")  # Bob leaves the channel
        await bob.wait_for_selector("h1:has-text('Projet Alpha')")
        await alice.click(
            "li.ws-msg:has-text('Réunion de lancement') button[aria-label^='Actions']"
        )
        await alice.click("[role=menuitem]:has-text('Edit')")
        await alice.fill("li.ws-msg textarea", "Réunion de lancement vendredi, @bob")
        await alice.keyboard.press("Enter")
        await alice.wait_for_selector("li.ws-msg:has-text('vendredi') .ws-edited")
        posted = await alice.evaluate(MANY_JS, [space_id, 70])
        assert posted == [201] * 70, posted
        await alice.wait_for_selector("li.ws-msg:has-text('Message 70 of 70')")
        doomed = await message_item(alice, "Message 70 of 70")
        await doomed.locator("button[aria-label^='Actions']").click()
        await alice.click("[role=menuitem]:has-text('Delete')")
        await alice.click("dialog .btn.danger")
        await alice.wait_for_selector("li.ws-msg.deleted")
        await bob.goto(general)
        await bob.wait_for_selector("li.ws-msg.deleted:has-text('This message was deleted')")
        await bob.wait_for_selector("#unread-line")
        assert await bob.locator("li.ws-msg:has-text('vendredi')").count() == 0  # not loaded
        for _ in range(5):  # scrolling up loads the earlier pages, down to the first
            if await bob.locator("li.ws-msg:has-text('vendredi')").count():
                break
            held = await bob.locator("li.ws-msg").count()
            await bob.eval_on_selector(".ws-history", "el => { el.scrollTop = 0; }")
            await bob.wait_for_function(
                "n => document.querySelectorAll('li.ws-msg').length > n"
                " || !document.querySelector('#load-older')",
                arg=held,
            )
        edited = await message_item(bob, "Réunion de lancement vendredi")
        assert await edited.locator(".ws-edited").count() == 1
        await bob.wait_for_selector("text=This is the beginning of the conversation.")
        assert await bob.locator("li.ws-msg:has-text('Message 1 of 70')").count() == 1

    # Live after a gap: Bob's network drops, Alice posts, Bob's page reconnects and catches
    # up from its cursor (GET /api/channels/{cid}/changes).
    if general is not None and landed.has("changes", "GET /api/channels/{}/changes"):
        # (general is set only where the live connection is served)
        await bob.context.set_offline(True)
        await bob.wait_for_selector(".ws-offline")
        assert await alice.evaluate(MANY_JS, [space_id, 1, "Posted while Bob was away"]) == [201]
        await bob.context.set_offline(False)
        await bob.wait_for_selector("li.ws-msg:has-text('Posted while Bob was away')")
        await bob.wait_for_selector(".ws-offline", state="detached")

    # Search finds the message, and the result opens it in its channel.
    if general is not None and landed.has("search", "GET /api/search"):
        await bob.goto(f"{base}/spaces/search?q=lancement")
        result = bob.locator(".ws-result-link").first
        await result.wait_for()
        await assert_axe_clean(bob, "search")
        await result.click()
        await bob.wait_for_selector("li.ws-msg.highlight:has-text('Réunion de lancement')")

    # Bob's notifications: the mention, marked read.
    if general is not None and landed.has(
        "notifications", "GET /api/notifications", "POST /api/notifications/read"
    ):
        await bob.goto(f"{base}/spaces/notifications")
        mention = bob.locator(".ws-notices li", has_text="Alice Martin").first
        await mention.wait_for()
        assert "lancement" in await mention.inner_text()
        await assert_axe_clean(bob, "notifications")
        if await bob.locator(".ws-notices li.unread").count():
            await bob.click("#read-all")
            await bob.wait_for_selector(".ws-notices li.unread", state="detached")
        assert await bob.locator("#ws-notifications-link .ws-badge").count() == 0

    # Settings: her name (renamed, then back), notification levels and tokens.
    await alice.goto(f"{base}/spaces/settings")
    await alice.wait_for_selector("#notify-title")
    for name in ("Alice Martin-Lefèvre", "Alice Martin"):
        await alice.fill("#settings-name", name)
        await alice.click("form:has(#settings-name) button[type=submit]")
        # The status appears once the server has answered (typing hides it).
        await alice.wait_for_selector("form:has(#settings-name) [role=status]")
        saved = await alice.evaluate("async () => (await (await fetch('/api/me')).json())")
        assert saved["displayName"] == name, saved
    if landed.has("tokens", "GET /api/tokens", "POST /api/tokens"):
        await alice.fill("#token-name", "robot")
        await alice.click("form:has(#token-name) button[type=submit]")
        token = await alice.locator("#new-token").input_value()
        assert token.startswith("plb_"), token
    await assert_axe_clean(alice, "settings")

    # The space's meeting, from the space; Bob's channel shows it live with Alice in it.
    await alice.goto(f"{base}/spaces/{space_id}")
    room = await alice.evaluate(
        "async (id) => (await (await fetch(`/api/spaces/${id}`)).json()).room", space_id
    )
    await alice.click("#start-meeting")
    await alice.wait_for_url(f"**/{room}")
    await join_from_prejoin(alice, "Alice Martin")
    if general is not None and landed.has("meeting", "GET /api/spaces/{}/meeting"):
        await bob.goto(general)
        await bob.wait_for_selector(".ws-live:has-text('Alice Martin')", timeout=15_000)

    for console in consoles:
        assert console.csp_violations() == [], console.csp_violations()
        # Network refusals the test provokes (the guest's 404s) are not the page's errors, nor
        # is a server without /api/live refusing the page's socket.
        errors = [
            e
            for e in console.errors
            if "Failed to load resource" not in e and (live or "/api/live" not in e)
        ]
        assert errors == [], errors

    if landed.missing:
        pytest.fail("missing on this server: " + "; ".join(landed.missing))
