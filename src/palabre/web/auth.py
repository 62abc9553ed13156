"""Sign-in pages and API: /auth/login, /auth/logout, /auth/oidc/*, /api/me.

Pages are plain HTML forms (no script, no inline style: the CSP allows 'self' only), in French
or English after Accept-Language. Every form carries a CSRF token that must equal the one kept
in the signed session (synchronizer token); SameSite=Lax cookies are the second line.
"""

from __future__ import annotations

import hmac
import html
import logging
import time
from collections import deque
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..accounts.identity import SESSION_CSRF, Auth, csrf_token
from ..accounts.oidc import claims_name, oidc_client
from ..accounts.users import authenticate, oidc_user

log = logging.getLogger(__name__)

MAX_FIELD = 1024
LOGIN_FAILURES = 5  # per user name ...
LOGIN_WINDOW = 300.0  # ... in this many seconds, then further tries are refused until it ends

TEXT = {
    "en": {
        "login": "Sign in",
        "logout": "Sign out",
        "username": "User name",
        "password": "Password",
        "oidc": "Sign in with your organisation's account",
        "or": "or",
        "signed_in_as": "Signed in as {name}.",
        "bad_credentials": "Wrong user name or password.",
        "throttled": "Too many failed attempts: try again in a few minutes.",
        "csrf": "This form has expired: please try again.",
        "oidc_failed": "Sign-in with your organisation's account failed: {reason}",
        "oidc_off": "Sign-in with an organisation's account is not set up on this server.",
        "home": "Back to Palabre",
    },
    "fr": {
        "login": "Connexion",
        "logout": "Déconnexion",
        "username": "Nom d'utilisateur",
        "password": "Mot de passe",
        "oidc": "Se connecter avec le compte de votre organisation",
        "or": "ou",
        "signed_in_as": "Connecté en tant que {name}.",
        "bad_credentials": "Nom d'utilisateur ou mot de passe incorrect.",
        "throttled": "Trop d'essais infructueux : réessayez dans quelques minutes.",
        "csrf": "Ce formulaire a expiré : veuillez réessayer.",
        "oidc_failed": "La connexion avec le compte de votre organisation a échoué : {reason}",
        "oidc_off": "La connexion avec un compte d'organisation n'est pas configurée ici.",
        "home": "Retour à Palabre",
    },
}

STYLE = """body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1b1d21}
main{max-width:22rem;margin:10vh auto;padding:2rem;background:#fff;border-radius:.5rem}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:.8rem 0 .3rem}
input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
button,.button{display:inline-block;margin-top:1rem;padding:.55rem 1rem;font-size:1rem;
background:#1f5fbf;color:#fff;border:0;border-radius:.3rem;text-decoration:none}
.error{color:#a4161a}p.or{text-align:center;color:#666}
@media (prefers-color-scheme:dark){body{background:#15171a;color:#e8e8e8}
main{background:#22252a}}
"""


def language(request: Request) -> str:
    """fr or en: ?lang= if it names one, else the first in Accept-Language, else en."""
    asked = request.query_params.get("lang")
    if asked in TEXT:
        return asked
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in TEXT and quality > 0:
            choices.append((-quality, index, primary))
    return min(choices)[2] if choices else "en"


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in; anything else (other sites too) gives '/'."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ch in target for ch in "\r\n\t\\") or len(target) > 512:
        return "/"
    return target


def csrf_ok(session: dict[str, Any], submitted: object) -> bool:
    expected = session.get(SESSION_CSRF)
    return (
        isinstance(expected, str)
        and isinstance(submitted, str)
        and hmac.compare_digest(expected.encode(), submitted.encode())
    )


def _page(lang: str, title: str, body: str, status: int = 200) -> HTMLResponse:
    document = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} · Palabre</title>"
        '<link rel="stylesheet" href="/auth/style.css"></head>'
        f"<body><main><h1>{html.escape(title)}</h1>{body}"
        f'<p><a href="/">{html.escape(TEXT[lang]["home"])}</a></p></main></body></html>'
    )
    return HTMLResponse(document, status_code=status, headers={"cache-control": "no-store"})


