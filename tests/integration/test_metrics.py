"""/metrics and the day's counts of a real server under bots with known names: the figures
are right, and no name, no address, no room name is in them. With one process, and with
the rooms on two media workers (the figures summed in the main process)."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from websockets.asyncio.client import connect

from palabre.bot import Bot, load_clip
from palabre.bot.harness import ServerProcess, start_bots, until
from palabre.db import Database
from palabre.stats.usage import UsageDay, day_of

pytestmark = pytest.mark.slow

NAMES = ("Zéphyrine", "Barnabé")  # the bots' names: prefix + index
ROOM = "conseil-municipal-secret"


@pytest.fixture(scope="module")
def clip():
    return load_clip()


def scrape(
    server: ServerProcess,
) -> tuple[str, dict[str, dict[tuple[tuple[str, str], ...], float]]]:
    with urllib.request.urlopen(server.http_url + "/metrics", timeout=10) as response:
        text = response.read().decode()
    found: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return text, found


def total(found: dict[str, dict[tuple[tuple[str, str], ...], float]], name: str) -> float:
    return sum(found.get(name, {}).values())


async def refused_joins(server: ServerProcess) -> None:
    """Two joins refused before any room: a bad room name, an unknown protocol version."""
    async with connect(server.ws_url) as ws:
        await ws.send(json.dumps({"type": "join", "room": "a/b", "name": "Zéphyrine", "id": 1}))
        assert json.loads(await ws.recv())["code"] == "invalid"
        await ws.send(
            json.dumps({"type": "join", "room": ROOM, "name": "X", "versions": [999], "id": 2})
        )
        assert json.loads(await ws.recv())["code"] == "unsupported_version"


def assert_private(text: str) -> None:
    for secret in (*NAMES, "Zephyrine", ROOM, "127.0.0.1", "::1", "localhost"):
        assert secret not in text, secret
    for name in NAMES:
        for index in range(3):
            assert f"{name}{index}" not in text


async def meeting(server: ServerProcess, clip, rooms: list[str]) -> None:
    """Three bots in each room publish; the figures while they are there and after."""
    await refused_joins(server)
    started = time.time()
    bots: list[Bot] = []
    for index, room in enumerate(rooms):
        bots += await start_bots(server.ws_url, room, 3 - index, clip, prefix=NAMES[index])
    people = len(bots)
    try:
        text, found = scrape(server)
        assert_private(text)
        assert total(found, "palabre_rooms") == len(rooms)
        assert total(found, "palabre_participants") == people
        assert total(found, "palabre_joins_total") == people
        assert found["palabre_join_refusals_total"] == {
            (("reason", "invalid"),): 1,
            (("reason", "unsupported_version"),): 1,
        }
        assert total(found, "palabre_media_connections") == 2 * people

        def flowing() -> bool:
            _, now = scrape(server)
            kinds = ("audio", "video")
            return all(
                now["palabre_rtp_packets_received_total"].get((("kind", k),), 0) > 50
                and now["palabre_rtp_packets_forwarded_total"].get((("kind", k),), 0) > 50
                and now["palabre_rtp_payload_bytes_forwarded_total"].get((("kind", k),), 0) > 0
                and now["palabre_bitrate_received_bps"].get((("kind", k),), 0) > 0
                for k in kinds
            )

        await until(flowing, timeout=20, step=0.5)
        _, found = scrape(server)
        assert found["palabre_tracks"] == {
            (("kind", "audio"),): people,
            (("kind", "video"),): people,
        }
        # Each packet received goes to the others of its room: never more than that.
        received = total(found, "palabre_rtp_packets_received_total")
        assert total(found, "palabre_rtp_packets_forwarded_total") <= received * (people - 1) * 1.1
    finally:
        for bot in bots:
            await bot.leave()
    ended = time.time()

    def all_ended() -> bool:
        _, now = scrape(server)
        return total(now, "palabre_meetings_ended_total") == len(rooms)

    await until(all_ended, timeout=20, step=0.25)
    text, found = scrape(server)
    assert_private(text)
    assert total(found, "palabre_participants") == 0 and total(found, "palabre_rooms") == 0
    # The counters keep what was forwarded once the participants have gone.
    assert total(found, "palabre_rtp_packets_forwarded_total") > 100
    await day_row(server.data_dir, len(rooms), people, ended - started)


async def day_row(data_dir: Path, meetings: int, people: int, longest: float) -> None:
    """The day's row counts the meetings, their participants and their minutes."""
    db = Database(f"sqlite:///{data_dir / 'palabre.db'}")
    try:

        def row() -> UsageDay | None:
            with db.session() as session:
                found = session.scalar(select(UsageDay).where(UsageDay.day == day_of(time.time())))
                if found is not None:
                    session.expunge(found)
                return found

        async def recorded() -> UsageDay:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                found = await asyncio.to_thread(row)
                if found is not None and found.meetings >= meetings:
                    return found
                await asyncio.sleep(0.5)
            raise AssertionError(f"the day's row did not count {meetings} meetings")

        found = await recorded()
        assert (found.meetings, found.participants) == (meetings, people)
        # Each meeting lasted between a moment and the whole test: seconds, not minutes.
        assert 0 <= found.meeting_seconds <= meetings * (longest + 2)
        assert 0 < found.participant_seconds <= people * (longest + 2)
    finally:
        db.close()


async def test_one_process(server_factory, clip):
    server = server_factory()
    await meeting(server, clip, [ROOM])


async def test_two_media_workers(server_factory, clip):
    server = server_factory("--media-workers", "2")
    # Two rooms, placed on the two workers: the figures are the sum of both.
    await meeting(server, clip, [ROOM, ROOM + "-bis"])
    _, found = scrape(server)
    assert total(found, "palabre_media_workers") == 2
    assert total(found, "palabre_media_workers_up") == 2
