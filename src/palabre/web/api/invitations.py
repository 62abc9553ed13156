"""Invitations by e-mail: made, listed and revoked by a space's admins under
/api/spaces/{id}/invitations; read and accepted by whoever holds the link under
/api/invitations/{token} (public). The e-mail goes in the inviter's language; the invitee's
refusals are said in theirs."""

from __future__ import annotations

import msgspec
from sqlalchemy.exc import IntegrityError

from ...accounts.identity import same_origin
from ...errors import Forbidden, Unavailable
from ...notify.mail import MailError, NoMail
from ...spaces import invitations
from ...spaces.invitation_mail import invitation_mail
from ...spaces.invitations import InvitationInfo, InvitationRefused, InvitationView
from ...spaces.views import SpaceView
from ..auth import language
from .endpoints import Call, Endpoint


class NewInvitation(msgspec.Struct, forbid_unknown_fields=True):
    email: str
    role: str = "guest"  # member or guest


class InvitationMade(msgspec.Struct, kw_only=True):
    invitation: InvitationView
    mailed: bool  # the link went to the address by e-mail
    link: str | None  # shown only when it could not be mailed (no SMTP server set)


class Acceptance(msgspec.Struct, forbid_unknown_fields=True):
    display_name: str | None = None  # for a new guest account: the name the others see


class Accepted(msgspec.Struct, kw_only=True):
    space: SpaceView
    user: str  # the account's name
    display_name: str
    signed_in: bool  # the session was signed in as this (guest) account


def invitation_link(call: Call, token: str) -> str:
    base = call.ctx.settings.public_url or str(call.request.base_url)
    return f"{base.rstrip('/')}/invite/{token}"


async def create_invitation(call: Call) -> InvitationMade:
    body: NewInvitation = call.body
    made = await call.ctx.apply(
        invitations.invite,
        call.me.user_id,
        call.param("space_id"),
        body.email,
        body.role,
        call.ctx.settings.invitation_max_age,
    )
    link = invitation_link(call, made.token)
    mailed = not isinstance(call.ctx.mail, NoMail)
    if mailed:
        view = made.view
        mail = invitation_mail(
            language(call.request), made.inviter, made.space_name, view.role, link, view.expires_at
        )
        try:
            await call.ctx.mail.send(view.email, mail.subject, mail.text, mail.html)
        except MailError:
            await call.ctx.run(invitations.withdraw, view.id)
            raise Unavailable("the invitation e-mail could not be sent: try again later") from None
        await call.ctx.run(invitations.mark_sent, view.id)
    return InvitationMade(
        invitation=msgspec.structs.replace(made.view, mailed=mailed),
        mailed=mailed,
        link=None if mailed else link,
    )


async def list_invitations(call: Call) -> list[InvitationView]:
    return await call.ctx.run(invitations.list_invitations, call.me.user_id, call.param("space_id"))


async def revoke_invitation(call: Call) -> None:
    events = await call.ctx.run(
        invitations.revoke_invitation,
        call.me.user_id,
        call.param("space_id"),
        call.param("invitation_id"),
    )
    await call.ctx.publish(events)


async def read_invitation(call: Call) -> InvitationInfo:
    try:
        return await call.ctx.run(invitations.lookup, call.param("token"))
    except InvitationRefused as refusal:
        raise refusal.said_in(language(call.request)) from None


async def _accept(
    call: Call, user_id: int | None, display_name: str | None
) -> invitations.Accepted:
    for _ in range(2):
        try:
            return await call.ctx.run(
                invitations.accept, call.param("token"), user_id, display_name
            )
        except IntegrityError:  # a new guest's name was taken meanwhile: the next one, then
            pass
    return await call.ctx.run(invitations.accept, call.param("token"), user_id, display_name)


async def accept_invitation(call: Call) -> Accepted:
    body: Acceptance = call.body
    origin = call.request.headers.get("origin")
    # Not signed in, this call signs the browser in: only from our own pages.
    foreign = origin is not None and not same_origin(origin, call.request, call.ctx.settings)
    if call.principal is None and foreign:
        raise Forbidden("open the invitation link on this server's own page")
    user_id = call.principal.user_id if call.principal is not None else None
    try:
        done = await _accept(call, user_id, body.display_name)
    except InvitationRefused as refusal:
        raise refusal.said_in(language(call.request)) from None
    if done.sign_in:
        call.ctx.auth.sign_in(call.request.session, done.user, "invitation")
    await call.ctx.publish(done.events)
    return Accepted(
        space=done.space,
        user=done.user.name,
        display_name=done.user.display_name,
        signed_in=done.sign_in,
    )


INVITATIONS = "/api/spaces/{space_id:int}/invitations"
LINK = "/api/invitations/{token}"
ENDPOINTS = [
    Endpoint("POST", INVITATIONS, "Invite an e-mail address as member or guest (admins)",
             create_invitation, body=NewInvitation, response=InvitationMade, status=201,
             tags=("invitations",)),
    Endpoint("GET", INVITATIONS, "Pending invitations (admins)", list_invitations,
             response=list[InvitationView], tags=("invitations",)),
    Endpoint("DELETE", INVITATIONS + "/{invitation_id:int}", "Revoke an invitation (admins)",
             revoke_invitation, tags=("invitations",)),
    Endpoint("GET", LINK, "What an invitation link invites to (anyone with the link)",
             read_invitation, response=InvitationInfo, public=True, tags=("invitations",)),
    Endpoint("POST", LINK + "/accept", "Accept an invitation: join, or come in as a guest "
             "(anyone with the link)", accept_invitation, body=Acceptance, response=Accepted,
             public=True, tags=("invitations",)),
]  # fmt: skip
