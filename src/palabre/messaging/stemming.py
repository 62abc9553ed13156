"""Words and their stems, for search (pure): what a message is indexed under, what a query
looks for, and the excerpt of a result with the words found marked.

Each word counts under its French and its English Snowball stem (snowballstemmer), lowercase
and without diacritics, so "réunions" finds "réunion" and "Reunion", "meetings" finds
"meeting". PostgreSQL's 'french' and 'english' configurations use the same Snowball
stemmers; on SQLite (whose FTS5 has an English stemmer only) these are the indexed terms.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata

import snowballstemmer

MAX_QUERY_WORDS = 8
_WORD = re.compile(r"\w+")
_local = threading.local()  # a stemmer keeps state while it works: one per thread


def _stemmers() -> tuple[object, object]:
    pair = getattr(_local, "pair", None)
    if pair is None:
        pair = (snowballstemmer.stemmer("french"), snowballstemmer.stemmer("english"))
        _local.pair = pair
    return pair


def fold(word: str) -> str:
    """Lowercase, no diacritics: "Réunion" is "reunion"."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stems(word: str) -> frozenset[str]:
    """The word's French and English stems, folded."""
    french, english = _stemmers()
    lower = word.lower()
    return frozenset(
        {fold(french.stemWord(lower)), fold(english.stemWord(lower))}  # type: ignore[attr-defined]
    )


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def index_terms(text: str) -> str:
    """What the text is indexed under: every stem of every word, once, space-separated."""
    found: dict[str, None] = {}
    for word in words(text):
        for stem in sorted(stems(word)):
            found[stem] = None
    return " ".join(found)


def query_words(query: str) -> list[str]:
    """The query's words, each once (by its stems), at most MAX_QUERY_WORDS."""
    seen: list[frozenset[str]] = []
    found: list[str] = []
    for word in words(query):
        word_stems = stems(word)
        if word_stems not in seen:
            seen.append(word_stems)
            found.append(word)
    return found[:MAX_QUERY_WORDS]


def query_terms(query: str) -> list[frozenset[str]]:
    """The query's words, each as the set of its stems: a message matches if it holds one
    stem of every word."""
    return [stems(word) for word in query_words(query)]


def excerpt(text: str, terms: list[frozenset[str]], context: int = 12, length: int = 36) -> str:
    """Safe HTML: a stretch of `text` around the first word found, the words found in
    <mark>, the rest escaped; "…" where it was cut."""
    wanted = frozenset().union(*terms) if terms else frozenset()
    spans = [(m.start(), m.end(), bool(stems(m.group()) & wanted)) for m in _WORD.finditer(text)]
    if not spans:
        return html.escape(text[:200])
    first = next((i for i, span in enumerate(spans) if span[2]), 0)
    low = max(0, first - context)
    high = min(len(spans), low + length)
    start = 0 if low == 0 else spans[low][0]
    end = len(text) if high == len(spans) else spans[high - 1][1]
    parts = ["…"] if start > 0 else []
    position = start
    for word_start, word_end, hit in spans[low:high]:
        parts.append(html.escape(text[position:word_start]))
        word = html.escape(text[word_start:word_end])
        parts.append(f"<mark>{word}</mark>" if hit else word)
        position = word_end
    parts.append(html.escape(text[position:end]))
    if end < len(text):
        parts.append("…")
    return " ".join("".join(parts).split())
