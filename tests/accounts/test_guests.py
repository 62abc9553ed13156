"""Guest accounts (accounts/users.guest_user): named safely from the display name, unique,
marked as guests, no password."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palabre.accounts.users import UserError, guest_user, normalize_user_name
from palabre.db import Database


@pytest.fixture(scope="module")
def db() -> Iterator[Database]:
    database = Database("sqlite://")
    yield database
    database.close()


def test_names_come_from_the_display_name_in_plain_letters(db: Database) -> None:
    with db.session() as session:
        first = guest_user(session, "h@example.org", "  Hélène   Durand ")
        second = guest_user(session, "h2@example.org", "Hélène Durand")
        chinese = guest_user(session, "l@example.org", "李雷")
        assert (first.name, first.display_name) == ("guest-helene-durand", "Hélène Durand")
        assert second.name == "guest-helene-durand-2"
        assert chinese.name == "guest-user" and chinese.display_name == "李雷"
        assert first.guest and first.password_hash is None and first.email == "h@example.org"
        with pytest.raises(UserError):
            guest_user(session, "x@example.org", " \t\u200b"[:2])
        session.rollback()


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_display_name_gives_a_valid_unique_name_or_a_refusal(db: Database, text: str) -> None:
    with db.session() as session:
        try:
            made = [guest_user(session, "g@example.org", text) for _ in range(3)]
        except UserError:
            cleaned = " ".join(text.split())
            assert all(unicodedata.category(ch)[0] == "C" for ch in cleaned)
            return
        names = [user.name for user in made]
        assert len(set(names)) == 3
        for name in names:
            assert normalize_user_name(name) == name and name.startswith("guest-")
        assert all(0 < len(user.display_name) <= 128 for user in made)
        session.rollback()
