"""Stems for search and the excerpts of results (pure; the excerpt is fuzzed for safety)."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from palabre.messaging.stemming import MAX_QUERY_WORDS, excerpt, index_terms, query_terms, stems


def test_french_and_english_forms_share_a_stem() -> None:
    for one, other in (
        ("réunions", "réunion"),
        ("annulée", "annuler"),
        ("séances", "Séance"),
        ("meetings", "meeting"),
        ("moved", "moving"),
        ("Réunion", "reunion"),
    ):
        assert stems(one) & stems(other), (one, other)  # fmt: skip
    assert not stems("réunion") & stems("tuesday")


def test_index_and_query_terms() -> None:
    terms = index_terms("L'équipe: réunions, RÉUNION!")
    assert terms.split() == sorted(set(terms.split()), key=terms.split().index)  # once each
    assert "reunion" in terms.split() and "equip" in terms.split()
    assert query_terms("réunion Réunions reunion") == [stems("réunion")]
    assert len(query_terms(" ".join(f"mot{i}" for i in range(20)))) == MAX_QUERY_WORDS
    assert query_terms("!!! ...") == []


def test_excerpt_marks_and_cuts() -> None:
    text = " ".join(f"w{i}" for i in range(100)) + " réunion " + "fin " * 50
    shown = excerpt(text, query_terms("réunions"))
    assert shown.startswith("…") and shown.endswith("…") and "<mark>réunion</mark>" in shown
    assert len(shown.split()) <= 40
    assert excerpt("a <b> c", query_terms("zzz")) == "a &lt;b&gt; c"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag if not attrs else f"{tag} with attributes")


@given(st.text(max_size=300), st.text(max_size=30))
def test_fuzz_excerpts_hold_only_marks(text: str, query: str) -> None:
    parser = Tags()
    parser.feed(excerpt(text, query_terms(query)))
    assert set(parser.tags) <= {"mark"}
