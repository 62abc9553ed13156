"""A space's members in the database: list, add by account name, change role and module
access, remove (or leave). Each operation asks the policy first and returns views and the
bus events to publish once the transaction has committed.

A member removed loses the space at once on every request (the policy reads the database);
`access.revoked` on their user topic makes their open pages drop it.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..accounts.users import User
from ..bus import space_topic, user_topic
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..messaging.models import Channel, ChannelMember
from ..notify.models import Notification
from . import rules
from .models import Member, Space
from .policy import authorize
from .store import Events, record
from .views import MemberView, member_view

MAX_USER_NAME = 64


def list_members(session: Session, user_id: int, space_id: int) -> list[MemberView]:
    """The space's members, owners first, then by display name. Guests see them too (never
    the organisation's directory); an e-mail only where its owner chose to show it."""
    authorize(session, user_id, space_id, "view")
    rows = session.execute(
        select(Member, User)
        .join(User, User.id == Member.user_id)
        .where(Member.space_id == space_id)
        .order_by(User.display_name, User.id)
    ).all()
    views = [member_view(member, user) for member, user in rows]
    return sorted(views, key=lambda v: rules.rank(v.role))  # stable: by name within a role


def _check_role(role: str) -> str:
    if role not in rules.ROLES:
        raise Invalid(f"unknown role {role[:32]!r} (owner, admin, member or guest)")
    return role


def _target(session: Session, space_id: int, target_id: int) -> tuple[Member, User]:
    """A member of this space; NotFound for anyone else (a member of another space too)."""
    row = session.execute(
        select(Member, User)
        .join(User, User.id == Member.user_id)
        .where(Member.space_id == space_id, Member.user_id == target_id)
    ).first()
    if row is None:
        raise NotFound("no such member in this space")
    return row[0], row[1]


def _owners(session: Session, space_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(Member.space_id == space_id, Member.role == "owner")
        )
        or 0
    )


def enrol(
    session: Session, space: Space, user: User, role: str, actor_id: int | None, verb: str
) -> tuple[Member, Events]:
    """Make `user` a member of `space` with `role` (no policy: the caller checked)."""
    member = Member(space_id=space.id, user_id=user.id, role=role, access={})
    session.add(member)
    record(session, space.id, actor_id, verb, user.display_name)
    session.flush()
    return member, [
        (user_topic(user.id), {"type": "space.joined", "space": space.id}),
        (space_topic(space.id), {"type": "member.changed", "space": space.id, "user": user.id}),
    ]


def add_member(
    session: Session, user_id: int, space_id: int, name: str, role: str
) -> tuple[MemberView, Events]:
    """Add an organisation account, found by its name, with `role`. Guest accounts join
    through an e-mail invitation only; a guest account adds nobody (it knows no directory)."""
    access = authorize(session, user_id, space_id, "manage_members")
    role = _check_role(role)
    if not rules.may_set_role(access.role, None, role):
        raise Forbidden(f"only an owner may add an {role}")
    actor = session.get(User, user_id)
    if actor is None or actor.guest:
        raise Forbidden("a guest account cannot add members by name: invite them by e-mail")
    if not name or len(name) > MAX_USER_NAME:
        raise Invalid("no account has that name")
    user = session.scalar(select(User).where(User.name == name.strip().casefold()))
    if user is None or user.guest:
        raise Invalid("no account of the organisation has that name")
    if session.get(Member, (space_id, user.id)) is not None:
        raise Conflict(f"{user.display_name} is already a member of this space")
    member, events = enrol(session, access.space, user, role, user_id, "member.added")
    return member_view(member, user), events


def change_member(
    session: Session,
    user_id: int,
    space_id: int,
    target_id: int,
    role: str | None,
    changes: Mapping[str, str] | None,
) -> tuple[MemberView, Events]:
    """Change a member's role and/or their level per module (`changes`: module -> level; a
    level equal to the role's default drops the override). Admins manage members and guests,
    owners everyone; the last owner stays an owner."""
    access = authorize(session, user_id, space_id, "manage_members")
    member, user = _target(session, space_id, target_id)
    new_role = member.role if role is None else _check_role(role)
    if not rules.may_set_role(access.role, member.role, new_role):
        raise Forbidden("only an owner may change an owner's or an admin's place")
    if member.role == "owner" and new_role != "owner" and _owners(session, space_id) <= 1:
        raise Conflict("the last owner of a space stays its owner: make another owner first")
    try:
        overrides = rules.merge_access(new_role, member.access or {}, changes or {})
    except rules.RuleError as exc:
        raise Invalid(str(exc)) from None
    if new_role != member.role:
        record(
            session, space_id, user_id, "member.role_changed", f"{user.display_name}: {new_role}"
        )
    if overrides != (member.access or {}):
        record(session, space_id, user_id, "member.access_changed", user.display_name)
    member.role = new_role
    member.access = overrides
    session.flush()
    return member_view(member, user), [
        (space_topic(space_id), {"type": "member.changed", "space": space_id, "user": user.id}),
    ]


def remove_member(session: Session, user_id: int, space_id: int, target_id: int) -> Events:
    """Remove a member (admins; owners for admins and owners), or leave (oneself). The last
    owner can do neither. Their places in the space's private channels go too, so coming
    back later gives no old access."""
    leaving = target_id == user_id
    access = authorize(session, user_id, space_id, "view" if leaving else "manage_members")
    member, user = _target(session, space_id, target_id)
    if not leaving and not rules.may_set_role(access.role, member.role, None):
        raise Forbidden("only an owner may remove an owner or an admin")
    if member.role == "owner" and _owners(session, space_id) <= 1:
        raise Conflict("the last owner of a space cannot leave it: make another owner first")
    channels = select(Channel.id).where(Channel.space_id == space_id).scalar_subquery()
    session.execute(
        delete(ChannelMember)
        .where(ChannelMember.user_id == target_id, ChannelMember.channel_id.in_(channels))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(Notification)
        .where(Notification.user_id == target_id, Notification.space_id == space_id)
        .execution_options(synchronize_session=False)
    )
    session.delete(member)
    record(session, space_id, user_id, "member.left" if leaving else "member.removed",
           user.display_name)  # fmt: skip
    session.flush()
    return [
        (user_topic(target_id), {"type": "access.revoked", "space": space_id}),
        (space_topic(space_id), {"type": "member.changed", "space": space_id, "user": target_id}),
    ]
