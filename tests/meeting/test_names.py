"""Room names as typed by people, display names, generated meeting names."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palabre.meeting import names
from palabre.meeting.names import InvalidName, clean_display_name, normalize_room_name


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("Conseil municipal", "conseil-municipal"),
        ("  Conseil   Municipal  ", "conseil-municipal"),
        ("Réunion d'équipe".replace("'", " "), "réunion-d-équipe"),
        ("Re\u0301union", "réunion"),  # combining accent composed by NFKC
        ("\uff21\uff22\uff23\u3000\uff44\uff45\uff46", "abc-def"),  # full-width, ideographic space
        ("Straße", "strasse"),
        ("team_2024.q3", "team_2024.q3"),
        ("-edge-", "edge"),
        ("a\tb\nc", "a-b-c"),
        ("İstanbul", "i\u0307stanbul"),  # casefold leaves a combining dot
        ("नमस्ते दुनिया", "नमस्ते-दुनिया"),  # Devanagari vowel signs are marks
        ("会議室", "会議室"),
        ("x" * 64, "x" * 64),
    ],
)
def test_normalize_room_name(typed: str, normalized: str) -> None:
    assert normalize_room_name(typed) == normalized


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "---", "x" * 65, "a/b", "a?b", "a#b", "../etc", ".hidden", ".", "..",
     "café☕", "a\u200bb", "\u0301abc", "<script>", "a%20b", "spaces", "Invite", "api"],
)  # fmt: skip
def test_normalize_room_name_refuses(typed: str) -> None:
    with pytest.raises(InvalidName):
        normalize_room_name(typed)


def test_invalid_name_is_a_value_error_with_a_readable_message() -> None:
    with pytest.raises(ValueError, match="1 to 64 letters"):
        normalize_room_name("a/b")
    with pytest.raises(InvalidName, match=r"must not start with '\.'"):
        normalize_room_name(".x")


@settings(max_examples=200)
@given(st.text(max_size=80))
def test_normalize_room_name_properties(text: str) -> None:
    try:
        name = normalize_room_name(text)
    except InvalidName:
        return
    assert 1 <= len(name) <= 64
    assert normalize_room_name(name) == name  # idempotent
    assert name == name.casefold()
    assert not re.search(r"[\s/\\?#%<>]", name)
    assert not name.startswith((".", "-")) and not name.endswith("-")


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("Ada", "Ada"),
        ("  Ada   Lovelace  ", "Ada Lovelace"),
        ("Ada\tLovelace", "Ada Lovelace"),
        ("Ada\nLovelace\r\n", "Ada Lovelace"),
        ("Chlo\u0065\u0301", "Chloé"),  # NFC
        ("Ada\u0000\u0007", "Ada"),
        ("\u200e Ada", "Ada"),  # an invisible mark before a space
        ("Zoë 🎉", "Zoë 🎉"),
        ("Ω" * 64, "Ω" * 64),
    ],
)
def test_clean_display_name(typed: str, cleaned: str) -> None:
    assert clean_display_name(typed) == cleaned


@pytest.mark.parametrize("typed", ["", "   ", "\u200b \u200b", "\u0000\t", "x" * 65, "\u202e"])
def test_clean_display_name_refuses(typed: str) -> None:
    with pytest.raises(InvalidName, match="1 to 64 characters"):
        clean_display_name(typed)


@settings(max_examples=200)
@given(st.text(max_size=80))
def test_clean_display_name_properties(text: str) -> None:
    try:
        name = clean_display_name(text)
    except InvalidName:
        return
    assert 1 <= len(name) <= 64
    assert name == name.strip()
    assert "  " not in name
    assert not any(ch.isspace() and ch != " " for ch in name)
    assert clean_display_name(name) == name


def test_generated_room_names() -> None:
    seen = set()
    for _ in range(300):
        name = names.generate_room_name()
        assert normalize_room_name(name) == name
        adjective, noun, verb, adverb, number = name.split("-")
        assert adjective in names._ADJECTIVES
        assert noun in names._NOUNS
        assert verb in names._VERBS
        assert adverb in {names._adverb(a) for a in names._ADJECTIVES}
        assert re.fullmatch(r"\d{4}", number)
        seen.add(name)
    assert len(seen) > 290  # about 2^36 names: repeats are very rare


@pytest.mark.parametrize(
    ("adjective", "adverb"),
    [
        ("calm", "calmly"),
        ("happy", "happily"),
        ("gentle", "gently"),
        ("shy", "shyly"),
        ("icy", "icily"),
        ("humble", "humbly"),
    ],
)
def test_adverbs(adjective: str, adverb: str) -> None:
    assert names._adverb(adjective) == adverb
