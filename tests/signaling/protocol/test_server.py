"""Server events: every one is documented, and every documented one is what the struct
encodes, to the byte of JSON; a field the struct does not know is refused."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palabre.signaling.protocol import server
from palabre.signaling.protocol.base import encode

PROTOCOL = Path(__file__).parents[3] / "docs" / "protocol.md"


def server_examples() -> list[dict[str, Any]]:
    text = PROTOCOL.read_text()
    start = text.index("## Server to client")
    end = text.find("\n## ", start + 1)
    body = text[start : end if end >= 0 else None]
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)\n```", body, re.S)]


EXAMPLES = server_examples()


def test_the_protocol_documents_every_server_message() -> None:
    assert {e["type"] for e in EXAMPLES} == set(server.TYPES)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: str(e["type"]))
def test_documented_server_messages_round_trip(example: dict[str, Any]) -> None:
    event = server.decode(json.dumps(example))
    assert type(event) is server.TYPES[example["type"]]
    assert event.type == example["type"]
    assert json.loads(encode(event)) == example
    assert server.decode(encode(event)) == event


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: str(e["type"]))
def test_an_unknown_field_is_refused(example: dict[str, Any]) -> None:
    with pytest.raises(msgspec.ValidationError, match="colour"):
        server.decode(json.dumps({**example, "colour": "red"}))


def test_an_unknown_field_inside_a_record_is_refused() -> None:
    participant = {"id": "p1", "name": "Ada", "role": "participant", "e2ee": False,
                   "audioMuted": False, "videoMuted": False}  # fmt: skip
    event = {"type": "participant_joined", "participant": participant}
    assert server.decode(json.dumps(event)) == server.ParticipantJoined(
        participant=server.ParticipantView(
            id="p1", name="Ada", role="participant", e2ee=False, audio_muted=False,
            video_muted=False,
        )
    )  # fmt: skip
    with pytest.raises(msgspec.ValidationError, match="secret"):
        server.decode(json.dumps({**event, "participant": {**participant, "secret": 1}}))


def test_optional_fields_are_left_out_and_required_ones_kept() -> None:
    assert json.loads(encode(server.Pong())) == {"type": "pong"}
    assert json.loads(encode(server.ForwardedVideo(participants=None))) == {
        "type": "forwarded_video",
        "participants": None,
    }


def test_an_unknown_type_is_refused() -> None:
    with pytest.raises(msgspec.ValidationError):
        server.decode('{"type": "teleport"}')


@settings(max_examples=200)
@given(st.text(max_size=200) | st.binary(max_size=200))
def test_arbitrary_frames_raise_only_decode_errors(frame: str | bytes) -> None:
    """What the bot reads from a server: anything but an event is a msgspec error."""
    try:
        event = server.decode(frame)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return
    assert type(event) in server.TYPES.values()
