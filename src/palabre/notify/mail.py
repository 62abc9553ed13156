"""Sending e-mail: one `Mailer` interface, SMTP through aiosmtplib, or nothing at all.

With no `smtp_host` set, nothing is sent (`NoMail` logs what would have gone): Palabre
contacts no mail service of its own accord.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

import aiosmtplib

from ..config import Settings

log = logging.getLogger(__name__)


class Mailer(Protocol):
    async def send(
        self,
        to: str,
        subject: str,
        text: str,
        html: str | None = None,
        *,
        calendar: str | None = None,
    ) -> None:
        """Send one message; raises MailError if the server refused it or was unreachable.
        `calendar`: an iMIP message (RFC 6047), sent as its text/calendar part (with its
        METHOD) and as an invite.ics attachment."""
        ...


class MailError(RuntimeError):
    pass


def _method(calendar: str) -> str:
    for line in calendar.splitlines():
        if line.upper().startswith("METHOD:"):
            return line.split(":", 1)[1].strip().upper()
    return "PUBLISH"


def compose(
    sender: str, to: str, subject: str, text: str, html: str | None, calendar: str | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    if calendar is not None:
        method = _method(calendar)
        message.add_alternative(calendar, subtype="calendar", params={"method": method})
        message.add_attachment(
            calendar.encode(), maintype="application", subtype="ics", filename="invite.ics"
        )
    return message


class SmtpMailer:
    def __init__(self, settings: Settings) -> None:
        assert settings.smtp_host
        self.settings = settings

    async def send(
        self,
        to: str,
        subject: str,
        text: str,
        html: str | None = None,
        *,
        calendar: str | None = None,
    ) -> None:
        s = self.settings
        message = compose(s.mail_from, to, subject, text, html, calendar)
        try:
            await aiosmtplib.send(
                message,
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_user,
                password=s.smtp_password,
                use_tls=s.smtp_tls == "tls",
                start_tls=s.smtp_tls == "starttls",
                timeout=30,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise MailError(f"mail to {to} not sent: {exc}") from exc


class NoMail:
    """No SMTP server configured: nothing leaves; the subject is logged (not the address)."""

    async def send(
        self,
        to: str,
        subject: str,
        text: str,
        html: str | None = None,
        *,
        calendar: str | None = None,
    ) -> None:
        log.info("no smtp_host set: not sending %r", subject)


def mailer_for(settings: Settings) -> Mailer:
    return SmtpMailer(settings) if settings.smtp_host else NoMail()
