"""`palabre user add|remove|list` and `palabre token create`, run as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from joserfc.jwk import RSAKey

from palabre.accounts.tokens import verify_invitation
from palabre.accounts.users import authenticate
from palabre.config import Settings
from palabre.db import Database

SECRET = "an-hs256-secret-of-at-least-32-characters"


def palabre(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PALABRE_")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "palabre", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=environ,
    )


def test_user_add_list_remove(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    added = palabre(
        "user", "add", "Alice", "--display-name", "Alice Liddell", "--password-stdin",
        "--data-dir", data, stdin="s3cret-pass\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "added alice" in added.stdout
    db = Database.from_settings(Settings(data_dir=data))
    try:
        user = authenticate(db, "alice", "s3cret-pass")
        assert user is not None and user.display_name == "Alice Liddell"
    finally:
        db.close()

    again = palabre("user", "add", "alice", "--password-stdin", "--data-dir", data, stdin="x" * 9)
    assert again.returncode == 1 and "exists" in again.stderr
    short = palabre("user", "add", "bob", "--password-stdin", "--data-dir", data, stdin="short\n")
    assert short.returncode == 1 and "at least 8" in short.stderr

    changed = palabre(
        "user", "password", "alice", "--password-stdin", "--data-dir", data, stdin="new-pass-2\n"
    )
    assert changed.returncode == 0, changed.stderr
    db = Database.from_settings(Settings(data_dir=data))
    try:
        assert authenticate(db, "alice", "new-pass-2") is not None
        assert authenticate(db, "alice", "s3cret-pass") is None
    finally:
        db.close()

    listed = palabre("user", "list", "--data-dir", data)
    assert listed.returncode == 0
    assert listed.stdout.split("\n")[0].split("\t")[:3] == ["alice", "Alice Liddell", "local"]

    removed = palabre("user", "remove", "alice", "--data-dir", data)
    assert removed.returncode == 0, removed.stderr
    assert palabre("user", "list", "--data-dir", data).stdout == ""
    missing = palabre("user", "remove", "alice", "--data-dir", data)
    assert missing.returncode == 1 and "no user" in missing.stderr


def test_user_commands_read_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "palabre.toml"
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    config.write_text(f'database_url = "{url}"\n')
    added = palabre(
        "user", "add", "carol", "--password-stdin", "--config", str(config), stdin="s3cret-pass"
    )
    assert added.returncode == 0, added.stderr
    assert (tmp_path / "accounts.db").exists()


def test_token_create_hs256() -> None:
    result = palabre(
        "token", "create", "--room", "Weekly Standup", "--name", "Ada", "--moderator",
        "--ttl", "600", env={"PALABRE_JWT_SECRET": SECRET},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    invitation = verify_invitation(result.stdout.strip(), Settings(jwt_secret=SECRET))
    assert (invitation.room, invitation.name, invitation.moderator) == (
        "weekly-standup",
        "Ada",
        True,
    )


def test_token_create_rs256(tmp_path: Path) -> None:
    key = RSAKey.generate_key(2048)
    (tmp_path / "private.pem").write_bytes(key.as_pem(private=True))
    (tmp_path / "public.pem").write_bytes(key.as_pem(private=False))
    result = palabre(
        "token", "create", "--room", "r", "--private-key", str(tmp_path / "private.pem")
    )
    assert result.returncode == 0, result.stderr
    invitation = verify_invitation(
        result.stdout.strip(), Settings(jwt_public_key=str(tmp_path / "public.pem"))
    )
    assert invitation.room == "r" and not invitation.moderator


def test_token_create_needs_a_key() -> None:
    result = palabre("token", "create", "--room", "r")
    assert result.returncode == 1 and "jwt_secret" in result.stderr
    weak = palabre("token", "create", "--room", "r", env={"PALABRE_JWT_SECRET": "short"})
    assert weak.returncode == 2 and "at least 32" in weak.stderr
