"""End-to-end encryption in the browser (issue 8): encoded-frame transforms, key exchange over
the signaling, rotation on leave, verification strings, encrypted chat."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from typing import Any

import pytest
from browser_helpers import (
    assert_media_flowing,
    by_key,
    e2ee_state,
    enable_e2ee,
    join_from_home,
    join_room,
    my_id,
    new_page,
    remote_stats,
    wait_for,
    wait_keys,
)
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from palabre.bot import client as bot_client
from palabre.media.rtp import RTP_HEADER, parse_header, vp8_payload_header_offset

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRAILER = 13  # IV (12) and the 0xE2 format byte


# ---- the frame format, as a receiver that holds the key reads it ----


def frame_key(raw: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 16, salt=None, info=b"palabre-e2ee frame").derive(raw)


def ratchet(raw: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 16, salt=None, info=b"palabre-e2ee ratchet").derive(raw)


def key_id(frame: bytes) -> int:
    return int.from_bytes(frame[-TRAILER : -TRAILER + 4], "big")


def decrypt(frame: bytes, raw: bytes, kind: str) -> bytes:
    """The clear frame; raises InvalidTag when the key is not the one it was encrypted with."""
    assert frame[-1] == 0xE2, "no E2EE trailer"
    iv, body = frame[-TRAILER:-1], frame[:-TRAILER]
    clear = 1 if kind == "audio" else (3 if body[0] & 0x01 else 10)
    clear = min(clear, len(body))
    return body[:clear] + AESGCM(frame_key(raw)).decrypt(iv, body[clear:], body[:clear])


class Recorder:
    """What the SFU forwards to a test participant: whole frames per track (VP8 frames are
    put back together from their packets; an Opus frame is one packet)."""

    def __init__(self, bot: bot_client.Bot) -> None:
        self.bot = bot
        self.packets: dict[int, list[tuple[int, int, bool, bytes]]] = {}
        transport = bot.subscribe_transport
        inner = transport._on_rtp

        def on_rtp(packet: bytes) -> None:
            _, marker_pt, seq, ts, ssrc = RTP_HEADER.unpack_from(packet)
            header = parse_header(packet, with_extensions=False)
            payload = packet[header.payload_offset : header.payload_end]
            self.packets.setdefault(ssrc, []).append((seq, ts, bool(marker_pt & 0x80), payload))
            inner(packet)

        transport._on_rtp = on_rtp

    def track_ssrcs(self, participant: str, kind: str) -> list[int]:
        return [
            ssrc
            for ssrc, t in self.bot._ssrc_to_track.items()
            if t.participant == participant and t.kind == kind
        ]

    def frames(self, participant: str, kind: str) -> list[bytes]:
        out: list[bytes] = []
        for ssrc in self.track_ssrcs(participant, kind):
            packets = sorted(self.packets.get(ssrc, []), key=lambda p: p[0])
            if kind == "audio":
                out += [p[3] for p in packets]
                continue
            by_ts: dict[int, list[tuple[int, int, bool, bytes]]] = {}
            for p in packets:
                by_ts.setdefault(p[1], []).append(p)
            for group in by_ts.values():
                seqs = [p[0] for p in group]
                first = group[0][3]
                whole = (
                    seqs == list(range(seqs[0], seqs[0] + len(seqs)))
                    and first[0] & 0x10
                    and group[-1][2]
                )
                if whole:
                    out.append(b"".join(p[3][vp8_payload_header_offset(p[3]) :] for p in group))
        return out


async def join_bot(ws_url: str, room: str) -> bot_client.Bot:
    """A test participant that says it can encrypt (it never gets a key: it only listens)."""
    bot = bot_client.Bot(ws_url, room, "Sonde")
    joined = await bot.request({"type": "join", "room": room, "name": "Sonde", "e2ee": True})
    assert joined["type"] == "joined", joined
    bot.id = joined["you"]["id"]
    return bot


async def test_e2ee_three_browsers_decode_verify_and_chat(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    room = "e2ee-three"
    pages: dict[str, Any] = {}
    logs: dict[str, Any] = {}
    sent: dict[str, list[str]] = {}
    for name in ("Ada", "Bob", "Chloé"):
        page, log = await new_page(browser, name)
        sent[name] = []
        page.on(
            "websocket",
            lambda ws, n=name: ws.on("framesent", lambda payload, n=n: sent[n].append(payload)),
        )
        pages[name], logs[name] = page, log
    ada, bob, chloe = pages["Ada"], pages["Bob"], pages["Chloé"]

    await join_from_home(ada, base, room, "Ada")
    await ada.wait_for_selector(".meeting[data-role=moderator]")
    await enable_e2ee(ada)
    await join_room(bob, base, room, "Bob")
    await join_room(chloe, base, room, "Chloé")
    ids = {n: await my_id(p) for n, p in pages.items()}

    # Everyone says the meeting is encrypted end to end, and that the notes are off.
    for name, page in pages.items():
        await page.wait_for_selector("#e2ee-bar:not([hidden])")
        assert "Encrypted end to end" in (await page.text_content("#e2ee-status") or ""), name
        assert "notes are off" in (await page.text_content("#e2ee-notes-off") or ""), name
        assert await page.is_hidden("#toggle-notes"), name

    # Every browser holds the others' keys, and decodes their (encrypted) video and audio.
    for name, page in pages.items():
        others = [ids[n] for n in pages if n != name]
        await wait_keys(page, others)
        await assert_media_flowing(page, others)
    for name, page in pages.items():
        state = await e2ee_state(page)
        assert state and state["enabled"], name
        assert state["worker"]["encrypted"] > 0 and state["worker"]["decrypted"] > 0, (name, state)

    # Verification: both sides of a pair see the same string; until compared, a peer is
    # listed as not verified.
    a_state, b_state = await e2ee_state(ada), await e2ee_state(bob)
    assert a_state and b_state
    assert a_state["sas"][ids["Bob"]] == b_state["sas"][ids["Ada"]]
    assert a_state["sas"][ids["Bob"]] != a_state["sas"][ids["Chloé"]]
    unverified = await ada.text_content("#e2ee-status") or ""
    assert "Bob" in unverified and "Chloé" in unverified
    await ada.click("#toggle-people")
    row = f'#people-list [data-sas-for="{ids["Bob"]}"]'
    await ada.wait_for_selector(f"{row} .sas")
    shown = await ada.get_attribute(f"{row} .sas", "data-sas")
    # Names stay readable beside the verification rows (the server knows them anyway).
    for pid, name in ((ids["Bob"], "Bob"), (ids["Chloé"], "Chloé"), (ids["Ada"], "Ada")):
        who = f'#people-list li[data-participant="{pid}"] .who'
        assert name in (await ada.text_content(who) or ""), name
        box = await ada.locator(who).bounding_box()
        assert box and box["width"] > 20, (name, box)
    assert shown == ",".join(str(i) for i in a_state["sas"][ids["Bob"]])
    await ada.click(f"{row} button[data-verify]")
    await wait_for(
        lambda: ada.text_content("#e2ee-status"),
        lambda t: "Bob" not in (t or "") and "Chloé" in (t or ""),
        what="Bob verified at Ada's",
    )

    # Chat goes end to end: the others read it, the server only sees ciphertext.
    secret = "Le code du coffre est 4242"
    await ada.click("#toggle-chat")
    await ada.fill("#chat-input", secret)
    await ada.click("#chat-send")
    for page in (bob, chloe):
        await page.click("#toggle-chat")
        await page.wait_for_selector(f'#chat-log li:has-text("{secret}")')
    frames = [f for f in sent["Ada"] if isinstance(f, str)]
    assert any('"e2ee_chat"' in f for f in frames), frames[-5:]
    assert not any(secret in f for f in frames)

    # The moderator turns encryption off: everyone is told, the notes come back, media goes on.
    await ada.click("#toggle-moderation")
    await ada.wait_for_selector("#mod-panel:not([hidden])")
    await ada.uncheck("#mod-panel input[name=e2ee]")
    for page in (bob, chloe):
        await page.wait_for_selector("#e2ee-bar", state="hidden")
        await page.wait_for_selector("#toggle-notes", state="visible")
    await assert_media_flowing(bob, [ids["Ada"], ids["Chloé"]], audio=False)

    for name, log in logs.items():
        assert log.csp_violations() == [], name


async def test_e2ee_sfu_sees_ciphertext_keyless_decodes_nothing_rotation(
    browser: Any, web_server: Any
) -> None:
    base = web_server.http_url
    room = "e2ee-keys"
    names = ("Ada", "Bob", "Chloé", "Dan")
    pages: dict[str, Any] = {}
    for name in names:
        page, _ = await new_page(browser, name)
        # Test hooks: export keys (to check frames from Python); Dan ignores the keys he gets.
        hook = {"noKeys": True} if name == "Dan" else {"exportKeys": True}
        await page.add_init_script(f"window.__palabreE2eeTest = {json.dumps(hook)}")
        pages[name] = page
    ada, bob, chloe, dan = (pages[n] for n in names)

    await join_from_home(ada, base, room, "Ada")
    await ada.wait_for_selector(".meeting[data-role=moderator]")
    await enable_e2ee(ada)
    await join_room(bob, base, room, "Bob")
    bot = await join_bot(web_server.ws_url, room)
    try:
        recorder = Recorder(bot)
        await join_room(chloe, base, room, "Chloé")
        await join_room(dan, base, room, "Dan")
        ids = {n: await my_id(p) for n, p in pages.items()}

        # Dan never installs a key: he receives everyone's packets and decodes nothing.
        await wait_keys(bob, [ids["Ada"], ids["Chloé"], ids["Dan"]])
        await assert_media_flowing(bob, [ids["Ada"], ids["Dan"]])
        await asyncio.sleep(3)
        stats = by_key(await remote_stats(dan))
        ada_video = stats.get((ids["Ada"], "camera", "video"))
        assert ada_video and ada_video["packets"] > 50, stats
        assert ada_video["frames"] == 0, stats
        assert all(s["frames"] == 0 for k, s in stats.items() if k[2] == "video"), stats
        dan_state = await e2ee_state(dan)
        assert dan_state and dan_state["worker"]["decrypted"] == 0, dan_state
        assert dan_state["worker"]["droppedBy"].get(ids["Ada"], 0) > 0, dan_state

        # What the SFU forwards is not the clear frame: keyframes keep their 10-byte VP8
        # header in clear (the SFU's keyframe detection), the rest only opens with Ada's key.
        await wait_for(
            lambda: asyncio.sleep(0, recorder.frames(ids["Ada"], "video")),
            lambda fs: any(not f[0] & 0x01 for f in fs) and len(fs) > 10,
            what="Ada's video frames at the test participant",
        )
        a_state = await e2ee_state(ada)
        assert a_state
        own = base64.b64decode(a_state["ownKey"])
        video = recorder.frames(ids["Ada"], "video")
        opened = 0
        for f in video[-10:]:
            if key_id(f) != a_state["ownKeyId"]:
                continue
            clear = decrypt(f, own, "video")
            assert clear[:3] == f[:3] and clear[3:] != f[3 : len(clear)]
            opened += 1
        assert opened > 0, [key_id(f) for f in video[-10:]]
        keyframes = [f for f in video if not f[0] & 0x01]
        assert keyframes[-1][3:6] == b"\x9d\x01\x2a"  # VP8 start code, in clear

        # Chloé leaves: everyone who stays makes a new key, the others get it, video goes on.
        c_state = await e2ee_state(chloe)
        assert c_state
        chloe_keys_for_ada = [
            (k["id"], base64.b64decode(k["raw"])) for k in c_state["rawKeys"][ids["Ada"]]
        ]
        # Each join ratcheted Ada's key (Bob, the test participant, Chloé, Dan: index 4), and
        # Chloé got only the key of her own arrival or later, never an earlier one.
        before = a_state["ownKeyId"]
        assert before & 0xFF >= 3, before
        assert all(k & 0xFF >= 2 for k, _ in chloe_keys_for_ada), chloe_keys_for_ada
        await chloe.click("#leave")
        a_after = await wait_for(
            lambda: e2ee_state(ada),
            lambda s: bool(s) and (s["ownKeyId"] >> 8) != (before >> 8),
            what="Ada's new key after Chloé left",
        )
        assert a_after
        new_id = a_after["ownKeyId"]
        await wait_for(
            lambda: e2ee_state(bob),
            lambda s: bool(s) and new_id in s["keys"].get(ids["Ada"], []),
            what="Ada's new key at Bob's",
        )
        await asyncio.sleep(2)  # the new key is used a second after it is sent
        await assert_media_flowing(bob, [ids["Ada"]])

        # New audio frames from Ada: under the new key, which Chloé's old keys (ratcheted as
        # far as one likes) do not open.
        recorder.packets.clear()
        audio = await wait_for(
            lambda: asyncio.sleep(0, recorder.frames(ids["Ada"], "audio")),
            lambda fs: any(key_id(f) == new_id for f in fs),
            what="Ada's audio under the new key",
        )
        fresh = [f for f in audio if key_id(f) == new_id][-5:]
        new_raw = base64.b64decode(a_after["ownKey"])
        for f in fresh:
            decrypt(f, new_raw, "audio")
            for _, raw in chloe_keys_for_ada:
                candidate = raw
                for _ in range(8):
                    with pytest.raises(Exception):  # noqa: B017 - InvalidTag
                        decrypt(f, candidate, "audio")
                    candidate = ratchet(candidate)
    finally:
        with contextlib.suppress(Exception):
            await bot.close()


async def test_browser_that_cannot_encrypt_is_told_plainly(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    room = "e2ee-refusal"
    ada, _ = await new_page(browser, "Ada")
    await join_from_home(ada, base, room, "Ada")
    await ada.wait_for_selector(".meeting[data-role=moderator]")
    await enable_e2ee(ada)
    for locale, words in (("en-US", "cannot encrypt"), ("fr-FR", "ne sait pas chiffrer")):
        old, _ = await new_page(browser, "Old", locale=locale)
        await old.add_init_script("window.__palabreE2eeTest = {incapable: true}")
        await old.goto(f"{base}/{room}")
        await old.fill("#display-name", "Old")
        await old.click("#join-meeting")
        await old.wait_for_selector("#end-reason")
        assert words in (await old.text_content("#end-reason") or "")


@pytest.mark.xfail(
    reason="Chromium 156: a sender's RTCRtpScriptTransform gets no frame (they go out in clear"
    " and the others drop them), and decrypted received frames are not decoded; Chromium uses"
    " encoded streams instead. Kept to follow the standard path, which Firefox and Safari take.",
    strict=False,
)
async def test_e2ee_script_transform_joins_encrypted_meeting(browser: Any, web_server: Any) -> None:
    """RTCRtpScriptTransform (the standard path of Firefox and Safari, forced here in Chromium)
    on a browser that joins a meeting already encrypted, with one on encoded streams."""
    base = web_server.http_url
    room = "e2ee-script"
    ada, _ = await new_page(browser, "Ada")
    bob, bob_log = await new_page(browser, "Bob")
    await bob.add_init_script("window.__palabreE2eeTest = {scriptTransform: true}")
    await join_from_home(ada, base, room, "Ada")
    await ada.wait_for_selector(".meeting[data-role=moderator]")
    await enable_e2ee(ada)
    await join_room(bob, base, room, "Bob")
    ada_id, bob_id = await my_id(ada), await my_id(bob)
    await wait_keys(bob, [ada_id])
    await wait_keys(ada, [bob_id])
    await assert_media_flowing(bob, [ada_id])
    await assert_media_flowing(ada, [bob_id])
    state = await e2ee_state(bob)
    assert state and state["worker"]["encrypted"] > 0 and state["worker"]["decrypted"] > 0, state
    assert bob_log.csp_violations() == []
