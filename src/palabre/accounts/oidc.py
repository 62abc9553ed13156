"""OpenID Connect sign-in with Authlib, for any provider configured in the settings.

Authorization code flow with PKCE (S256), state and nonce; the ID token's signature (JWKS),
issuer, audience, expiry and nonce are checked by Authlib. The provider's metadata is read from
its discovery document.
"""

from __future__ import annotations

import warnings
from typing import Any

import authlib.deprecate  # noqa: F401 - installs its "always" filter first, so ours wins

with warnings.catch_warnings():
    # Authlib's Starlette client still imports its httpx integration, which warns at import
    # that httpx2 is preferred; the warning is Authlib's business, not our operators'.
    warnings.simplefilter("ignore")
    from authlib.integrations.starlette_client import OAuth

from ..config import Settings

DISCOVERY = "/.well-known/openid-configuration"
CLIENT_NAME = "oidc"


def discovery_url(issuer: str) -> str:
    issuer = issuer.rstrip("/")
    return issuer if issuer.endswith(DISCOVERY) else issuer + DISCOVERY


def oidc_client(settings: Settings) -> Any | None:
    """Authlib's Starlette client for the configured provider, or None if there is none."""
    if not settings.oidc_issuer or not settings.oidc_client_id:
        return None
    oauth = OAuth()
    return oauth.register(
        CLIENT_NAME,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=discovery_url(settings.oidc_issuer),
        client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256"},
    )


def claims_name(claims: dict[str, Any]) -> tuple[str | None, str | None]:
    """(preferred user name, display name) from ID token or userinfo claims."""
    preferred = claims.get("preferred_username") or claims.get("email")
    display = claims.get("name")
    if not display:
        given = " ".join(str(claims.get(k, "")) for k in ("given_name", "family_name"))
        display = given.strip() or preferred
    return (
        preferred if isinstance(preferred, str) else None,
        display if isinstance(display, str) else None,
    )
