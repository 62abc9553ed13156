"""The mention parser (pure), examples and a fuzzer."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from palabre.messaging.mentions import find_mentions, mention_at


def names(text: str) -> list[str]:
    return [m.name for m in find_mentions(text)]


def test_examples() -> None:
    assert names("@alice bonjour") == ["alice"]
    assert names("merci @Bob.") == ["bob"]
    assert names("@jean.dupont, @ana@example.org: @channel!") == [
        "jean.dupont", "ana@example.org", "channel"
    ]  # fmt: skip
    assert names("bob@example.org") == []
    assert names("@@alice @ @- @_x") == []
    assert names("(@alice) «@bob»") == ["alice", "bob"]
    assert names("@" + "a" * 64) == ["a" * 64] and names("@" + "a" * 65) == []
    assert find_mentions("hi @chan")[0].channel is False
    assert find_mentions("hi @Channel")[0].channel is True
    assert mention_at("x@bob", 1) is None and mention_at("@bob", 0) is not None


NAME = st.from_regex(r"[a-z0-9][a-z0-9._@-]{0,30}[a-z0-9]", fullmatch=True)


@given(st.text(max_size=200))
def test_fuzz_mentions_are_well_formed(text: str) -> None:
    previous_end = -1
    for mention in find_mentions(text):
        assert text[mention.start] == "@" and mention.start >= previous_end
        assert text[mention.start + 1 : mention.end].lower() == mention.name
        assert re.fullmatch(r"[a-z0-9][a-z0-9._@-]*[a-z0-9]|[a-z0-9]", mention.name)
        previous_end = mention.end


@given(st.lists(NAME, min_size=1, max_size=5), st.sampled_from([" ", ", ", ". ", "\n", " ; "]))
def test_fuzz_names_written_apart_are_found(found: list[str], separator: str) -> None:
    text = separator.join(f"@{name}" for name in found) + "."
    assert names(text) == found
