"""Accounts for tests and benchmarks, made directly in a server's database: each with a
personal access token (`Authorization: Bearer`), so that a load of clients needs no sign-in."""

from __future__ import annotations

from ..accounts.api_tokens import ApiToken, new_token, token_hash
from ..accounts.users import User, add_user
from ..db import Database
from ..spaces.models import Member


def make_people(url: str, count: int, prefix: str = "bench") -> list[tuple[str, str]]:
    """`count` accounts named PREFIX0, PREFIX1... with a read-write token each: (name, token)."""
    db = Database(url)
    people = []
    try:
        for n in range(count):
            name = f"{prefix}{n}"
            add_user(db, name, None, f"{prefix.capitalize()} {n}")
            token = new_token()
            with db.session() as session:
                user = session.query(User).filter_by(name=name).one()
                session.add(
                    ApiToken(
                        user_id=user.id,
                        name=prefix,
                        token_hash=token_hash(token),
                        scopes="read write",
                    )
                )
            people.append((name, token))
    finally:
        db.close()
    return people


def add_members(url: str, space: int, names: list[str], role: str = "member") -> None:
    """Make these accounts members of a space, in the database (no invitation)."""
    db = Database(url)
    try:
        with db.session() as session:
            for user in session.query(User).filter(User.name.in_(names)):
                session.add(Member(space_id=space, user_id=user.id, role=role, access={}))
    finally:
        db.close()
