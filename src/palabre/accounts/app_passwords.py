"""App passwords for DAV clients (CalDAV, WebDAV): HTTP Basic where the password is one of
the person's access tokens (api_tokens.py) and the user name is the account's e-mail address
(or its user name), checked to be the token's owner. A "read" token reads only."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .api_tokens import check_token
from .users import User


@dataclass(frozen=True)
class AppPassword:
    user_id: int
    user_name: str
    writable: bool  # the token has the "write" scope


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user name, password) of an `Authorization: Basic ...` header, if it is one."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic" or not encoded.strip() or len(encoded) > 1024:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    login, colon, password = decoded.partition(":")
    return (login, password) if colon else None


def check_app_password(session: Session, login: str, password: str) -> AppPassword | None:
    """Who the credentials prove, if the token is current and `login` names its owner."""
    grant = check_token(session, password.strip())
    if grant is None:
        return None
    user = session.get(User, grant.user_id)
    if user is None:
        return None
    asked = login.strip().casefold()
    if asked not in {user.name, (user.email or "").casefold()} or not asked:
        return None
    return AppPassword(user.id, user.name, "write" in grant.scopes)
