"""E-mail addresses and token scopes as people type them: refused or normalized, never
anything else (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palabre.accounts.api_tokens import clean_scopes
from palabre.accounts.emails import clean_email
from palabre.errors import Invalid


def test_addresses_are_normalized() -> None:
    assert clean_email("  Ada@EXAMPLE.org ") == "Ada@example.org"
    assert clean_email("hélène@exemple.fr") == "hélène@exemple.fr"
    for text in ("ada", "ada@", "@example.org", "a b@example.org", "ada@example.org\nBcc: x@y"):
        with pytest.raises(Invalid):
            clean_email(text)


@given(st.one_of(st.text(max_size=400), st.emails()))
def test_an_address_is_refused_or_clean_and_stable(text: str) -> None:
    try:
        address = clean_email(text)
    except Invalid:
        return
    assert not any(ch.isspace() for ch in address) and address.count("@") >= 1
    assert len(address) <= 320 and clean_email(address) == address


WORDS = st.sampled_from(["read", "write", "admin", "x", "READ", ""])
SEPARATORS = st.sampled_from([" ", "\t", "  ", "\n"])


@given(st.lists(st.tuples(WORDS, SEPARATORS), max_size=6))
def test_scopes_are_read_or_read_write(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + separator for word, separator in parts)
    try:
        scopes = clean_scopes(text)
    except Invalid:
        assert "read" not in text.split() or not set(text.split()) <= {"read", "write"}
        return
    assert scopes in ("read", "read write")
    assert set(scopes.split()) == set(text.split())
