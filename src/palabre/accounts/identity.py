"""Who is behind a request or a WebSocket: a signed-in user (a host), the holder of an
invitation token, both, or an anonymous guest."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from ..config import Settings
from ..db import Database
from .tokens import Invitation, verify_invitation
from .users import UserInfo, get_user

# Keys of the signed session cookie (src/palabre/web/sessions.py).
SESSION_USER = "user"  # user name
SESSION_UNTIL = "until"  # epoch seconds when the sign-in ends
SESSION_VIA = "via"  # "password" or "oidc"
SESSION_CSRF = "csrf"


@dataclass(frozen=True)
class Identity:
    user: str | None  # the signed-in user's name
    display_name: str | None  # the user's display name, else the invitation's name
    host: bool  # signed in with an organisation account (not a guest's): opens rooms
    invitation: Invitation | None  # from ?token=, already verified

    @property
    def anonymous(self) -> bool:
        return self.user is None and self.invitation is None


ANONYMOUS = Identity(user=None, display_name=None, host=False, invitation=None)


class Auth:
    """What the sign-in routes and identify() need: the settings and the accounts database."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db

    def session_user(self, session: dict[str, Any]) -> UserInfo | None:
        """The signed-in user of this session, if the sign-in is current and the user exists."""
        name = session.get(SESSION_USER)
        until = session.get(SESSION_UNTIL)
        if not isinstance(name, str) or not isinstance(until, int | float) or until < time.time():
            return None
        return get_user(self.db, name)

    def sign_in(self, session: dict[str, Any], user: UserInfo, via: str) -> None:
        """A fresh session for the user (nothing of the anonymous session is kept), with its
        CSRF token made now: made later, by whichever request first asked for it, two requests
        at once (the page's and a second tab's) each made one, each cookie replacing the
        other's, and a write with the losing token was refused (403)."""
        session.clear()
        session[SESSION_USER] = user.name
        session[SESSION_UNTIL] = int(time.time()) + self.settings.session_max_age
        session[SESSION_VIA] = via
        csrf_token(session)

    @staticmethod
    def sign_out(session: dict[str, Any]) -> None:
        session.clear()


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, made if it has none yet."""
    token = session.get(SESSION_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[SESSION_CSRF] = token
    return token


def same_origin(origin: str, connection: HTTPConnection, settings: Settings) -> bool:
    """Origin names this server: the Host the request came to, or the configured public_url."""
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    if parts.netloc.lower() == connection.headers.get("host", "").lower():
        return True
    if settings.public_url:
        public = urlsplit(settings.public_url)
        return (parts.scheme, parts.netloc.lower()) == (public.scheme, public.netloc.lower())
    return False


def identify(connection: HTTPConnection, auth: Auth) -> Identity:
    """The identity behind an HTTP request or a WebSocket (before it is accepted).

    Reads the session cookie (needs the app's SessionMiddleware; ignored when the Origin header
    names another site) and the optional `?token=` invitation. Raises tokens.InvitationError
    (with .code and a message for the person) when a token is given but not valid: refuse the
    connection rather than treat them as a guest.
    Does one small database query when a session names a user.
    """
    session = connection.scope.get("session") or {}
    # A page of another origin may open a WebSocket to us with the browser's cookies
    # (cross-site WebSocket hijacking): its sign-in is not honoured. Browsers always send
    # Origin on WebSockets; other clients (the test bot) send none and have no cookie anyway.
    origin = connection.headers.get("origin")
    trusted = origin is None or same_origin(origin, connection, auth.settings)
    user = auth.session_user(session) if trusted else None
    token = connection.query_params.get("token")
    invitation = verify_invitation(token, auth.settings) if token else None
    if user is not None:
        display_name: str | None = user.display_name
    else:
        display_name = invitation.name if invitation else None
    return Identity(
        user=user.name if user else None,
        display_name=display_name,
        host=user is not None and not user.guest,
        invitation=invitation,
    )
