"""The one door to a space: may this person do this in this space? Every handler of every
package asks here (or in its own package's policy, which asks here) and never checks a role
by hand."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import Forbidden, NotFound
from . import rules
from .models import Member, Space


@dataclass(frozen=True)
class Access:
    """A member's standing in a space, as the rules need it."""

    space: Space
    member: Member

    @property
    def role(self) -> str:
        return self.member.role

    @property
    def archived(self) -> bool:
        return self.space.archived_at is not None

    @property
    def deleting(self) -> bool:
        """Its deletion is asked (the grace period runs): read-only until then."""
        return self.space.delete_at is not None

    def may(self, action: str) -> bool:
        return rules.may(
            self.role,
            action,
            archived=self.archived,
            deleting=self.deleting,
            overrides=self.member.access or {},
        )


def membership(session: Session, user_id: int, space_id: int) -> Access:
    """The person's access to the space; NotFound if it does not exist, is deleted, or they
    are not a member (a stranger learns nothing of it)."""
    row = session.execute(
        select(Space, Member)
        .join(Member, Member.space_id == Space.id)
        .where(Space.id == space_id, Member.user_id == user_id)
    ).first()
    if row is None:
        raise NotFound("no such space")
    space, member = row
    if space.delete_at is not None and space.delete_at <= utcnow():
        raise NotFound("no such space")
    return Access(space, member)


def authorize(session: Session, user_id: int, space_id: int, action: str) -> Access:
    """The person's access if they may do `action` (rules.may) in the space, else NotFound
    for a non-member and Forbidden for a member who may not."""
    access = membership(session, user_id, space_id)
    if not access.may(action):
        if rules.may(access.role, action, overrides=access.member.access or {}):
            if access.deleting:
                raise Forbidden("this space is being deleted: it is read-only")
            raise Forbidden("this space is archived: it is read-only")
        raise Forbidden(f"a {access.role} of this space may not do this")
    return access
