"""/api/tokens: a person's personal access tokens, for scripts and bots (docs/workspace-api.md).
A token cannot make tokens: a leaked one cannot breed."""

from __future__ import annotations

import msgspec

from ...accounts import api_tokens
from ...accounts.api_tokens import NewTokenView, TokenView
from ...errors import Forbidden
from .endpoints import Call, Endpoint


class NewToken(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    scopes: str = "read"  # "read" or "read write"
    expires_in: int | None = None  # seconds; None: until revoked


async def list_tokens(call: Call) -> list[TokenView]:
    return await call.ctx.run(api_tokens.list_tokens, call.me.user_id)


async def create_token(call: Call) -> NewTokenView:
    if call.me.via_token:
        raise Forbidden("an access token cannot make tokens: sign in to make one")
    body: NewToken = call.body
    return await call.ctx.run(
        api_tokens.create_token, call.me.user_id, body.name, body.scopes, body.expires_in
    )


async def revoke_token(call: Call) -> None:
    await call.ctx.run(api_tokens.revoke_token, call.me.user_id, call.param("token_id"))


ENDPOINTS = [
    Endpoint("GET", "/api/tokens", "The caller's current access tokens (no secret)",
             list_tokens, response=list[TokenView], tags=("tokens",)),
    Endpoint("POST", "/api/tokens", "A new access token, shown in this answer only (not with "
             "a token)", create_token, body=NewToken, response=NewTokenView, status=201,
             tags=("tokens",)),
    Endpoint("DELETE", "/api/tokens/{token_id:int}", "Revoke an access token", revoke_token,
             tags=("tokens",)),
]  # fmt: skip
