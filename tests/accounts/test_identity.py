"""identify(): the session cookie and the ?token= of a WebSocket URL, as the signaling sees them."""

from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket

from palabre.accounts.identity import Auth, Identity, identify
from palabre.accounts.tokens import InvitationError, create_invitation
from palabre.accounts.users import add_user
from palabre.config import Settings
from palabre.db import Database
from palabre.web.auth import auth_routes
from palabre.web.sessions import SessionMiddleware

SECRET = "an-hs256-secret-of-at-least-32-characters"


@pytest.fixture
def client() -> TestClient:
    """The sign-in routes and a WebSocket that answers with identify()'s result."""
    settings = Settings(jwt_secret=SECRET)
    auth = Auth(settings, Database("sqlite://"))
    add_user(auth.db, "alice", "s3cret-pass", "Alice Liddell")

    async def who(websocket: WebSocket) -> None:
        try:
            identity: Identity | None = identify(websocket, auth)
            error = None
        except InvitationError as exc:
            identity, error = None, exc.code
        await websocket.accept()
        if identity is None:
            await websocket.send_json({"error": error})
        else:
            invitation = identity.invitation
            await websocket.send_json(
                {
                    "user": identity.user,
                    "display_name": identity.display_name,
                    "host": identity.host,
                    "room": invitation.room if invitation else None,
                    "role": invitation.role if invitation else None,
                }
            )
        await websocket.close()

    app = Starlette(
        routes=[*auth_routes(auth), WebSocketRoute("/ws", who)],
        middleware=[Middleware(SessionMiddleware, secret=b"s" * 32, max_age=3600)],
    )
    return TestClient(app)


def ask(client: TestClient, query: str = "", origin: str | None = None) -> dict[str, object]:
    headers = {"origin": origin} if origin else {}
    with client.websocket_connect("/ws" + query, headers=headers) as ws:
        return dict(ws.receive_json())


def sign_in(client: TestClient) -> None:
    page = client.get("/auth/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = {"username": "alice", "password": "s3cret-pass", "csrf": token}
    assert client.post("/auth/login", data=data, follow_redirects=False).status_code == 303


def test_anonymous_guest(client: TestClient) -> None:
    assert ask(client) == {
        "user": None, "display_name": None, "host": False, "room": None, "role": None
    }  # fmt: skip


def test_signed_in_host(client: TestClient) -> None:
    sign_in(client)
    assert ask(client) == {
        "user": "alice", "display_name": "Alice Liddell", "host": True, "room": None, "role": None
    }  # fmt: skip


def test_sign_in_is_not_honoured_from_another_origin(client: TestClient) -> None:
    sign_in(client)
    assert ask(client, origin="http://testserver")["user"] == "alice"
    for foreign in ("https://evil.example", "http://testserver.evil.example", "null"):
        assert ask(client, origin=foreign)["user"] is None, foreign
    # An invitation in the URL still counts: the page that has it was given it.
    token = create_invitation(Settings(jwt_secret=SECRET), "r", name="Ada")
    assert ask(client, f"?token={token}", origin="https://portal.example")["display_name"] == "Ada"


def test_invitation_token(client: TestClient) -> None:
    settings = Settings(jwt_secret=SECRET)
    token = create_invitation(settings, "Board Meeting", name="Ada", moderator=True)
    assert ask(client, f"?token={token}") == {
        "user": None, "display_name": "Ada", "host": False, "room": "board-meeting",
        "role": "moderator",
    }  # fmt: skip
    sign_in(client)
    both = ask(client, f"?token={token}")
    assert both["user"] == "alice" and both["display_name"] == "Alice Liddell" and both["host"]
    assert both["role"] == "moderator"


def test_bad_tokens_raise(client: TestClient) -> None:
    expired = create_invitation(Settings(jwt_secret=SECRET), "r", ttl=10, now=0)
    assert ask(client, f"?token={expired}") == {"error": "expired"}
    forged = create_invitation(Settings(jwt_secret="x" * 40), "r")
    assert ask(client, f"?token={forged}") == {"error": "bad_signature"}
    assert ask(client, "?token=nonsense") == {"error": "invalid"}


def test_identify_without_session_middleware() -> None:
    from starlette.requests import HTTPConnection

    auth = Auth(Settings(), Database("sqlite://"))
    scope = {"type": "websocket", "path": "/ws", "query_string": b"", "headers": []}
    assert identify(HTTPConnection(scope), auth).user is None
