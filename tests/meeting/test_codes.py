"""Numeric meeting codes: stable, keyed, reversible for the codes handed out, persistent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from palabre.meeting import codes as codes_module
from palabre.meeting.codes import MeetingCodes


def test_codes_are_nine_digits_and_stable() -> None:
    codes = MeetingCodes(b"secret")
    code = codes.code_for("conseil-municipal")
    assert len(code) == 9 and code.isdigit() and code[0] != "0"
    assert codes.code_for("conseil-municipal") == code
    assert MeetingCodes(b"secret").code_for("conseil-municipal") == code
    assert codes.room_for(code) == "conseil-municipal"
    assert codes.room_for(f"{code[:3]} {code[3:6]} {code[6:]}") == "conseil-municipal"
    assert codes.room_for("000000000") is None


def test_codes_depend_on_the_secret_and_the_name() -> None:
    a = MeetingCodes(b"one")
    b = MeetingCodes(b"two")
    assert a.code_for("room") != b.code_for("room")
    many = {a.code_for(f"room-{i}") for i in range(200)}
    assert len(many) == 200


def test_unknown_codes_do_not_reveal_names() -> None:
    codes = MeetingCodes(b"secret")
    other = MeetingCodes(b"secret")
    code = other.code_for("private")
    assert codes.room_for(code) is None  # only codes handed out here are known


def test_persistence_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "state" / "codes.json"
    first = MeetingCodes(b"secret", path)
    code = first.code_for("conseil")
    assert path.exists()
    assert json.loads(path.read_text()) == {code: "conseil"}
    assert not path.with_suffix(".tmp").exists()
    second = MeetingCodes(b"secret", path)
    assert second.room_for(code) == "conseil"
    assert second.code_for("conseil") == code
    second.code_for("bureau")
    third = MeetingCodes(b"secret", path)
    assert set(json.loads(path.read_text()).values()) == {"conseil", "bureau"}
    assert third.room_for(second.code_for("bureau")) == "bureau"


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '"text"', "42", ""])
def test_corrupt_file_starts_empty(tmp_path: Path, content: str) -> None:
    path = tmp_path / "codes.json"
    path.write_text(content)
    codes = MeetingCodes(b"secret", path)
    code = codes.code_for("room")
    assert codes.room_for(code) == "room"
    assert json.loads(path.read_text()) == {code: "room"}


def test_collision_keeps_the_first_holder(monkeypatch: pytest.MonkeyPatch) -> None:
    codes = MeetingCodes(b"secret")
    first = codes.code_for("alpha")

    real_new = codes_module.hmac.new

    def colliding(key: bytes, msg: bytes, digestmod: object) -> object:
        # "beta" hashes like "alpha"; its salted retries hash normally.
        return real_new(key, b"alpha" if msg == b"beta" else msg, digestmod)  # type: ignore[arg-type]

    monkeypatch.setattr(codes_module.hmac, "new", colliding)
    second = codes.code_for("beta")
    assert second != first
    assert codes.room_for(first) == "alpha"
    assert codes.room_for(second) == "beta"
    assert codes.code_for("beta") == second  # stable after the collision too
