"""The refusals every workspace package speaks, which the web layer turns into HTTP errors.

`NotFound` is also the answer to a person who may not know that an object exists (an id
from another space): it says nothing more than a wrong id would.
"""

from __future__ import annotations

from typing import ClassVar, Self


class Refusal(Exception):
    """An operation refused, with a stable `code` and a message for the person."""

    code = "refused"
    status = 400


class Invalid(Refusal):
    code = "invalid"
    status = 400


class NotFound(Refusal):
    code = "not_found"
    status = 404

    def __init__(self, message: str = "no such object") -> None:
        super().__init__(message)


class Unauthenticated(Refusal):
    """Who asks must sign in first (or their access token is not valid)."""

    code = "unauthenticated"
    status = 401


class Forbidden(Refusal):
    code = "forbidden"
    status = 403


class Conflict(Refusal):
    code = "conflict"
    status = 409


class Gone(Refusal):
    """It existed and can no longer be used (an expired, revoked or used invitation)."""

    code = "gone"
    status = 410


class Unavailable(Refusal):
    """A service Palabre needs did not answer (the SMTP server): nothing was done."""

    code = "unavailable"
    status = 502


class SaidRefusal(Refusal):
    """A refusal said in the person's language, for those who meet it with nothing else to go
    by (an invitee, a guest signing in): REASONS maps a reason to (status, code, English,
    French)."""

    REASONS: ClassVar[dict[str, tuple[int, str, str, str]]] = {}

    def __init__(self, reason: str, lang: str = "en") -> None:
        status, code, english, french = self.REASONS[reason]
        super().__init__(french if lang == "fr" else english)
        self.reason = reason
        self.status = status
        self.code = code

    def said_in(self, lang: str) -> Self:
        return type(self)(self.reason, lang)