class LoginThrottle:
    """Failed sign-ins per user name (never per address: we keep no IP addresses)."""

    def __init__(self, limit: int = LOGIN_FAILURES, window: float = LOGIN_WINDOW) -> None:
        self.limit = limit
        self.window = window
        self.failures: dict[str, deque[float]] = {}

    def _recent(self, name: str, now: float) -> deque[float]:
        times = self.failures.get(name, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def blocked(self, name: str) -> bool:
        return len(self._recent(name, time.monotonic())) >= self.limit

    def failed(self, name: str) -> None:
        now = time.monotonic()
        if len(self.failures) > 10_000:  # forget the oldest rather than grow without bound
            self.failures.pop(next(iter(self.failures)))
        times = self._recent(name, now)
        times.append(now)
        self.failures[name] = times

    def succeeded(self, name: str) -> None:
        self.failures.pop(name, None)


def auth_routes(auth: Auth) -> list[Route]:
    settings = auth.settings
    oidc = oidc_client(settings)
    throttle = LoginThrottle()

    async def login_form(
        request: Request, error: str | None = None, status: int = 200, username: str = ""
    ) -> HTMLResponse:
        lang = language(request)
        t = TEXT[lang]
        session = request.session
        next_path = safe_next(request.query_params.get("next") or request.session.get("next"))
        parts = []
        if error:
            parts.append(f'<p class="error" role="alert">{html.escape(error)}</p>')
        user = await run_in_threadpool(auth.session_user, session)
        if user is not None:
            signed_in = t["signed_in_as"].format(name=user.display_name)
            parts.append(f"<p>{html.escape(signed_in)}</p>")
        if oidc is not None:
            href = "/auth/oidc/login?next=" + html.escape(next_path, quote=True)
            parts.append(f'<p><a class="button" href="{href}">{html.escape(t["oidc"])}</a></p>')
            parts.append(f'<p class="or">{html.escape(t["or"])}</p>')
        parts.append(
            '<form method="post" action="/auth/login">'
            f'<input type="hidden" name="csrf" value="{csrf_token(session)}">'
            f'<input type="hidden" name="next" value="{html.escape(next_path, quote=True)}">'
            f'<label for="username">{html.escape(t["username"])}</label>'
            '<input id="username" name="username" autocomplete="username" required '
            f'value="{html.escape(username, quote=True)}" autofocus>'
            f'<label for="password">{html.escape(t["password"])}</label>'
            '<input id="password" name="password" type="password" '
            'autocomplete="current-password" required>'
            f'<button type="submit">{html.escape(t["login"])}</button></form>'
        )
        return _page(lang, t["login"], "".join(parts), status)

    async def login_page(request: Request) -> Response:
        return await login_form(request)

    async def login(request: Request) -> Response:
        t = TEXT[language(request)]
        async with request.form(max_files=0, max_fields=10) as form:
            fields = {k: v for k, v in form.items() if isinstance(v, str) and len(v) <= MAX_FIELD}
        if not csrf_ok(request.session, fields.get("csrf")):
            return await login_form(request, t["csrf"], 403)
        username = fields.get("username", "").strip()
        password = fields.get("password", "")
        key = username.casefold()
        if throttle.blocked(key):
            return await login_form(request, t["throttled"], 429, username)
        user = await run_in_threadpool(authenticate, auth.db, username, password)
        if user is None:
            throttle.failed(key)
            return await login_form(request, t["bad_credentials"], 401, username)
        throttle.succeeded(key)
        auth.sign_in(request.session, user, "password")
        log.info("user %s signed in", user.name)
        return RedirectResponse(safe_next(fields.get("next")), status_code=303)

    async def logout_page(request: Request) -> Response:
        lang = language(request)
        t = TEXT[lang]
        body = (
            '<form method="post" action="/auth/logout">'
            f'<input type="hidden" name="csrf" value="{csrf_token(request.session)}">'
            f'<button type="submit">{html.escape(t["logout"])}</button></form>'
        )
        return _page(lang, t["logout"], body)

    async def logout(request: Request) -> Response:
        submitted: object = request.headers.get("x-csrf-token")
        if submitted is None:
            async with request.form(max_files=0, max_fields=10) as form:
                submitted = form.get("csrf")
        if not csrf_ok(request.session, submitted):
            lang = language(request)
            return _page(lang, TEXT[lang]["logout"], f"<p>{TEXT[lang]['csrf']}</p>", 403)
        auth.sign_out(request.session)
        return RedirectResponse("/", status_code=303)

    async def oidc_login(request: Request) -> Response:
        if oidc is None:
            lang = language(request)
            return _page(lang, TEXT[lang]["login"], f"<p>{TEXT[lang]['oidc_off']}</p>", 404)
        request.session["next"] = safe_next(request.query_params.get("next"))
        if settings.public_url:
            redirect_uri = settings.public_url.rstrip("/") + "/auth/oidc/callback"
        else:
            redirect_uri = str(request.url_for("oidc_callback"))
        try:
            response: Response = await oidc.authorize_redirect(request, redirect_uri)
        except Exception as exc:  # the provider is down or its metadata is wrong
            log.warning("OpenID Connect provider unavailable: %s", type(exc).__name__)
            return oidc_failed(request, "provider unavailable", 502)
        return response

    def oidc_failed(request: Request, reason: str, status: int = 400) -> Response:
        lang = language(request)
        t = TEXT[lang]
        text = html.escape(t["oidc_failed"].format(reason=reason))
        body = f'<p class="error" role="alert">{text}</p><p><a href="/auth/login">{t["login"]}</a>'
        return _page(lang, t["login"], body, status)

    async def oidc_callback(request: Request) -> Response:
        if oidc is None:
            return oidc_failed(request, "not configured", 404)
        try:
            token = await oidc.authorize_access_token(request)
        except Exception as exc:  # OAuthError, InvalidClaimError, network errors...
            reason = getattr(exc, "description", None) or getattr(exc, "error", None)
            log.info("OpenID Connect sign-in failed: %s", reason or type(exc).__name__)
            return oidc_failed(request, str(reason or "invalid response"))
        claims = token.get("userinfo") or {}
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            return oidc_failed(request, "no subject in the ID token")
        metadata = await oidc.load_server_metadata()
        preferred, display = claims_name(dict(claims))
        user = await run_in_threadpool(
            oidc_user, auth.db, str(metadata.get("issuer")), subject, preferred, display
        )
        next_path = safe_next(request.session.get("next"))
        auth.sign_in(request.session, user, "oidc")
        log.info("user %s signed in with OpenID Connect", user.name)
        return RedirectResponse(next_path, status_code=303)

    async def me(request: Request) -> Response:
        user = await run_in_threadpool(auth.session_user, request.session)
        return JSONResponse(
            {
                "signedIn": user is not None,
                "name": user.name if user else None,
                "displayName": user.display_name if user else None,
                "host": user is not None and not user.guest,
                "guest": user is not None and user.guest,
                "csrf": csrf_token(request.session) if user else None,
                "oidc": oidc is not None,
                "secureDomain": settings.secure_domain,
                "operator": user is not None and not user.guest and user.name in settings.operators,
            },
            headers={"cache-control": "no-store"},
        )

    async def style(request: Request) -> Response:
        return Response(STYLE, media_type="text/css", headers={"cache-control": "max-age=3600"})

    return [
        Route("/auth/login", login_page, methods=["GET"]),
        Route("/auth/login", login, methods=["POST"]),
        Route("/auth/logout", logout_page, methods=["GET"]),
        Route("/auth/logout", logout, methods=["POST"]),
        Route("/auth/oidc/login", oidc_login, methods=["GET"], name="oidc_login"),
        Route("/auth/oidc/callback", oidc_callback, methods=["GET"], name="oidc_callback"),
        Route("/auth/style.css", style, methods=["GET"]),
        Route("/api/me", me, methods=["GET"]),
    ]
