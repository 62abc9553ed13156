"""Recordings as the web app serves and keeps them: the download needs the secret link, a
space meeting's recording lands in the space's files as the moderator who started it, and
retention removes them from the data directory."""

from __future__ import annotations

import time
from pathlib import Path

from palabre.recording import manifest as mf
from palabre.recording import store
from palabre.web.api.recordings import keep_and_purge
from workspace import Workspace

WEBM = b"\x1a\x45\xdf\xa3" + b"recorded" * 1000  # what the download gives back


def _recording(root: Path, room: str, by: str | None, state: str = "ready", *,
               age: float = 60.0, number: int = 1) -> mf.Manifest:  # fmt: skip
    recording_id = f"20261204-10000{number}-0000000{number}"
    directory = root / recording_id
    directory.mkdir(parents=True)
    started = time.time() - age
    manifest = mf.Manifest(id=recording_id, room=room, key=f"key-{number}", by=by,
                           started_at=started, stopped_at=started + 30, duration=30.0,
                           state=state)  # type: ignore[arg-type]  # fmt: skip
    mf.write(directory, manifest)
    (directory / mf.COMPOSED).write_bytes(WEBM)
    return manifest


def test_the_download_needs_the_link_and_a_ready_recording(tmp_path: Path) -> None:
    ws = Workspace(f"sqlite:///{tmp_path / 'db.sqlite'}", data_dir=str(tmp_path))
    try:
        root = tmp_path / mf.RECORDINGS
        ready = _recording(root, "salle", None)
        busy = _recording(root, "salle", None, "stopped", number=2)
        client = ws.anonymous()
        url = f"/api/recordings/{ready.id}/{ready.key}/recording.webm"
        response = client.get(url)
        assert response.status_code == 200 and response.content == WEBM
        assert response.headers["content-type"] == "video/webm"
        assert "attachment" in response.headers["content-disposition"]
        partial = client.get(url, headers={"range": "bytes=0-3"})
        assert partial.status_code == 206 and partial.content == WEBM[:4]
        for wrong in (
            f"/api/recordings/{ready.id}/key-2/recording.webm",  # another's key
            f"/api/recordings/{ready.id}/key-/recording.webm",
            f"/api/recordings/{busy.id}/{busy.key}/recording.webm",  # not composed yet
            f"/api/recordings/..%2F{ready.id}/{ready.key}/recording.webm",
            f"/api/recordings/{ready.id}.x/{ready.key}/recording.webm",
        ):
            response = client.get(wrong)
            assert response.content != WEBM, wrong
            assert response.status_code == 404 or "%2F" in wrong  # the latter: the page
    finally:
        ws.close()


async def test_a_space_meetings_recording_is_kept_in_its_files(tmp_path: Path) -> None:
    ws = Workspace(f"sqlite:///{tmp_path / 'db.sqlite'}", data_dir=str(tmp_path))
    try:
        alice = ws.person("alice")
        ws.person("mallory")
        space = alice.post("/api/spaces", json={"name": "Équipe"}).json()
        root = tmp_path / mf.RECORDINGS
        kept = _recording(root, space["room"], "alice", number=1)
        stranger = _recording(root, space["room"], "mallory", number=2)
        elsewhere = _recording(root, "salle-libre", "alice", number=3)
        old = _recording(root, space["room"], "alice", age=40 * 24 * 3600, number=4)
        ctx = ws.app.state.api
        await keep_and_purge(ctx)
        assert mf.read(root / kept.id).kept == "saved"
        assert (mf.read(root / stranger.id).kept or "").startswith("refused")
        assert mf.read(root / elsewhere.id).kept is None  # no space: for its moderators only
        assert not (root / old.id).exists()  # past its 30 days
        items = alice.get(f"/api/spaces/{space['id']}/files").json()["items"]
        (item,) = items
        assert item["name"].startswith("Enregistrement de réunion") and item["size"] == len(WEBM)
        assert alice.get(f"/api/files/{item['id']}/content").content == WEBM
        await keep_and_purge(ctx)  # kept once only
        assert len(alice.get(f"/api/spaces/{space['id']}/files").json()["items"]) == 1
        assert (root / kept.id / mf.COMPOSED).exists()  # the moderators' link still works
    finally:
        ws.close()


async def test_a_recording_its_process_left_uncomposed_is_composed_by_the_job(
    tmp_path: Path,
) -> None:
    ws = Workspace(f"sqlite:///{tmp_path / 'db.sqlite'}", data_dir=str(tmp_path))
    try:
        alice = ws.person("alice")
        space = alice.post("/api/spaces", json={"name": "Équipe"}).json()
        root = tmp_path / mf.RECORDINGS
        left = _recording(root, space["room"], "alice", "stopped", number=1)
        (root / left.id / store.LOCK).write_text("999999999")  # a process long gone
        busy = _recording(root, space["room"], "alice", "stopped", number=2)
        store.lock(root / busy.id)  # this process composes it: left alone
        await keep_and_purge(ws.app.state.api)
        composed = mf.read(root / left.id)
        assert composed.state == "ready" and composed.kept == "saved"
        assert (root / left.id / mf.COMPOSED).read_bytes() != WEBM  # made again by ffmpeg
        assert not (root / left.id / store.LOCK).exists()
        assert mf.read(root / busy.id).state == "stopped"
        (item,) = alice.get(f"/api/spaces/{space['id']}/files").json()["items"]
        assert item["size"] > 0
    finally:
        ws.close()
