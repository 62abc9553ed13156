"""The pure rules of messaging: names, bodies, emoji, conversation keys, who hears what."""

from __future__ import annotations

import pytest

from palabre.errors import Invalid
from palabre.messaging import rules


def test_channel_names() -> None:
    assert rules.clean_channel_name("  Projet   Alpha ") == "projet-alpha"
    assert rules.clean_channel_name("Équipe_2.0") == "équipe_2.0"
    for bad in ("", "   ", "a/b", "#general", "x" * 81, "<b>", "a\u200bb"):
        with pytest.raises(Invalid):
            rules.clean_channel_name(bad)


def test_bodies_and_client_ids() -> None:
    assert rules.clean_body("  indented\nsecond  \n") == "  indented\nsecond"
    for bad in ("", " \n\t", "x" * (rules.MAX_BODY + 1), "nul\x00", "esc\x1b[31m"):
        with pytest.raises(Invalid):
            rules.clean_body(bad)
    assert rules.check_client_id("web-1234_abc") == "web-1234_abc"
    for bad in ("", "a b", "é", "x" * 65):
        with pytest.raises(Invalid):
            rules.check_client_id(bad)


def test_emoji() -> None:
    for good in ("👍", "👍🏽", "👨‍👩‍👧", "🇫🇷", "❤️"):
        assert rules.check_emoji(good) == good
    for bad in ("", "a", "👍👍", ":+1:", "👍 ", "1"):
        with pytest.raises(Invalid):
            rules.check_emoji(bad)


def test_direct_key_is_the_set() -> None:
    assert rules.direct_key([3, 1, 2]) == rules.direct_key([2, 3, 1, 1])
    assert rules.direct_key([1, 2]) != rules.direct_key([1, 2, 3])
    assert len(rules.direct_key(range(1000))) == 64


def test_levels() -> None:
    assert rules.effective_level("default", "mentions") == "mentions"
    assert rules.effective_level("none", "all") == "none"
    assert rules.effective_level("default", None) == "all"  # a direct conversation
    with pytest.raises(Invalid):
        rules.check_channel_level("loud")


@pytest.mark.parametrize(
    ("level", "facts", "kind"),
    [
        ("all", {"named": True}, "mention"),
        ("all", {"everyone": True}, "mention"),
        ("all", {"direct": True}, "direct"),
        ("all", {"in_thread": True}, "reply"),
        ("all", {}, None),
        ("mentions", {"named": True, "direct": True}, "mention"),
        ("mentions", {"everyone": True}, None),
        ("mentions", {"direct": True}, None),
        ("mentions", {"in_thread": True}, None),
        ("none", {"named": True}, None),
        ("none", {"direct": True}, None),
    ],
)
def test_who_hears_what(level: str, facts: dict[str, bool], kind: str | None) -> None:
    given = {"named": False, "everyone": False, "direct": False, "in_thread": False, **facts}
    assert rules.notification_kind(level, **given) == kind
