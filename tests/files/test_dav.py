"""WebDAV at /dav/ over the space files (WsgiDAV and Palabre's provider), served for real:
the litmus compliance suite (basic, copymove, props, locks), an rclone sync both ways, and
who may do what with which app password."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from files.conftest import team
from palabre.files.models import FileNode
from served import Served
from space_kit import count
from workspace import Workspace


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed (make deps-system installs it)")
        pytest.skip(f"{name.upper()} TESTS SKIPPED: {name} is not installed (make deps-system)")
    return found


def app_password(client: Any, scopes: str = "read write") -> str:
    made = client.post("/api/tokens", json={"name": "dav", "scopes": scopes})
    assert made.status_code == 201, made.text
    return str(made.json()["token"])


@pytest.fixture
def dav(sqlite_files_ws: Workspace) -> Iterator[tuple[Served, dict[str, Any]]]:
    people = team(sqlite_files_ws)
    with Served(sqlite_files_ws.app) as server:
        yield server, people
    sqlite_files_ws.app.state.dav.close()


@pytest.mark.parametrize("suite", ["basic", "copymove", "props", "locks"])
def test_litmus(dav: tuple[Served, dict[str, Any]], tmp_path: Path, suite: str) -> None:
    litmus = tool("litmus")
    server, people = dav
    token = app_password(people["member"])
    done = subprocess.run(
        [litmus, f"{server.url}/dav/Projet/", "member", token],
        env={**os.environ, "TESTS": suite}, cwd=tmp_path, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    summary = [line for line in done.stdout.splitlines() if "summary for" in line]
    assert done.returncode == 0 and summary and " 0 failed" in summary[0], done.stdout[-4000:]


def rclone(*args: str, url: str, password: str) -> subprocess.CompletedProcess[str]:
    binary = tool("rclone")
    obscured = subprocess.run([binary, "obscure", password], capture_output=True, text=True,
                              check=True).stdout.strip()  # fmt: skip
    env = {**os.environ, "RCLONE_CONFIG_PALABRE_TYPE": "webdav",
           "RCLONE_CONFIG_PALABRE_URL": url, "RCLONE_CONFIG_PALABRE_VENDOR": "other",
           "RCLONE_CONFIG_PALABRE_USER": "member@example.org",
           "RCLONE_CONFIG_PALABRE_PASS": obscured}  # fmt: skip
    return subprocess.run([binary, "--config", "/dev/null", *args], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_rclone_sync_both_ways(dav: tuple[Served, dict[str, Any]], tmp_path: Path) -> None:
    server, people = dav
    ws: Workspace = people["ws"]
    from palabre.accounts.users import User

    with ws.db.session() as session:  # rclone signs in with the account's e-mail address
        session.query(User).filter_by(name="member").one().email = "member@example.org"
    password = app_password(people["member"])
    url = f"{server.url}/dav/Projet"
    here = tmp_path / "poste"
    (here / "Rapports" / "2026").mkdir(parents=True)
    (here / "lisez-moi.txt").write_text("Bonjour\n")
    (here / "Rapports" / "2026" / "données.csv").write_bytes(b"a,b\n" * 10000)
    (here / "Rapports" / "image.bin").write_bytes(os.urandom(3 << 20))
    up = rclone("sync", str(here), "palabre:synchro", url=url, password=password)
    assert up.returncode == 0, up.stderr
    space = people["space"]
    listed = people["member"].get(f"/api/spaces/{space}/files").json()["items"]
    assert [i["name"] for i in listed] == ["synchro"]
    there = tmp_path / "ailleurs"
    down = rclone("sync", "palabre:synchro", str(there), url=url, password=password)
    assert down.returncode == 0, down.stderr
    assert tree(there) == tree(here)
    # A change and a deletion on the workstation reach the server: a new version, the trash.
    (here / "lisez-moi.txt").write_text("Bonjour, encore\n")
    (here / "Rapports" / "image.bin").unlink()
    again = rclone("sync", str(here), "palabre:synchro", url=url, password=password)
    assert again.returncode == 0, again.stderr
    checked = rclone("check", str(here), "palabre:synchro", url=url, password=password)
    assert checked.returncode == 0, checked.stderr
    trash = people["member"].get(f"/api/spaces/{space}/files/trash").json()
    assert [t["name"] for t in trash] == ["image.bin"]
    back = rclone("sync", "palabre:synchro", str(there), url=url, password=password)
    assert back.returncode == 0 and tree(there) == tree(here)


def test_who_may(dav: tuple[Served, dict[str, Any]]) -> None:
    server, people = dav
    base = f"{server.url}/dav"

    def as_(name: str, scopes: str = "read write") -> httpx.Client:
        return httpx.Client(base_url=base, auth=(name, app_password(people[name], scopes)))

    member = as_("member")
    assert member.put("/Projet/note.txt", content=b"un").status_code == 201
    assert member.put("/Projet/note.txt", content=b"deux").status_code == 204
    (item,) = people["member"].get(f"/api/spaces/{people['space']}/files").json()["items"]
    assert len(people["member"].get(f"/api/files/{item['id']}/versions").json()) == 2
    assert member.get("/Projet/note.txt").content == b"deux"
    ranged = member.get("/Projet/note.txt", headers={"range": "bytes=1-2"})
    assert ranged.status_code == 206 and ranged.content == b"eu"
    # Not an app password, no password, a cookie: refused.
    assert httpx.get(f"{base}/", auth=("member", "s3cret-pass")).status_code == 401
    assert httpx.get(f"{base}/").status_code == 401
    cookie = {"cookie": Served.cookie(people["member"])}
    assert httpx.get(f"{base}/Projet/note.txt", headers=cookie).status_code == 401
    # A stranger sees no such space; a guest and a read token read only.
    stranger = as_("stranger")
    assert stranger.get("/Projet/note.txt").status_code == 404
    assert "Projet" not in stranger.request("PROPFIND", "/", headers={"Depth": "1"}).text
    assert stranger.put("/Projet/x.txt", content=b"x").status_code in (404, 409)
    for reader in (as_("guest"), as_("reader"), as_("member", "read")):
        assert reader.get("/Projet/note.txt").content == b"deux"
        assert reader.put("/Projet/note.txt", content=b"pirate").status_code == 403
        assert reader.request("MKCOL", "/Projet/d").status_code == 403
        assert reader.delete("/Projet/note.txt").status_code == 403
    assert member.get("/Projet/note.txt").content == b"deux"
    # A bad name is refused with a clear error; DELETE puts in the trash.
    assert member.put("/Projet/CON", content=b"x").status_code == 400
    assert member.delete("/Projet/note.txt").status_code == 204
    assert member.get("/Projet/note.txt").status_code == 404
    trash = people["member"].get(f"/api/spaces/{people['space']}/files/trash").json()
    assert [t["name"] for t in trash] == ["note.txt"]
    assert count(people["ws"], FileNode) == 1
