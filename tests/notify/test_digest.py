"""The digest's composition alone: French and English, every kind, links, escaping."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palabre.notify.digest import MAX_LISTED, Missed, compose, line, link_for

BASE = "https://palabre.example/"


def mention(text: str = "on se voit à 10 h ?", actor: str | None = "Bob Martin") -> Missed:
    return Missed("mention", text, actor, "Projet Alpha", "général", BASE + "spaces/1/channels/2")


def test_french_digest_for_one_notification() -> None:
    digest = compose("fr", "Alice", [mention()], BASE)
    assert digest.subject == "Palabre\u00a0: 1 notification en attente"
    assert digest.text.startswith("Bonjour Alice,\n")
    assert "Bob Martin vous a mentionné dans #général (Projet Alpha)" in digest.text
    assert "«\u00a0on se voit à 10 h ?\u00a0»" in digest.text
    assert "  https://palabre.example/spaces/1/channels/2\n" in digest.text
    assert "https://palabre.example/spaces/settings" in digest.text
    assert '<html lang="fr">' in digest.html
    assert '<a href="https://palabre.example/spaces/1/channels/2">' in digest.html


def test_english_digest_for_each_kind() -> None:
    items = [
        mention(),
        Missed("reply", "d'accord", "Chloé", "Projet Alpha", "général", BASE + "a"),
        Missed("invitation", "", "Dana", "Jardin partagé", None, BASE + "b"),
        Missed("direct", "tu es là ?", None, None, None, BASE + "c"),
        Missed("other-kind", "x", "Eve", "Projet Alpha", None, BASE + "d"),
    ]
    digest = compose("en", "Alice", items, BASE)
    assert digest.subject == "Palabre: 5 notifications you missed"
    assert "Here are the 5 notifications you missed on Palabre:" in digest.text
    for expected in (
        "Bob Martin mentioned you in #général (Projet Alpha)",
        "Chloé replied in a thread in #général (Projet Alpha)",
        "Dana invited you to the space Jardin partagé",
        "Someone wrote to you in a direct conversation",
        "New notification in Projet Alpha",
    ):
        assert expected in digest.text
    assert "“tu es là ?”" in digest.text
    assert '<html lang="en">' in digest.html


def test_the_planning_kinds_say_what_happened_in_both_languages() -> None:
    items = [
        Missed("task", "Budget", "Bob Martin", "Projet Alpha", None, BASE + "spaces/tasks"),
        Missed("task", "⏰ Budget", None, "Projet Alpha", None, BASE + "spaces/tasks"),
        Missed("poll", "✓ Comité: 2026-12-07 10:00-11:00", None, None, None, BASE + "p"),
        Missed("event", "Comité · 2026-12-07 10:00", "Bob Martin", None, None, BASE + "e"),
    ]
    said = {
        "en": ["Bob Martin assigned you a card in Projet Alpha",
               "A card of yours is due soon in Projet Alpha",
               "News of a meeting poll", "Bob Martin invited you to an event"],
        "fr": ["Bob Martin vous a confié une carte dans Projet Alpha",
               "Une de vos cartes arrive à échéance dans Projet Alpha",
               "Du nouveau sur un sondage de réunion", "Bob Martin vous a invité à un événement"],
    }  # fmt: skip
    for language, lines in said.items():
        text = compose(language, "Alice", items, BASE).text
        assert [line for line in lines if line not in text] == []
        assert "New notification" not in text and "Nouvelle notification" not in text


def test_a_long_digest_lists_the_first_and_counts_the_rest() -> None:
    items = [mention(f"message {n}") for n in range(MAX_LISTED + 3)]
    fr, en = compose("fr", "Alice", items, BASE), compose("en", "Alice", items, BASE)
    assert "… et 3 autres notifications." in fr.text
    assert "… and 3 more notifications." in en.text
    assert f"message {MAX_LISTED - 1}" in en.text and f"message {MAX_LISTED}»" not in en.text
    assert en.html.count("<li>") == MAX_LISTED


def test_what_people_wrote_is_escaped_in_the_html() -> None:
    hostile = mention('<script>alert(1)</script> & "x"', actor="<b>Bob</b>")
    digest = compose("en", "<i>Alice</i>", [hostile], BASE)
    assert "<script>" not in digest.html and "<b>" not in digest.html
    assert "<i>" not in digest.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;" in digest.html
    assert "<script>alert(1)</script>" in digest.text  # plain text is plain


def test_an_unknown_language_is_french_and_nothing_to_tell_is_no_digest() -> None:
    assert compose("de", "Alice", [mention()], BASE).subject.startswith("Palabre\u00a0:")
    with pytest.raises(ValueError):
        compose("fr", "Alice", [], BASE)


def test_links_go_where_the_client_shows_each_thing() -> None:
    assert link_for(BASE, 1, 2, 3) == "https://palabre.example/spaces/1/channels/2?message=3"
    assert link_for(BASE, None, 7, 9) == "https://palabre.example/spaces/direct/7?message=9"
    assert link_for(BASE, 4, None, None) == "https://palabre.example/spaces/4"
    assert link_for(BASE, None, None, None) == "https://palabre.example/spaces/notifications"
    assert link_for(BASE, 4, None, None, "task") == "https://palabre.example/spaces/tasks"
    assert link_for(BASE, 4, None, None, "poll") == "https://palabre.example/spaces/polls"
    assert link_for(BASE, None, None, None, "event") == "https://palabre.example/spaces/calendar"


@given(
    language=st.sampled_from(["fr", "en"]),
    kind=st.sampled_from(
        ["mention", "reply", "invitation", "direct", "task", "poll", "event", "x"]
    ),
    text=st.text(max_size=200),
    actor=st.none() | st.text(max_size=50),
    space=st.none() | st.text(max_size=50),
    channel=st.none() | st.text(max_size=50),
)
def test_any_notification_composes_and_its_text_is_escaped(
    language: str,
    kind: str,
    text: str,
    actor: str | None,
    space: str | None,
    channel: str | None,
) -> None:
    item = Missed(kind, text, actor, space, channel, BASE + "spaces")
    digest = compose(language, "Alice", [item], BASE)
    assert line(item, language) in digest.text
    if text:
        assert html.escape(text) in digest.html

    # The same notification with every character of people's text made harmless: the HTML
    # has exactly as many tags, so none came from what they wrote.
    def tame(value: str | None) -> str | None:
        return None if value is None else "x" * len(value)

    tamed = Missed(kind, "x" * len(text), tame(actor), tame(space), tame(channel), item.link)
    plain = compose(language, "Alice", [tamed], BASE)
    assert digest.html.count("<") == plain.html.count("<")
    assert digest.html.count(">") == plain.html.count(">")
