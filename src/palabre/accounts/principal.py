"""Who calls the workspace API: a signed-in person (session cookie) or a script holding one
of their personal access tokens."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .api_tokens import check_token
from .users import User

SESSION_SCOPES = frozenset({"read", "write"})


@dataclass(frozen=True)
class Principal:
    user_id: int
    name: str
    display_name: str
    guest: bool  # came in through a space invitation: sees only what is shared with them
    scopes: frozenset[str]  # a session may do everything; a token what it was given
    via_token: bool = False

    def can(self, scope: str) -> bool:
        return scope in self.scopes


def _of(user: User, scopes: frozenset[str], via_token: bool) -> Principal:
    return Principal(user.id, user.name, user.display_name, user.guest, scopes, via_token)


def principal_for_user(session: Session, name: str) -> Principal | None:
    user = session.scalar(select(User).where(User.name == name))
    return _of(user, SESSION_SCOPES, False) if user else None


def principal_for_token(session: Session, token: str) -> Principal | None:
    grant = check_token(session, token)
    if grant is None:
        return None
    user = session.get(User, grant.user_id)
    return _of(user, grant.scopes, True) if user else None
