"""Invitations by e-mail: an admin invites an address with a role (member or guest); the link
carries a random secret whose SHA-256 alone is kept; it expires, is used once, and can be
revoked. Accepting it signed in adds that account; otherwise it makes (or, for a link that was
e-mailed, finds again) the guest account of that address.

Refusals the invitee meets carry a `reason` and are said in French or English
(`InvitationRefused.said_in`): the link is all they have, and they may have no account.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from ..accounts.emails import clean_email
from ..accounts.users import User, UserError, UserInfo, guest_user
from ..db import utcnow
from ..errors import Conflict, Forbidden, Invalid, NotFound, SaidRefusal
from ..notify.store import add_notification
from .members import enrol
from .models import Invitation, Member, Space
from .policy import authorize
from .store import Events, record
from .views import SpaceView, space_view

INVITABLE_ROLES = ("member", "guest")
MAX_TOKEN = 128

# reason: (status, code, English, French)
REASONS: dict[str, tuple[int, str, str, str]] = {
    "not_found": (
        404, "not_found",
        "This invitation link is not valid: check it, or ask for a new one.",
        "Ce lien d'invitation n'est pas valide : vérifiez-le, ou demandez-en un nouveau.",
    ),
    "expired": (
        410, "invitation_expired",
        "This invitation has expired: ask the person who invited you for a new one.",
        "Cette invitation a expiré : demandez-en une nouvelle à la personne qui vous a "
        "invité.",
    ),
    "revoked": (
        410, "invitation_revoked",
        "This invitation was withdrawn by the space's administrators.",
        "Cette invitation a été retirée par les administrateurs de l'espace.",
    ),
    "used": (
        410, "invitation_used",
        "This invitation has already been used. If it was you, sign in again through a new "
        "invitation; otherwise ask for a new one.",
        "Cette invitation a déjà servi. Si c'était vous, revenez par une nouvelle "
        "invitation ; sinon, demandez-en une nouvelle.",
    ),
    "closed": (
        409, "space_closed",
        "This space is archived or being deleted: the invitation cannot be used now.",
        "Cet espace est archivé ou en cours de suppression : l'invitation ne peut pas servir "
        "pour l'instant.",
    ),
    "sign_in": (
        409, "sign_in_first",
        "An account of your organisation has this address: sign in with it, then open the "
        "link again.",
        "Un compte de votre organisation a cette adresse : connectez-vous avec lui, puis "
        "rouvrez le lien.",
    ),
    "unproven": (
        409, "guest_exists",
        "This address already has a guest account: ask for the invitation to be sent to it "
        "by e-mail, and open the link from that e-mail.",
        "Cette adresse a déjà un compte invité : demandez que l'invitation lui soit envoyée "
        "par e-mail, et ouvrez le lien de ce message.",
    ),
    "display_name": (
        400, "invalid",
        "Choose the name the others will see (display_name).",
        "Choisissez le nom que les autres verront (display_name).",
    ),
}  # fmt: skip


class InvitationRefused(SaidRefusal):
    """A link that cannot be used, and why, in the invitee's language."""

    REASONS = REASONS


class InvitationView(msgspec.Struct, kw_only=True):
    """A pending invitation, as the space's admins list it."""

    id: int
    email: str
    role: str
    invited_by: str | None  # the inviter's display name
    created_at: datetime
    expires_at: datetime
    mailed: bool  # the link was e-mailed (else it was shown to the inviter)


class InvitationInfo(msgspec.Struct, kw_only=True):
    """What the link tells whoever holds it."""

    space_id: int
    space_name: str
    invited_by: str | None
    role: str
    email: str  # the address invited
    expires_at: datetime


@dataclass(frozen=True)
class NewInvitation:
    """A made invitation and what its e-mail needs (the secret is nowhere else)."""

    view: InvitationView
    token: str
    space_name: str
    inviter: str


@dataclass(frozen=True)
class Accepted:
    space: SpaceView
    user: UserInfo
    sign_in: bool  # the caller was not signed in: sign the session in as `user`
    events: Events


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _view(row: Invitation, inviter: User | None) -> InvitationView:
    return InvitationView(
        id=row.id,
        email=row.email,
        role=row.role,
        invited_by=inviter.display_name if inviter else None,
        created_at=row.created_at,
        expires_at=row.expires_at,
        mailed=row.sent_at is not None,
    )


def _pending(space_id: int, now: datetime) -> list[ColumnElement[bool]]:
    return [
        Invitation.space_id == space_id,
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
    ]


def _accounts_of(session: Session, email: str) -> list[User]:
    return list(
        session.scalars(
            select(User).where(func.lower(User.email) == email.lower()).order_by(User.id)
        )
    )


