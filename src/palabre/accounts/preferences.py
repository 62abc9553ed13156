"""A person's own settings: for now the language Palabre writes to them in (the e-mail
digests), "fr" or "en"; None until they choose, and then French, Palabre's first language."""

from __future__ import annotations

import msgspec
from sqlalchemy.orm import Session

from ..errors import Invalid, NotFound
from .users import User

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"


class Preferences(msgspec.Struct, kw_only=True):
    language: str | None  # None: not chosen (e-mail is then in DEFAULT_LANGUAGE)


def language_of(user: User) -> str:
    """The language to write to this person in."""
    return user.language if user.language in LANGUAGES else DEFAULT_LANGUAGE


def preferences(session: Session, user_id: int) -> Preferences:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such account")
    return Preferences(language=user.language)


def set_preferences(session: Session, user_id: int, language: str | None) -> Preferences:
    """Set what is given (None: unchanged)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such account")
    if language is not None:
        if language not in LANGUAGES:
            raise Invalid(f"language must be one of {', '.join(LANGUAGES)}")
        user.language = language
    session.flush()
    return Preferences(language=user.language)
