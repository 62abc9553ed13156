"""Coming back after a dropped connection: same participant, same role, media again."""

from __future__ import annotations

import pytest

from palabre.bot import Bot, load_clip
from palabre.bot.harness import received_from, until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip():
    return load_clip()


async def _join(bot: Bot, resume: str | None = None) -> dict:
    message = {"type": "join", "room": bot.room, "name": bot.name}
    if resume is not None:
        message["resume"] = resume
    joined = await bot.request(message)
    assert joined["type"] == "joined", joined
    bot.id = joined["you"]["id"]
    return joined


async def test_dropped_moderator_resumes_as_itself_past_the_lobby(palabre_server, clip):
    url = palabre_server.ws_url
    mod = Bot(url, "resume", "Mod", clip=clip)
    guest = Bot(url, "resume", "Guest", clip=clip)
    back = Bot(url, "resume", "Mod", clip=clip)
    try:
        first = await _join(mod)
        assert first["you"]["role"] == "moderator"
        token = first["resume"]
        await _join(guest)
        await mod.send({"type": "hand", "raised": True})
        await mod.send({"type": "mute", "kind": "audio", "muted": True})
        await guest.wait_for(
            lambda m: m["type"] == "participant_updated" and m["participant"]["audioMuted"]
        )
        await mod.send({"type": "lobby", "enabled": True})
        await mod.wait_for(lambda m: m["type"] == "room_updated" and m["settings"]["lobby"])

        # The connection drops without a goodbye: the others see it reconnecting, and no one
        # else becomes moderator.
        await mod.close()
        away = await guest.wait_for(
            lambda m: (
                m["type"] == "participant_updated"
                and m["participant"]["id"] == first["you"]["id"]
                and m["participant"].get("reconnecting")
            )
        )
        assert away["participant"]["role"] == "moderator"
        assert not any(m["type"] == "participant_left" for m in guest.messages)

        # A wrong token is an ordinary join: the lobby holds it. (Another first character:
        # "x" + token[1:] was the token itself once in 64 runs.)
        wrong = ("y" if token[0] == "x" else "x") + token[1:]
        stranger = Bot(url, "resume", "Mod")
        try:
            waiting = await stranger.request(
                {"type": "join", "room": "resume", "name": "Mod", "resume": wrong}
            )
            assert waiting["type"] == "lobby_waiting"
        finally:
            await stranger.close()

        # With its token it comes back as itself, past the lobby.
        again = await _join(back, token)
        assert again["you"]["id"] == first["you"]["id"]
        assert again["you"]["role"] == "moderator"
        assert again["you"]["audioMuted"] is True
        assert "reconnecting" not in again["you"]
        assert first["you"]["id"] in again["hands"]
        assert again["settings"]["lobby"] is True
        await guest.wait_for(
            lambda m: (
                m["type"] == "participant_updated"
                and m["participant"]["id"] == first["you"]["id"]
                and "reconnecting" not in m["participant"]
            )
        )
        guest_joined = next(m for m in guest.messages if m["type"] == "joined")
        assert guest_joined["you"]["role"] == "participant"
        assert not any(
            m["type"] == "participant_updated"
            and m["participant"]["id"] == guest.id
            and m["participant"]["role"] == "moderator"
            for m in guest.messages
        )

        # Media flows both ways again (video: the resumed one is audio-muted).
        await back.publish()
        await guest.publish()
        await until(
            lambda: (
                received_from(guest, back, "video") > 0
                and received_from(back, guest, "video") > 0
                and received_from(back, guest, "audio") > 0
            ),
            timeout=30,
        )
    finally:
        for bot in (back, guest, mod):
            await bot.close()


async def test_a_seat_ends_after_the_grace_period(server_factory):
    server = server_factory("--resume-grace", "1")
    ada = Bot(server.ws_url, "grace", "Ada")
    bob = Bot(server.ws_url, "grace", "Bob")
    late = Bot(server.ws_url, "grace", "Ada")
    try:
        first = await _join(ada)
        await _join(bob)
        await ada.close()
        left = await bob.wait_for(lambda m: m["type"] == "participant_left", timeout=20)
        assert left["id"] == first["you"]["id"]
        # Alone, Bob moderates now; the old token is worth nothing.
        role = await bob.wait_for(
            lambda m: m["type"] == "participant_updated" and m["participant"]["id"] == bob.id
        )
        assert role["participant"]["role"] == "moderator"
        again = await _join(late, first["resume"])
        assert again["you"]["id"] != first["you"]["id"]
        assert again["you"]["role"] == "participant"
    finally:
        for bot in (late, bob, ada):
            await bot.close()


async def test_restart_ice_offers_new_credentials_to_the_same_participant(palabre_server, clip):
    """restart_ice: a new subscribe offer with new ICE credentials, and no new join."""
    url = palabre_server.ws_url
    ada, bob = Bot(url, "ice", "Ada", clip=clip), Bot(url, "ice", "Bob", clip=clip)
    try:
        for bot in (ada, bob):
            await bot.join()
            await bot.publish()
        await until(lambda: received_from(bob, ada, "audio") > 0)

        def ufrags() -> list[str]:
            offers = [m for m in bob.messages if m["type"] == "subscribe_offer"]
            found = [line for m in offers for line in m["sdp"].split("\r\n")]
            return [line.split(":", 1)[1] for line in found if line.startswith("a=ice-ufrag:")]

        before = set(ufrags())
        offers = sum(1 for m in bob.messages if m["type"] == "subscribe_offer")
        await bob.send({"type": "restart_ice"})
        await until(
            lambda: sum(1 for m in bob.messages if m["type"] == "subscribe_offer") > offers, 5
        )
        assert set(ufrags()) - before, "the new offer carries new credentials"
        assert sum(1 for m in bob.messages if m["type"] == "joined") <= 1
        assert not [m for m in bob.messages if m["type"] == "error"]
    finally:
        await ada.leave()
        await bob.leave()
