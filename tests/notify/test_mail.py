"""E-mail through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import pytest

from palabre.config import Settings
from palabre.notify.mail import MailError, NoMail, SmtpMailer, mailer_for
from smtp_server import SmtpServer


async def test_smtp_mailer_delivers_text_and_html(smtp: SmtpServer) -> None:
    mailer = mailer_for(Settings(**smtp.settings, mail_from="Palabre <noreply@example.org>"))
    assert isinstance(mailer, SmtpMailer)
    await mailer.send("ada@example.org", "Invitation à « Projet »", "Bonjour", "<p>Bonjour</p>")
    message = smtp.wait_for("ada@example.org")
    assert message["Subject"] == "Invitation à « Projet »"
    assert message["From"] == "Palabre <noreply@example.org>"
    assert message.get_body(("plain",)).get_content().strip() == "Bonjour"  # type: ignore[union-attr]
    assert "<p>Bonjour</p>" in message.get_body(("html",)).get_content()  # type: ignore[union-attr]


async def test_an_unreachable_server_is_a_mail_error() -> None:
    from palabre.bot.harness import free_port

    mailer = SmtpMailer(Settings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_tls="none"))
    with pytest.raises(MailError):
        await mailer.send("ada@example.org", "x", "y")


def test_without_smtp_nothing_is_sent() -> None:
    assert isinstance(mailer_for(Settings()), NoMail)
