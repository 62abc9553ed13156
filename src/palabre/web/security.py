"""Security headers on every HTTP response: the page may contact no origin but ours.

HSTS is sent when the request came over TLS: directly (scheme https), or through a trusted
reverse proxy that said so with X-Forwarded-Proto (uvicorn's ProxyHeadersMiddleware, restricted
to `trusted_proxies`, rewrites the scheme before this middleware sees it).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = b"max-age=31536000"  # a year; no includeSubDomains: other hosts of the domain are not ours


def content_security_policy(frame_ancestors: str = "'self'") -> str:
    return "; ".join(
        [
            "default-src 'self'",
            # WebAssembly compiles (the background segmentation, client/src/effects), and
            # nothing else: no eval, no inline script.
            "script-src 'self' 'wasm-unsafe-eval'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob:",
            "connect-src 'self'",
            "font-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()


def security_headers(frame_ancestors: str = "'self'") -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", content_security_policy(frame_ancestors).encode()),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
        (b"permissions-policy", b"camera=(self), microphone=(self), display-capture=(self)"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]


HEADERS = security_headers()


class SecurityHeaders:
    def __init__(self, app: ASGIApp, frame_ancestors: str = "'self'") -> None:
        self.app = app
        self.headers = security_headers(frame_ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = self.headers
        if scope.get("scheme") == "https":
            headers = [*headers, (b"strict-transport-security", HSTS)]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