def invite(
    session: Session, user_id: int, space_id: int, email: str, role: str, max_age: int
) -> tuple[NewInvitation, Events]:
    """A new invitation of `email` to the space with `role`, valid `max_age` seconds; an
    earlier pending one of the same address is replaced. A person who has an account with
    that address (and is not a member yet) also hears of it in the app."""
    access = authorize(session, user_id, space_id, "invite")
    if role not in INVITABLE_ROLES:
        raise Invalid(f"an invitation's role is member or guest, not {role[:32]!r}")
    email = clean_email(email)
    # Whether the address is already a member's is not said: it would tell the inviter an
    # e-mail its owner did not show. A member who accepts simply stays as they are.
    accounts = [
        account
        for account in _accounts_of(session, email)
        if session.get(Member, (space_id, account.id)) is None
    ]
    now = utcnow()
    session.execute(
        update(Invitation)
        .where(*_pending(space_id, now), func.lower(Invitation.email) == email.lower())
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    row = Invitation(
        space_id=space_id,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=user_id,
        created_at=now,
        expires_at=now + timedelta(seconds=max_age),
    )
    session.add(row)
    record(session, space_id, user_id, "invitation.sent", role)
    session.flush()
    inviter = session.get(User, user_id)
    events: Events = []
    for account in accounts:
        _, event = add_notification(
            session,
            account.id,
            "invitation",
            text=access.space.name,
            actor_id=user_id,
            space_id=space_id,
        )
        events.append(event)
    made = NewInvitation(
        view=_view(row, inviter),
        token=token,
        space_name=access.space.name,
        inviter=inviter.display_name if inviter else "",
    )
    return made, events


def mark_sent(session: Session, invitation_id: int) -> None:
    """The link was e-mailed to the invited address."""
    row = session.get(Invitation, invitation_id)
    if row is not None:
        row.sent_at = utcnow()


def withdraw(session: Session, invitation_id: int) -> None:
    """Revoke an invitation whose e-mail could not be sent (no policy: the inviter's own
    call, failing)."""
    row = session.get(Invitation, invitation_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def list_invitations(session: Session, user_id: int, space_id: int) -> list[InvitationView]:
    """The space's pending invitations (neither used, revoked nor expired), newest first."""
    authorize(session, user_id, space_id, "invite")
    rows = session.execute(
        select(Invitation, User)
        .outerjoin(User, User.id == Invitation.invited_by)
        .where(*_pending(space_id, utcnow()))
        .order_by(Invitation.id.desc())
    ).all()
    return [_view(row, inviter) for row, inviter in rows]


def revoke_invitation(session: Session, user_id: int, space_id: int, invitation_id: int) -> Events:
    """Revoke a pending invitation of this space: its link no longer works."""
    authorize(session, user_id, space_id, "invite")
    row = session.get(Invitation, invitation_id)
    if row is None or row.space_id != space_id:
        raise NotFound("no such invitation in this space")
    if row.accepted_at is not None or row.revoked_at is not None:
        raise Conflict("this invitation is already used or revoked")
    row.revoked_at = utcnow()
    record(session, space_id, user_id, "invitation.revoked", row.role)
    return []


def _usable(session: Session, token: str) -> tuple[Invitation, Space]:
    """The invitation of this link and its space; InvitationRefused saying why not."""
    if not token or len(token) > MAX_TOKEN:
        raise InvitationRefused("not_found")
    row = session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
    space = session.get(Space, row.space_id) if row is not None else None
    if (
        row is None
        or space is None
        or (space.delete_at is not None and space.delete_at <= utcnow())
    ):
        raise InvitationRefused("not_found")
    if row.revoked_at is not None:
        raise InvitationRefused("revoked")
    if row.accepted_at is not None:
        raise InvitationRefused("used")
    if row.expires_at <= utcnow():
        raise InvitationRefused("expired")
    return row, space


def lookup(session: Session, token: str) -> InvitationInfo:
    """What the link invites to (public: whoever holds the link)."""
    row, space = _usable(session, token)
    inviter = session.get(User, row.invited_by) if row.invited_by is not None else None
    return InvitationInfo(
        space_id=space.id,
        space_name=space.name,
        invited_by=inviter.display_name if inviter else None,
        role=row.role,
        email=row.email,
        expires_at=row.expires_at,
    )


def _invitee(session: Session, row: Invitation, display_name: str | None) -> User:
    """The account a caller who is not signed in comes in as: the guest account of the
    invited address (only through a link that was e-mailed there: it proves the mailbox),
    else a new one named as they chose."""
    accounts = _accounts_of(session, row.email)
    if any(not account.guest for account in accounts):
        raise InvitationRefused("sign_in")
    if accounts:
        if row.sent_at is None:
            raise InvitationRefused("unproven")
        return accounts[0]
    try:
        return guest_user(session, row.email, display_name or "")
    except UserError:
        raise InvitationRefused("display_name") from None


def accept(session: Session, token: str, user_id: int | None, display_name: str | None) -> Accepted:
    """Use the link: the signed-in account (`user_id`) joins the space with the invited role
    (a member already keeps their role); a caller not signed in comes in as the address's
    guest account (made if need be). Single use, even when two accept at once."""
    row, space = _usable(session, token)
    if space.archived_at is not None or space.delete_at is not None:
        raise InvitationRefused("closed")
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None:
            raise Forbidden("sign in again")
    else:
        user = _invitee(session, row, display_name)
    now = utcnow()
    taken = session.execute(
        update(Invitation)
        .where(
            Invitation.id == row.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=now, accepted_by=user.id)
        .execution_options(synchronize_session=False)
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        raise InvitationRefused("used")
    member = session.get(Member, (space.id, user.id))
    events: Events = []
    if member is None:
        member, events = enrol(session, space, user, row.role, user.id, "member.joined")
    return Accepted(
        space=space_view(space, member),
        user=UserInfo.of(user),
        sign_in=user_id is None,
        events=events,
    )
