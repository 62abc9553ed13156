"""/api/sign-in-links: a guest account (no password) asks for a sign-in link by e-mail, and
the link signs it in once. The answer to the asking is the same whether the address has a
guest account or not, and the e-mail leaves after it (in the background), so neither the
answer nor its time tells who has an account (the sending is a background task of the
response)."""

from __future__ import annotations

import logging

import msgspec
from starlette.background import BackgroundTask
from starlette.responses import Response

from ...accounts import sign_in_links
from ...accounts.emails import clean_email
from ...accounts.identity import same_origin
from ...accounts.sign_in_links import LinkRefused, NewLink
from ...accounts.sign_in_mail import sign_in_mail
from ...errors import Forbidden
from ...notify.mail import Mailer, MailError
from ..auth import language
from .endpoints import Call, Endpoint

log = logging.getLogger(__name__)


class LinkAsked(msgspec.Struct, forbid_unknown_fields=True):
    email: str


class Asked(msgspec.Struct, kw_only=True):
    asked: bool  # always true: whether a link was sent is not said


class SignedIn(msgspec.Struct, kw_only=True):
    user: str
    display_name: str


async def _send(mail: Mailer, lang: str, made: NewLink, link: str) -> None:
    message = sign_in_mail(lang, made.display_name, link)
    try:
        await mail.send(made.email, message.subject, message.text, message.html)
    except MailError as exc:
        log.warning("sign-in link not sent: %s", type(exc).__name__)


async def ask_link(call: Call) -> Response:
    body: LinkAsked = call.body
    email = clean_email(body.email)
    made = await call.ctx.run(sign_in_links.request_link, email)
    task = None
    if made is not None:
        base = call.ctx.settings.public_url or str(call.request.base_url)
        link = f"{base.rstrip('/')}/sign-in/{made.token}"
        task = BackgroundTask(_send, call.ctx.mail, language(call.request), made, link)
    return Response(
        msgspec.json.encode(Asked(asked=True)),
        status_code=202,
        media_type="application/json",
        headers={"cache-control": "no-store"},
        background=task,
    )


async def use_link(call: Call) -> SignedIn:
    origin = call.request.headers.get("origin")
    if origin is not None and not same_origin(origin, call.request, call.ctx.settings):
        raise Forbidden("open the sign-in link on this server's own page")
    try:
        user = await call.ctx.run(sign_in_links.use_link, call.param("token"))
    except LinkRefused as refusal:
        raise refusal.said_in(language(call.request)) from None
    call.ctx.auth.sign_in(call.request.session, user, "link")
    return SignedIn(user=user.name, display_name=user.display_name)


ENDPOINTS = [
    Endpoint("POST", "/api/sign-in-links", "A guest asks for a sign-in link by e-mail (202; "
             "the same answer whatever the address)", ask_link, body=LinkAsked, response=Asked,
             status=202, public=True, tags=("accounts",)),
    Endpoint("POST", "/api/sign-in-links/{token}", "Sign in as a guest with the e-mailed link "
             "(once)", use_link, response=SignedIn, public=True, tags=("accounts",)),
]  # fmt: skip
