"""The client's TypeScript types are generated from the structs, and are up to date."""

from __future__ import annotations

from pathlib import Path

from palabre.signaling import schema
from palabre.signaling.protocol import client, server

GENERATED = Path(__file__).parents[2] / "client" / "src" / "protocol.gen.ts"


def test_the_generated_typescript_is_up_to_date() -> None:
    assert GENERATED.read_text() == schema.typescript(), (
        "client/src/protocol.gen.ts is stale: run `cd client && npm run protocol`"
    )


def test_every_message_has_a_type_with_its_tag() -> None:
    text = schema.typescript()
    for table in (client.TYPES, server.TYPES):
        for tag, struct in table.items():
            assert f"export type {struct.__name__} = {{\n  type: {tag!r};".replace("'", '"') in text
    assert "export type ClientMessage = Join | " in text
    assert "export type ServerMessage = Joined | " in text


def test_optional_fields_are_optional_and_names_camel_case() -> None:
    text = schema.typescript()
    assert "  audioMuted: boolean;\n" in text
    assert "  reconnecting?: boolean;\n" in text
    assert "  id?: number | null;\n" in text
    assert "  sources?: Record<string, string>;\n" in text
    assert "  participants: Array<string> | null;\n" in text  # forwarded_video: null is a value


def test_the_json_schema_holds_both_directions() -> None:
    defs = schema.json_schema()["$defs"]
    assert {"ClientMessage", "ServerMessage"} <= set(defs)
    for struct in [*client.TYPES.values(), *server.TYPES.values()]:
        assert defs[struct.__name__]["additionalProperties"] is False
