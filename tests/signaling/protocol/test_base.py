"""What both directions share: the tag table is the structs', one casing, unknown refused."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, get_args

import msgspec
import pytest

from palabre.signaling.protocol import client, server
from palabre.signaling.protocol.base import Event, Message, Request, encode

PROTOCOL = Path(__file__).parents[3] / "docs" / "protocol.md"


def test_each_direction_has_one_struct_per_type() -> None:
    for union, base, table in (
        (client.ClientMessage, Request, client.TYPES),
        (server.ServerMessage, Event, server.TYPES),
    ):
        structs = get_args(union)
        assert all(issubclass(s, base) and issubclass(s, Message) for s in structs)
        assert len(table) == len(structs)  # no two structs share a type
        assert all(table[s.__struct_config__.tag] is s for s in structs)


def test_field_names_on_the_wire_are_camel_case() -> None:
    for union in (client.ClientMessage, server.ServerMessage):
        _, defs = msgspec.json.schema_components([union])
        for schema in defs.values():
            for name in schema.get("properties", {}):
                assert re.fullmatch(r"[a-z][a-zA-Z0-9]*", name), name


def client_examples() -> list[dict[str, Any]]:
    text = PROTOCOL.read_text()
    blocks = []
    for section in ("Client to server", "Moderation", "Collaboration"):
        start = text.index(f"## {section}")
        end = text.find("\n## ", start + 1)
        blocks += re.findall(r"```json\n(.*?)\n```", text[start:end], re.S)
    return [json.loads(block) for block in blocks]


@pytest.mark.parametrize("example", client_examples(), ids=lambda e: str(e["type"]))
def test_client_messages_round_trip(example: dict[str, Any]) -> None:
    message = client.decode(json.dumps(example))
    again = client.decode(encode(message))
    assert again == message and type(again) is type(message)


@pytest.mark.parametrize("example", client_examples(), ids=lambda e: str(e["type"]))
def test_client_unknown_field_is_refused(example: dict[str, Any]) -> None:
    with pytest.raises(client.ProtocolError) as info:
        client.decode(json.dumps({**example, "colour": "red"}))
    assert info.value.code == "invalid" and "colour" in info.value.message
