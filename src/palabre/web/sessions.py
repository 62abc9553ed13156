"""Signed session cookies: the session is a small JSON object in the cookie, signed with a key
derived from the server's secret (itsdangerous). HttpOnly, SameSite=Lax, Secure over HTTPS.

The session is read for HTTP requests and WebSockets alike (`scope["session"]`); the cookie is
written only when a request changed the session, so a sign-in expires at its own time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from itsdangerous import BadSignature, TimestampSigner
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "palabre_session"
MAX_COOKIE = 4000


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A key for one purpose, so the server secret itself never signs anything directly."""
    return hmac.new(secret, f"palabre {purpose}".encode(), hashlib.sha256).digest()


class SessionMiddleware:
    def __init__(self, app: ASGIApp, secret: bytes, max_age: int) -> None:
        self.app = app
        self.signer = TimestampSigner(derive_key(secret, "session cookie"), salt="session")
        self.max_age = max_age

    def load(self, raw: str | None) -> dict[str, Any]:
        if not raw or len(raw) > MAX_COOKIE:
            return {}
        try:
            data = json.loads(base64.urlsafe_b64decode(self.signer.unsign(raw, self.max_age)))
        except (BadSignature, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def dump(self, data: dict[str, Any]) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
        return self.signer.sign(payload).decode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        raw = connection.cookies.get(COOKIE)
        session = self.load(raw)
        before = json.dumps(session, sort_keys=True)
        scope["session"] = session
        secure = scope.get("scheme") in ("https", "wss")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                current = scope["session"]
                if json.dumps(current, sort_keys=True) != before or (raw and not current):
                    headers = MutableHeaders(scope=message)
                    headers.append("set-cookie", self.cookie(current, secure))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def cookie(self, session: dict[str, Any], secure: bool) -> str:
        if session:
            value, max_age = self.dump(session), self.max_age
        else:
            value, max_age = "", 0
        parts = [f"{COOKIE}={value}", "Path=/", f"Max-Age={max_age}", "HttpOnly", "SameSite=Lax"]
        if secure:
            parts.append("Secure")
        return "; ".join(parts)
