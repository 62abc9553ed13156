"""Signaling messages: every documented client message decodes; everything else is refused
with the right error code, and nothing but ProtocolError ever escapes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palabre.media import sdp
from palabre.signaling.protocol import base, client
from palabre.signaling.protocol import client as messages
from palabre.signaling.protocol.client import ProtocolError, decode
from palabre.signaling.protocol.server import Error

PROTOCOL = Path(__file__).parents[3] / "docs" / "protocol.md"


def documented_examples(section: str) -> list[dict[str, object]]:
    text = PROTOCOL.read_text()
    start = text.index(f"## {section}")
    end = text.find("\n## ", start + 1)
    body = text[start : end if end >= 0 else None]
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)\n```", body, re.S)]


CLIENT_EXAMPLES = (
    documented_examples("Client to server")
    + documented_examples("Moderation")
    + documented_examples("Collaboration")
    + documented_examples("Polls")
    + documented_examples("Breakout rooms")
)
SERVER_EXAMPLES = documented_examples("Server to client")


def test_the_protocol_documents_every_client_message() -> None:
    assert {e["type"] for e in CLIENT_EXAMPLES} == set(client.TYPES)


@pytest.mark.parametrize("example", CLIENT_EXAMPLES, ids=lambda e: str(e["type"]))
def test_documented_client_messages_decode(example: dict[str, object]) -> None:
    text = json.dumps(example)
    message = decode(text)
    assert type(message) is client.TYPES[str(example["type"])]
    decoded = msgspec.to_builtins(message)
    assert {k: decoded[k] for k in example} == example
    assert decoded.get("id") == example.get("id")
    assert decode(text.encode()) == message  # bytes work too


def test_decoded_fields() -> None:
    join = decode('{"type": "join", "id": 1, "room": "Conseil municipal", "name": "Ada"}')
    assert isinstance(join, messages.Join)
    assert (join.room, join.name, join.id) == ("Conseil municipal", "Ada", 1)
    publish = decode('{"type": "publish", "sdp": "v=0", "sources": {"1": "screen"}}')
    assert isinstance(publish, messages.Publish)
    assert publish.sources == {"1": "screen"} and publish.id is None
    mute = decode('{"type": "mute", "kind": "video", "muted": false}')
    assert isinstance(mute, messages.Mute)
    assert (mute.kind, mute.muted) == ("video", False)


@pytest.mark.parametrize("example", SERVER_EXAMPLES, ids=lambda e: str(e["type"]))
def test_server_messages_are_not_client_messages(example: dict[str, object]) -> None:
    """A server message echoed back is refused: as unknown, or, where a client message has the
    same type (chat, reaction, ...), as invalid."""
    with pytest.raises(ProtocolError) as info:
        decode(json.dumps(example))
    expected = "invalid" if example["type"] in client.TYPES else "unknown_type"
    assert info.value.code == expected


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ({"type": "join", "room": 5, "name": "Ada"}, "room"),
        ({"type": "join", "room": "r", "name": ["Ada"]}, "name"),
        ({"type": "join", "room": "", "name": "Ada"}, "room"),
        ({"type": "join", "room": "r", "name": "x" * 201}, "name"),
        ({"type": "join", "room": "r"}, "name"),
        ({"type": "join", "room": "r", "name": "Ada", "id": "1"}, "id"),
        ({"type": "join", "room": "r", "name": "Ada", "id": -1}, "id"),
        ({"type": "join", "room": "r", "name": "Ada", "id": 1.5}, "id"),
        ({"type": "join", "room": "r", "name": "Ada", "colour": "red"}, "colour"),
        ({"type": "publish", "sdp": 1}, "sdp"),
        ({"type": "publish", "sdp": ""}, "sdp"),
        ({"type": "publish"}, "sdp"),
        ({"type": "publish", "sdp": "v=0", "sources": ["camera"]}, "sources"),
        ({"type": "publish", "sdp": "v=0", "sources": {"0": 1}}, "sources"),
        ({"type": "publish", "sdp": "v=0", "sources": {str(i): "camera" for i in range(17)}},
         "sources"),
        ({"type": "subscribe_answer", "sdp": None}, "sdp"),
        ({"type": "mute", "kind": "screen", "muted": True}, "kind"),
        ({"type": "mute", "kind": "audio", "muted": "yes"}, "muted"),
        ({"type": "mute", "kind": "audio"}, "muted"),
        ({"type": "ping", "id": True}, "id"),
        ({"type": "leave", "reason": "bye"}, "reason"),
    ],
)  # fmt: skip
def test_invalid_fields_are_named(message: dict[str, object], field: str) -> None:
    with pytest.raises(ProtocolError) as info:
        decode(json.dumps(message))
    assert info.value.code == "invalid"
    assert field in info.value.message
    expected_ref = message.get("id") if type(message.get("id")) is int else None
    assert info.value.ref == expected_ref


def test_invalid_message_starts_with_the_field() -> None:
    with pytest.raises(ProtocolError) as info:
        decode('{"type": "join", "id": 3, "room": 5, "name": "Ada"}')
    assert info.value.message == "room: expected `str`, got `int`"
    assert info.value.ref == 3


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"type": "dance"}', "unknown_type"),
        ('{"type": 5}', "unknown_type"),
        ('{"id": 4}', "unknown_type"),
        ('{"type": "__class__"}', "unknown_type"),
        ("[]", "bad_message"),
        ('"join"', "bad_message"),
        ("null", "bad_message"),
        ("42", "bad_message"),
        ("", "bad_message"),
        ("{", "bad_message"),
        ("{'type': 'ping'}", "bad_message"),
        (b"\xff\xfe", "bad_message"),
        ("[" * 5000, "bad_message"),
        ('{"a":' * 5000, "bad_message"),
        ('{"type": "ping", "id": "\ud800"}', "bad_message"),
    ],
)
def test_refusals(text: str | bytes, code: str) -> None:
    with pytest.raises(ProtocolError) as info:
        decode(text)
    assert info.value.code == code


def test_unknown_type_keeps_the_ref() -> None:
    with pytest.raises(ProtocolError) as info:
        decode('{"type": "dance", "id": 12}')
    assert (info.value.code, info.value.ref) == ("unknown_type", 12)
    assert "dance" in info.value.message


def test_too_large() -> None:
    padding = "x" * (base.MAX_MESSAGE_BYTES - 40)
    ok = json.dumps({"type": "publish", "sdp": padding})
    assert len(ok.encode()) <= base.MAX_MESSAGE_BYTES
    assert isinstance(decode(ok), messages.Publish)
    for text in ("x" * (base.MAX_MESSAGE_BYTES + 1), b"x" * (base.MAX_MESSAGE_BYTES + 1)):
        with pytest.raises(ProtocolError) as info:
            decode(text)
        assert info.value.code == "too_large"


def test_only_a_subscribe_answer_may_be_larger() -> None:
    """A subscribe answer grows with the meeting (an m-section per track received): it alone
    may pass MAX_MESSAGE_BYTES, up to MAX_ANSWER_BYTES; any other message is refused there,
    with its id, even one claiming the type but not its field."""
    text = "v=0\r\n" + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=recvonly\r\n" * 4000
    assert base.MAX_MESSAGE_BYTES < len(text) < base.MAX_ANSWER_BYTES
    answer = decode(json.dumps({"type": "subscribe_answer", "id": 7, "sdp": text}))
    assert isinstance(answer, messages.SubscribeAnswer) and answer.sdp == text
    for other in (
        {"type": "publish", "id": 8, "sdp": text},
        {"type": "chat", "id": 8, "text": text},
        {"id": 8, "type": "subscribe_answer", "sdp": "x" * base.MAX_ANSWER_BYTES},
        {"id": 8, "type": 5, "text": text},  # a type of the wrong kind keeps the id
    ):
        with pytest.raises(ProtocolError) as info:
            decode(json.dumps(other))
        assert (info.value.code, info.value.ref) == ("too_large", 8)
    assert base.MAX_FRAME_BYTES > base.MAX_ANSWER_BYTES  # a frame too large is answered
    assert sdp.MAX_SDP >= base.MAX_ANSWER_BYTES  # and the SDP it carries is parsed
    assert len(sdp.parse(answer.sdp).media) == 4000


def test_too_large_counts_bytes_not_characters() -> None:
    # 30 000 characters of 3 bytes each: 90 000 bytes on the wire.
    text = json.dumps({"type": "publish", "sdp": "€" * 30_000}, ensure_ascii=False)
    assert len(text) < base.MAX_MESSAGE_BYTES < len(text.encode())
    with pytest.raises(ProtocolError) as info:
        decode(text)
    assert info.value.code == "too_large"


def test_too_large_carries_the_ref_when_it_can() -> None:
    huge = json.dumps({"type": "chat", "id": 41, "text": "x" * base.MAX_MESSAGE_BYTES})
    with pytest.raises(ProtocolError) as info:
        decode(huge)
    assert (info.value.code, info.value.ref) == ("too_large", 41)
    not_json = "x" * (base.MAX_MESSAGE_BYTES + 1)
    for unreadable in (not_json, '{"id": true, "t": "' + "x" * 70_000):
        with pytest.raises(ProtocolError) as info:
            decode(unreadable)
        assert (info.value.code, info.value.ref) == ("too_large", None)


def test_peek_ref() -> None:
    assert messages.peek_ref('{"type": "ping", "id": 7, "x": {"id": 9}}') == 7
    assert messages.peek_ref('{"type": "ping"}') is None
    assert messages.peek_ref('{"id": "7"}') is None
    assert messages.peek_ref('{"id": true}') is None
    assert messages.peek_ref("[1]") is None
    assert messages.peek_ref("{not json") is None


def test_error_reply() -> None:
    assert msgspec.to_builtins(Error(code="invalid", message="room: bad", ref=2)) == {
        "type": "error",
        "code": "invalid",
        "message": "room: bad",
        "ref": 2,
    }
    assert "ref" not in msgspec.to_builtins(Error(code="rate_limited", message="slow down"))
    assert json.loads(base.encode(Error(code="x", message="é"))) == {
        "type": "error",
        "code": "x",
        "message": "é",
    }


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_protocol_error(text: str) -> None:
    try:
        decode(text)
    except ProtocolError as exc:
        assert exc.code in {"bad_message", "unknown_type", "invalid", "too_large"}


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200)
@given(
    st.dictionaries(
        st.sampled_from(["type", "id", "room", "name", "sdp", "sources", "kind", "muted", "x"]),
        json_values | st.sampled_from(list(client.TYPES)),
        max_size=6,
    )
)
def test_arbitrary_objects_raise_only_protocol_error(obj: dict[str, object]) -> None:
    try:
        message = decode(json.dumps(obj))
    except ProtocolError as exc:
        assert exc.code in {"unknown_type", "invalid"}
        assert exc.ref is None or type(exc.ref) is int
    else:
        assert message.type == obj["type"]
