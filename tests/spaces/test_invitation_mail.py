"""The invitation e-mail (spaces/invitation_mail.py): French and English, text and HTML, the
link and its end, nothing of the names interpreted as markup or headers."""

from __future__ import annotations

from datetime import UTC, datetime

from palabre.spaces.invitation_mail import invitation_mail, long_date

WHEN = datetime(2025, 8, 3, 14, 5, tzinfo=UTC)
LINK = "https://meet.example.org/invite/abc_DEF-123"


def test_english() -> None:
    mail = invitation_mail("en", "Alice", "Alpha", "member", LINK, WHEN)
    assert mail.subject == "Alice invites you to “Alpha” on Palabre"
    assert "as a member" in mail.text and LINK in mail.text
    assert "3 August 2025, 14:05 (UTC)" in mail.text
    assert f'<a href="{LINK}">Accept the invitation</a>' in mail.html


def test_french() -> None:
    mail = invitation_mail("fr", "Alice", "Alpha", "guest", LINK, WHEN)
    assert mail.subject == "Alice vous invite dans « Alpha » sur Palabre"
    assert "en tant que invité·e" in mail.text and "3 août 2025, 14:05" in mail.text
    assert 'lang="fr"' in mail.html and "Accepter l&#x27;invitation" in mail.html


def test_names_are_neither_markup_nor_headers() -> None:
    mail = invitation_mail(
        "en", "Eve\r\nBcc: x@y", "<script>alert(1)</script>", "guest", LINK, WHEN
    )
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html


def test_an_unknown_language_is_english() -> None:
    assert invitation_mail("de", "A", "B", "guest", LINK, WHEN).subject.startswith("A invites")
    assert long_date(WHEN, "fr") == "3 août 2025, 14:05"
