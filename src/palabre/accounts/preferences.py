"""A person's own settings: the language Palabre writes to them in (the e-mail digests), "fr"
or "en" (None until they choose, and then French, Palabre's first language); the name others
see; whether co-members of their spaces see their e-mail address."""

from __future__ import annotations

import msgspec
from sqlalchemy.orm import Session

from ..errors import Invalid, NotFound
from .users import User, clean_display_name

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"


class Preferences(msgspec.Struct, kw_only=True):
    language: str | None  # None: not chosen (e-mail is then in DEFAULT_LANGUAGE)
    display_name: str
    email: str | None  # the address Palabre knows (None: none), shown to the person only
    email_visible: bool  # co-members of their spaces see it


def language_of(user: User) -> str:
    """The language to write to this person in."""
    return user.language if user.language in LANGUAGES else DEFAULT_LANGUAGE


def _of(user: User) -> Preferences:
    return Preferences(
        language=user.language,
        display_name=user.display_name,
        email=user.email,
        email_visible=user.email_visible,
    )


def preferences(session: Session, user_id: int) -> Preferences:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such account")
    return _of(user)


def set_preferences(
    session: Session,
    user_id: int,
    language: str | None = None,
    display_name: str | None = None,
    email_visible: bool | None = None,
) -> Preferences:
    """Set what is given (None: unchanged); nothing is changed if any value is refused."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such account")
    if language is not None and language not in LANGUAGES:
        raise Invalid(f"language must be one of {', '.join(LANGUAGES)}")
    name = None
    if display_name is not None:
        name = clean_display_name(display_name, "")
        if not name:
            raise Invalid("display_name must have at least one visible character")
    if language is not None:
        user.language = language
    if name is not None:
        user.display_name = name
    if email_visible is not None:
        user.email_visible = email_visible
    session.flush()
    return _of(user)
