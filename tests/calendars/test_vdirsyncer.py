"""vdirsyncer (Debian's, an independent CalDAV client) syncs the personal calendar with a
local folder both ways: an event written in the folder reaches Palabre, one made in Palabre
reaches the folder, a change made in the folder comes back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .dav_kit import Dav

LOCAL = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//vdirsyncer//EN
BEGIN:VEVENT
UID:local-1
DTSTAMP:20261201T000000Z
DTSTART:20261211T090000Z
DTEND:20261211T100000Z
SUMMARY:{summary}
END:VEVENT
END:VCALENDAR
"""
RANGE = {"start": "2026-12-01T00:00:00+00:00", "end": "2027-01-01T00:00:00+00:00"}


def vdirsyncer(config: Path, *args: str) -> str:
    done = subprocess.run(["vdirsyncer", "-c", str(config), *args], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.mark.skipif(shutil.which("vdirsyncer") is None, reason="make deps-system installs it")
def test_vdirsyncer_syncs_both_ways(dav: Dav, tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    folder.mkdir()
    config = tmp_path / "config"
    config.write_text(f"""[general]
status_path = "{tmp_path / "status"}"

[pair palabre]
a = "local"
b = "remote"
collections = null
conflict_resolution = "a wins"

[storage local]
type = "filesystem"
path = "{folder}"
fileext = ".ics"

[storage remote]
type = "caldav"
url = "{dav.url}alice/personal/"
username = "{dav.email}"
password = "{dav.token}"
""")
    (folder / "local-1.ics").write_text(LOCAL.format(summary="Written locally"))
    vdirsyncer(config, "discover")
    vdirsyncer(config, "sync")
    alice = dav.ws.sign_in("alice")
    mine = alice.get("/api/calendars").json()[0]["id"]

    def summaries() -> list[str]:
        found = alice.get(f"/api/calendars/{mine}/events", params=RANGE).json()
        return sorted(e["summary"] for e in found)

    assert summaries() == ["Written locally"]
    made = alice.post(
        f"/api/calendars/{mine}/events",
        json={"summary": "Made in Palabre", "start": "2026-12-12T10:00", "end": "2026-12-12T11:00"},
    )
    assert made.status_code == 201
    vdirsyncer(config, "sync")
    texts = [p.read_text() for p in folder.glob("*.ics")]
    assert len(texts) == 2 and any("SUMMARY:Made in Palabre" in t for t in texts)
    # A change in the folder comes back.
    (folder / "local-1.ics").write_text(LOCAL.format(summary="Changed locally"))
    vdirsyncer(config, "sync")
    assert summaries() == ["Changed locally", "Made in Palabre"]
    # A deletion in Palabre reaches the folder.
    uid = made.json()["event"]["uid"]
    assert alice.delete(f"/api/calendars/{mine}/events/{uid}").status_code == 204
    vdirsyncer(config, "sync")
    assert [p.read_text().count("SUMMARY:") for p in folder.glob("*.ics")] == [1]
