"""E-mail addresses as people type them: checked and normalized by email-validator, syntax
only (no DNS lookup: Palabre contacts no one of its own accord)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from ..errors import Invalid

MAX_EMAIL = 320


def clean_email(text: str) -> str:
    """The address normalized (domain in lower case, Unicode NFC); Invalid if it is not one."""
    if len(text) > MAX_EMAIL:
        raise Invalid("this is not an e-mail address")
    try:
        checked = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise Invalid(f"this is not an e-mail address: {exc}") from None
    return str(checked.normalized)
