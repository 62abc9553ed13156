"""Three people meet in Chromium through Palabre's SFU, as new users would."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    assert_media_flowing,
    join_from_home,
    join_from_prejoin,
    meet,
    my_id,
    new_page,
    remote_tiles,
    tile_attr,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_three_participants_meet(browser: Any, web_server: Any, artifacts: Path) -> None:
    base = web_server.http_url

    # Ada starts a new meeting from the home page.
    ada, ada_log = await new_page(browser, "Ada")
    await ada.goto(base + "/")
    await ada.click("#new-meeting")
    await ada.wait_for_selector("#display-name")
    room_url = ada.url
    room = room_url.rsplit("/", 1)[1]
    assert re.fullmatch(r"[a-z0-9._-]{8,64}", room), room
    await join_from_prejoin(ada, "Ada")
    assert room in await ada.title()
    code_text = await ada.text_content("#meeting-code") or ""
    code = re.sub(r"\D", "", code_text)
    assert len(code) == 9, code_text

    # Bob pastes the link, Chloé types the numeric code.
    bob, bob_log = await new_page(browser, "Bob")
    await join_from_home(bob, base, room_url, "Bob")
    chloe, chloe_log = await new_page(browser, "Chloé")
    await join_from_home(chloe, base, f"{code[:3]} {code[3:6]} {code[6:]}", "Chloé")
    assert bob.url == room_url and chloe.url == room_url

    pages = {"ada": ada, "bob": bob, "chloe": chloe}
    ids = {name: await my_id(page) for name, page in pages.items()}

    # Each shows the two others, with video decoding and audio arriving.
    for name, page in pages.items():
        others = sorted(ids[n] for n in pages if n != name)
        await wait_for(
            lambda page=page: remote_tiles(page),
            lambda tiles, others=others: tiles == others,
            what=f"{name}'s two remote tiles",
        )
        await assert_media_flowing(page, others)
    await ada.screenshot(path=str(artifacts / "meeting-3-participants.png"))

    # Ada mutes her microphone: Bob and Chloé see it.
    await ada.click("#toggle-mic")
    assert await ada.get_attribute("#toggle-mic", "aria-pressed") == "false"
    for page in (bob, chloe):
        await wait_for(
            lambda page=page: tile_attr(page, ids["ada"], "audioMuted"),
            lambda v: v == "true",
            what="Ada's mute indicator",
        )
    await ada.click("#toggle-mic")
    await wait_for(
        lambda: tile_attr(bob, ids["ada"], "audioMuted"), lambda v: v == "false", what="unmute"
    )

    # Bob turns his camera off: the others show his avatar instead.
    await bob.click("#toggle-camera")
    await wait_for(
        lambda: tile_attr(chloe, ids["bob"], "videoMuted"), lambda v: v == "true", what="cam off"
    )
    await bob.click("#toggle-camera")
    await wait_for(
        lambda: tile_attr(chloe, ids["bob"], "videoMuted"), lambda v: v == "false", what="cam on"
    )

    # Chloé shares her screen: it appears on the others as its own tile, decoding.
    await chloe.click("#toggle-screen")
    await chloe.wait_for_selector('#tiles li.tile[data-local="true"][data-source="screen"]')
    for page in (ada, bob):
        await wait_for(
            lambda page=page: remote_tiles(page, "screen"),
            lambda tiles: tiles == [ids["chloe"]],
            what="Chloé's screen tile",
        )
        await assert_media_flowing(page, [ids["chloe"]], source="screen", audio=False)
    await ada.screenshot(path=str(artifacts / "meeting-screen-share.png"))
    await chloe.click("#toggle-screen")
    for page in (ada, bob):
        await wait_for(
            lambda page=page: remote_tiles(page, "screen"),
            lambda tiles: tiles == [],
            what="screen tile removed",
        )

    # Chloé leaves: her tile goes away on the others.
    await chloe.click("#leave")
    await chloe.wait_for_selector("#rejoin")
    for page in (ada, bob):
        await wait_for(
            lambda page=page: remote_tiles(page),
            lambda tiles: ids["chloe"] not in tiles,
            what="Chloé's tile removed",
        )

    # Ada reloads: she is back in the meeting, and Bob sees her again.
    await ada.reload()
    await ada.wait_for_selector(".meeting[data-status=connected]", timeout=20_000)
    new_ada = await my_id(ada)
    await wait_for(
        lambda: remote_tiles(ada), lambda tiles: tiles == [ids["bob"]], what="Ada sees Bob"
    )
    await wait_for(
        lambda: remote_tiles(bob), lambda tiles: tiles == [new_ada], what="Bob sees Ada once"
    )
    await assert_media_flowing(ada, [ids["bob"]])
    await assert_media_flowing(bob, [new_ada])

    for log in (ada_log, bob_log, chloe_log):
        assert log.csp_violations() == [], log.csp_violations()


async def test_reconnects_after_websocket_drop(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    room = "reconnect-test"
    ada, bob = await meet(browser, base, room, "Ada", "Bob")
    bob_id = await my_id(bob)
    await assert_media_flowing(ada, [bob_id])

    # The signaling connection drops: a banner shows, then the client is back by itself.
    await ada.evaluate("window.__palabre.session.ws.close()")
    await ada.wait_for_selector("#banner:not([hidden])", timeout=5_000)
    assert await ada.get_attribute(".meeting", "data-status") == "reconnecting"
    await ada.wait_for_selector(".meeting[data-status=connected]", timeout=20_000)
    assert await ada.is_hidden("#banner")
    await wait_for(lambda: remote_tiles(ada), lambda t: t == [bob_id], what="Bob after rejoin")
    await assert_media_flowing(ada, [bob_id])
    new_ada = await my_id(ada)
    await wait_for(lambda: remote_tiles(bob), lambda t: t == [new_ada], what="Ada back once")


async def test_rejoined_participant_reaches_the_others(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    room = "rejoin-media-test"
    ada, bob = await meet(browser, base, room, "Ada", "Bob")
    await assert_media_flowing(bob, [await my_id(ada)])
    await ada.reload()
    await ada.wait_for_selector(".meeting[data-status=connected]", timeout=20_000)
    new_ada = await my_id(ada)
    await wait_for(lambda: remote_tiles(bob), lambda t: t == [new_ada], what="Ada back once")
    await assert_media_flowing(ada, [await my_id(bob)])
    await assert_media_flowing(bob, [new_ada])


async def test_audio_only_join(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    room = "audio-only-test"
    ada, _ = await new_page(browser, "Ada")
    bob, _ = await new_page(browser, "Bob")
    await join_from_home(ada, base, room, "Ada")
    await bob.goto(f"{base}/{room}")
    await bob.fill("#display-name", "Bob")
    await bob.click("#join-audio-only")
    await bob.wait_for_selector(".meeting[data-status=connected]", timeout=20_000)
    ada_id, bob_id = await my_id(ada), await my_id(bob)
    # Ada hears Bob and sees that his camera is off.
    await wait_for(
        lambda: tile_attr(ada, bob_id, "videoMuted"), lambda v: v == "true", what="Bob cam off"
    )
    assert await bob.get_attribute("#toggle-camera", "aria-pressed") == "false"
    await asyncio.sleep(1)
    stats = await wait_for(
        lambda: _audio_from(ada, bob_id), lambda n: n > 0, what="Bob's audio at Ada"
    )
    assert stats > 0
    # Bob receives Ada's audio.
    await wait_for(lambda: _audio_from(bob, ada_id), lambda n: n > 0, what="Ada's audio at Bob")


async def _audio_from(page: Any, pid: str) -> int:
    from browser_helpers import remote_stats

    for s in await remote_stats(page):
        if s["participant"] == pid and s["kind"] == "audio":
            return int(s["packets"])
    return 0
