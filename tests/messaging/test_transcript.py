"""A meeting's chat as Markdown messages (messaging/transcript.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from palabre.messaging.markdown import render
from palabre.messaging.transcript import transcript

T0 = 1_780_000_000.0  # 2026-05-28 20:26:40 UTC


def test_one_message_with_a_heading_in_the_keeper_s_language() -> None:
    (fr,) = transcript([("Ada", "On livre *lundi*", T0 + 60)], T0, T0 + 600, "fr")
    assert fr.startswith("**Discussion de la réunion** du 28/05/2026, de 20:26 à 20:36")
    assert fr.endswith("- **Ada** (20:27) : On livre \\*lundi\\*")
    (en,) = transcript([("Ada", "x", T0)], T0, T0, "en")
    assert en.startswith("**Meeting chat** of 2026-05-28")
    assert transcript([], T0, T0) == []


def test_long_chats_are_split_within_the_limit() -> None:
    lines = [(f"P{i}", "word " * 40, T0 + i) for i in range(60)]
    bodies = transcript(lines, T0, T0 + 100, "en", limit=2000)
    assert len(bodies) > 1 and all(len(b) <= 2000 for b in bodies)
    assert sum(b.count("\n- **") for b in bodies) == 60


PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"))  # as the meeting's chat keeps it


@given(st.text(PRINTABLE, max_size=300), st.text(PRINTABLE, min_size=1, max_size=40))
def test_what_people_wrote_is_shown_as_written(text: str, name: str) -> None:
    (body,) = transcript([(name, text, T0)], T0, T0)
    rendered = render(body)
    assert "<script" not in rendered.html and "<img" not in rendered.html
    assert rendered.mentions == ()  # a kept chat notifies nobody
    assert text.strip() == "" or " ".join(text.split())[:50] in " ".join(rendered.text.split())
